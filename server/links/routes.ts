/**
 * Citizens' sign-in links over HTTP: a worker makes one for a citizen in their caseload, the citizen's device trades
 * its secret for a long-lived session. Issuing is links/links.ts, the data links/store.ts.
 */
import { startSession } from '../auth/session.js';
import { HttpError } from '../http/errors.js';
import { attemptLimit } from '../http/rate-limit.js';
import { route } from '../http/route.js';
import type { App, FeatureDeps } from '../http/types.js';
import { channelSenders } from '../reminders/setup.js';
import { citizenLinkUrl, issueCitizenLink } from './links.js';
import { signInLinkMessage } from './message.js';

export function citizenLinkRoutes(app: App, deps: FeatureDeps): void {
  const { config } = deps;
  const store = app.links;

  route(app, 'POST /api/citizens/:citizenId/links', async ({ auth, params }) => {
    const link = await store.createCitizenLink(auth, params.citizenId, (tx) =>
      issueCitizenLink(tx, { organisationId: auth.organisationId, citizenId: params.citizenId, createdBy: auth.userId, hours: config.citizenLinkHours }));
    return { id: link.id, url: citizenLinkUrl(config.publicUrl, link.secret), expiresAt: link.expiresAt.toISOString() };
  });

  // The same SMS gateway and mail server as reminders. A message goes out once per press: the link's id is its
  // idempotency key, so a gateway that saw it before (a timeout after it accepted) does not send it twice.
  const senders = channelSenders(config);
  app.addHook('onClose', () => senders.email?.close?.());
  route(app, 'POST /api/citizens/:citizenId/links/send', async ({ auth, params, body, request }) => {
    const sender = senders[body.channel];
    // Not an outage but how this server is set up (no SMS_GATEWAY_URL / SMTP_URL): a refusal, and nothing issued.
    if (!sender) throw new HttpError(409, 'send_failed', `Sending by ${body.channel} is not set up on this server`);
    const link = await store.issueCitizenLinkToSend(auth, params.citizenId, body.channel, (tx) =>
      issueCitizenLink(tx, { organisationId: auth.organisationId, citizenId: params.citizenId, createdBy: auth.userId, hours: config.citizenLinkHours }));
    const words = signInLinkMessage(link.language, citizenLinkUrl(config.publicUrl, link.secret));
    try {
      await sender.send({ to: link.address, ...words, idempotencyKey: `citizen-link:${link.id}` });
    } catch (error) {
      // The SendError's message names the provider's answer, never the address or the link.
      request.log.warn({ linkId: link.id, channel: body.channel, reason: error instanceof Error ? error.message : 'unknown' }, 'sign-in link not sent');
      await store.withdrawUnsentCitizenLink(auth, params.citizenId, link.id);
      throw new HttpError(502, 'send_failed', 'The message could not be sent; the link was withdrawn');
    }
    return { id: link.id, channel: body.channel, expiresAt: link.expiresAt.toISOString() };
  });

  route(app, 'GET /api/citizens/:citizenId/links', async ({ auth, params }) => store.citizenLinks(auth, params.citizenId));

  route(app, 'POST /api/citizen-links/:linkId/revoke', async ({ auth, params }) => store.revokeCitizenLink(auth, params.linkId));

  /** The citizen's device trades the secret from the link for a long-lived session. One use per link. */
  route(app, 'POST /api/citizen-links/exchange', async ({ body, reply }) => {
    let signInId = '';
    const me = await store.exchangeCitizenLink(body.secret, async (tx, citizen) => (signInId = await startSession(tx, reply, deps, citizen)));
    // The session their worker waits in, if any: the link page goes straight to the device check (one round trip
    // less). The sign-in has happened: a failure here only leaves it to the page to ask.
    const open = await app.calls.listOpen({ userId: me.user.id, organisationId: me.organisation.id, role: 'citizen', signInId }).catch(() => undefined);
    return open ? { ...me, openCallId: open[0]?.id ?? null } : me;
  }, { onRequest: attemptLimit(config.signInRateLimitPerMinute) });
}
