/**
 * Guest links over HTTP. The citizen invites and approves; the guest opens /guest#<secret> and taps "Deltag", which
 * posts the secret (nothing happens on a GET, so a link scanner spends nothing). The narrow guest session is a cookie
 * only the /api/guest routes read: it cannot stand in for a sign-in anywhere else, so every other route answers a
 * guest 401.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { issueRoomToken } from '../calls/room-token.js';
import { unauthorized } from '../http/errors.js';
import { attemptLimit } from '../http/rate-limit.js';
import { route } from '../http/route.js';
import type { App, FeatureDeps } from '../http/types.js';
import type { GuestContext } from './store.js';

const GUEST_COOKIE = 'naervaer_guest';
const GUEST_COOKIE_PATH = '/api/guest';
const COOKIE_VALUE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/** The guest's page: the secret goes in the fragment, which never reaches a server log or a referrer. */
export function guestLinkUrl(publicUrl: URL, secret: string): string {
  const url = new URL('/guest', publicUrl);
  url.hash = secret;
  return url.toString();
}

export function guestRoutes(app: App, { config, tokens }: FeatureDeps): void {
  const store = app.guests;
  const setGuestCookie = (reply: FastifyReply, value: string, expires: Date) =>
    reply.setCookie(GUEST_COOKIE, value, {
      path: GUEST_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: config.publicUrl.protocol === 'https:', expires,
    });

  async function guestContext(request: FastifyRequest): Promise<GuestContext> {
    const match = COOKIE_VALUE.exec(request.cookies[GUEST_COOKIE] ?? '');
    const guest = match ? await store.session(match[1]!, match[2]!) : undefined;
    if (!guest) throw unauthorized('This guest link no longer works. Ask the person who invited you.');
    return guest;
  }

  // ——— The citizen ———
  route(app, 'GET /api/my/guest-invitations', async ({ auth }) => store.list(auth));
  route(app, 'POST /api/my/guest-invitations', async ({ auth, body }) => store.create(auth, body));
  /** The link is shown to the citizen once, to pass on (SMS, mail, in person); it is never sent by us. */
  route(app, 'POST /api/my/guest-invitations/:invitationId/approve', async ({ auth, params }) => {
    const { id, secret, expiresAt } = await store.approve(auth, params.invitationId);
    return { id, url: guestLinkUrl(config.publicUrl, secret), expiresAt: expiresAt.toISOString() };
  });
  route(app, 'POST /api/my/guest-invitations/:invitationId/revoke', async ({ auth, params }) => {
    const { guestUserId } = await store.revoke(auth, params.invitationId);
    // A guest already in the call goes now, not at the next check.
    if (guestUserId) await app.liveCalls.signInsChanged(auth.organisationId, guestUserId);
  });

  // ——— The guest ———
  route(app, 'POST /api/guest/exchange', async ({ body, reply }) => {
    const { organisationId, token, expiresAt, state } = await store.exchange(body.secret);
    setGuestCookie(reply, `${organisationId}.${token}`, expiresAt);
    return state;
  }, { onRequest: attemptLimit(config.signInRateLimitPerMinute) });

  route(app, 'GET /api/guest', async ({ request }) => store.state(await guestContext(request)));

  /** A room token for that one session, bound to the guest's sign-in row: revoking the invitation ends what it opened. */
  route(app, 'POST /api/guest/token', async ({ request }) => {
    const guest = await guestContext(request);
    const callId = await store.joinableCall(guest);
    return issueRoomToken(tokens, app.callPlacement, { userId: guest.guestUserId, organisationId: guest.organisationId, role: 'guest', signInId: guest.signInId, callId });
  }, { onRequest: attemptLimit(60) });
}
