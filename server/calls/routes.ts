/** Video sessions over HTTP: who may start, join, invite, end or remove is decided here; the store does the rest. */
import type { CallSummary } from '../../protocol/calls.js';
import { HttpError } from '../http/errors.js';
import { AttemptCounter } from '../http/rate-limit.js';
import { route } from '../http/route.js';
import type { App } from '../http/types.js';
import type { TokenService } from '../auth/tokens.js';
import { ROOM_TOKENS_PER_MINUTE } from './limits.js';
import type { CallSignalling } from './signalling/server.js';
import { issueRoomToken } from './room-token.js';
import type { StoredCallSummary } from './store.js';

export function callRoutes(app: App, deps: { tokens: TokenService }, signalling: CallSignalling): void {
  const store = app.calls;
  const tokenLimit = new AttemptCounter(ROOM_TOKENS_PER_MINUTE, 60_000);
  // Who waits is live state: this process's own on a single instance; with several hosts, the session log's (the call
  // may run on another host).
  const withWaiting = ({ waitingInLog, ...call }: StoredCallSummary & { waitingInLog?: number }): CallSummary => ({
    ...call,
    waiting: app.callPlacement.shared ? (waitingInLog ?? 0) : signalling.waitingCount(call.id),
  });

  /**
   * A worker starts a video session with a citizen in their caseload (ad hoc, or for a booked appointment). The
   * citizen is told ("Bo er klar": push, SMS or e-mail, planned with the session), and the reply says how, so the
   * worker knows whether to expect them. Their open screens hear of it at once (server/events/).
   */
  route(app, 'POST /api/calls', async ({ auth, body }) => {
    const started = await store.start(auth, body);
    app.events.callChanged(auth.organisationId, started.id);
    return { ...withWaiting(started), notice: started.notice };
  });

  /** Open sessions I take part in: the citizen's "Deltag", the worker's list of who is waiting. */
  route(app, 'GET /api/calls/open', async ({ auth }) => (await store.listOpen(auth, { countWaiting: app.callPlacement.shared })).map(withWaiting));

  /**
   * A short-lived token for the socket.io handshake: bound to this user, this session and this sign-in (so that
   * signing out ends what the token opened). Limited per user: each one costs a database round and a connection.
   */
  route(app, 'POST /api/calls/:callId/token', async ({ auth, params, reply }) => {
    const limit = tokenLimit.hit(auth.userId);
    if (limit.limited) {
      reply.header('retry-after', String(limit.retryAfterSeconds));
      throw new HttpError(429, 'rate_limited', 'Too many attempts to join. Wait a minute and try again.');
    }
    await store.assertMayJoin(auth, params.callId);
    return issueRoomToken(deps.tokens, app.callPlacement, { ...auth, callId: params.callId });
  });

  /** The worker brings a colleague (or a coordinator helping with technology) into the session. */
  route(app, 'POST /api/calls/:callId/participants', async ({ auth, params, body }) => {
    await store.invite(auth, params.callId, body.userId);
  });

  route(app, 'POST /api/calls/:callId/end', async ({ auth, params }) => {
    await store.assertMayEnd(auth, params.callId);
    await signalling.endCall(params.callId, auth.userId, 'ended_by_staff', auth.organisationId);
  });

  /**
   * The session's worker (or a coordinator) takes a participant out of a call that goes on: they are told why,
   * disconnected, their media closed, and they cannot come back to this session.
   */
  route(app, 'DELETE /api/calls/:callId/participants/:participantId', async ({ auth, params }) => {
    const userId = await store.removeParticipant(auth, params.callId, params.participantId);
    await signalling.removeFromCall(params.callId, userId);
  });

  /**
   * The worker's step after a call: how it went. Always on the session; for a booked appointment its status too,
   * through the booking store (its own rules: not a cancelled one, not one that has not begun — a video started
   * early and ended before the booked time). The appointment's refusal leaves the session's record standing.
   */
  route(app, 'POST /api/calls/:callId/outcome', async ({ auth, params, body }) => {
    const { appointmentId } = await store.recordOutcome(auth, params.callId, body);
    let appointmentUpdated = false;
    if (appointmentId) {
      try {
        await app.booking.setOutcome(auth, appointmentId, { status: body.outcome, ...(body.note ? { reason: body.note } : {}) });
        appointmentUpdated = true;
      } catch (error) {
        if (!(error instanceof HttpError) || ![400, 404, 409].includes(error.statusCode)) throw error;
      }
    }
    return { outcome: body.outcome, appointmentUpdated };
  });
}
