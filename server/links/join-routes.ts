/**
 * Reminder join links over HTTP. A video appointment's reminder carries /join#<secret>; whoever holds it (the citizen,
 * but also whoever shares their phone, forwards their mail, or scans it for malware) may see when that appointment is
 * and join its video session, until shortly after it ends. Not the citizen's other appointments, settings or
 * anything else: that is what a citizen sign-in link (/link) is for, handed over by a worker in person.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthorized } from '../http/errors.js';
import { attemptLimit } from '../http/rate-limit.js';
import { route } from '../http/route.js';
import type { App, FeatureDeps } from '../http/types.js';
import { issueRoomToken } from '../calls/room-token.js';
import type { JoinContext } from './store.js';

const JOIN_COOKIE = 'naervaer_join';
// The narrow session's cookie goes to these routes only; no other route reads it, so it cannot stand in for a
// sign-in whatever a route's checks are.
const JOIN_COOKIE_PATH = '/api/join';

const COOKIE_VALUE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export function joinRoutes(app: App, { config, tokens }: FeatureDeps): void {
  const store = app.links;
  const setJoinCookie = (reply: FastifyReply, value: string, expires: Date) =>
    reply.setCookie(JOIN_COOKIE, value, {
      path: JOIN_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: config.publicUrl.protocol === 'https:', expires,
    });

  /** The narrow session presented in the join cookie (`<organisation>.<token>`), if it is still good. */
  async function joinContext(request: FastifyRequest): Promise<JoinContext> {
    const match = COOKIE_VALUE.exec(request.cookies[JOIN_COOKIE] ?? '');
    const join = match ? await store.joinSession(match[1]!, match[2]!) : undefined;
    if (!join) throw unauthorized('This link no longer works. Open the link in your newest reminder, or ask your support worker.');
    return join;
  }

  /**
   * The holder taps "Deltag" on /join: the page posts the secret from the fragment. Nothing happens on a GET, so a
   * link scanner that fetches (or even renders) the page uses nothing up. A link can be used more than once until it
   * expires (the same citizen on a second device, or again after a reload); each use is audited and counted.
   */
  route(app, 'POST /api/join/exchange', async ({ body, reply }) => {
    const { organisationId, token, expiresAt, state } = await store.exchangeJoinLink(body.secret);
    setJoinCookie(reply, `${organisationId}.${token}`, expiresAt);
    return state;
  }, { onRequest: attemptLimit(config.signInRateLimitPerMinute) });

  /** When the appointment is and whether its video session is open: the join page polls this while it waits. */
  route(app, 'GET /api/join', async ({ request }) => store.joinState(await joinContext(request)));

  /**
   * A room token for the appointment's open video session: the citizen's, bound to this narrow session, so revoking
   * the link or cancelling the appointment also ends what the token opened.
   */
  route(app, 'POST /api/join/token', async ({ request }) => {
    const join = await joinContext(request);
    const callId = await store.joinableCall(join);
    // The join session stands in for a sign-in: revoking the link ends the call connection too.
    return issueRoomToken(tokens, app.callPlacement, { userId: join.citizenId, organisationId: join.organisationId, role: 'citizen', signInId: join.signInId, callId });
  }, { onRequest: attemptLimit(60) });

  /** The reminder links of one appointment, for its worker or a coordinator: issued when, used when, how often. */
  route(app, 'GET /api/appointments/:appointmentId/reminder-links', async ({ auth, params }) => store.reminderLinks(auth, params.appointmentId));

  /** Withdraws a link at once: it, and any session it gave, stop working. */
  route(app, 'POST /api/reminder-links/:linkId/revoke', async ({ auth, params }) => {
    const revoked = await store.revokeReminderLink(auth, params.linkId);
    // Whoever is in the call through this link is taken out now, not at the next sweep.
    await app.liveCalls.signInsChanged(auth.organisationId, revoked.citizenId);
    return revoked.link;
  });
}
