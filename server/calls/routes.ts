import { Type } from '@sinclair/typebox';
import { CallParams, CallParticipantParams, CallSummary, InviteBody, RoomToken, StartCallBody, type Role } from '../../protocol/api.js';
import { audit } from '../audit/audit.js';
import type { Auth } from '../auth/session.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../http/errors.js';
import type { App, FeatureDeps } from '../http/types.js';
import { assertCitizenAccess } from '../people/access.js';
import { callRoles } from './call-roles.js';
import { AttemptCounter } from '../http/rate-limit.js';
import { ROOM_TOKENS_PER_MINUTE } from './limits.js';
import type { CallSignalling } from './signalling.js';
import { addParticipant, loadCall, participantOf, recordRemoval, wasRemoved } from './store.js';

const ROOM_TOKEN_SECONDS = 120;

interface SummaryRow {
  id: string;
  kind: 'planned' | 'ad_hoc';
  status: 'open' | 'ended';
  citizen_id: string;
  other_name: string;
  created_at: Date;
}

export function callRoutes(app: App, deps: FeatureDeps, signalling: CallSignalling): void {
  const { sql, tokens } = deps;
  const tokenLimit = new AttemptCounter(ROOM_TOKENS_PER_MINUTE, 60_000);
  const anyone = { roles: ['citizen', 'worker', 'volunteer', 'coordinator'] as const };
  const summary = (r: SummaryRow): CallSummary => ({
    id: r.id, kind: r.kind, status: r.status, citizenId: r.citizen_id, otherName: r.other_name,
    createdAt: r.created_at.toISOString(), waiting: signalling.waitingCount(r.id),
  });

  /** A worker starts an ad hoc video session with a citizen in their caseload. */
  app.post('/api/calls', {
    config: { roles: ['worker', 'coordinator'] },
    schema: { tags: ['calls'], body: StartCallBody, response: { 201: CallSummary } },
  }, async (request, reply) => {
    const auth = request.auth!;
    const { citizenId, appointmentId } = request.body;
    const row = await inOrganisation(sql, auth.organisationId, async (tx) => {
      await assertCitizenAccess(tx, auth, citizenId);
      if (appointmentId) {
        const [appointment] = await tx`select 1 from appointments where id = ${appointmentId} and citizen_id = ${citizenId} and status = 'booked'`;
        if (!appointment) throw notFound('No such booked appointment for this citizen');
      }
      const [open] = await tx`select worker_id from call_sessions where citizen_id = ${citizenId} and status = 'open'`;
      if (open) throw conflict('This citizen already has an open session');
      const [created] = await tx<SummaryRow[]>`
        insert into call_sessions (organisation_id, worker_id, citizen_id, kind, appointment_id)
        values (${auth.organisationId}, ${auth.userId}, ${citizenId}, ${appointmentId ? 'planned' : 'ad_hoc'}, ${appointmentId ?? null})
        returning id, kind, status, citizen_id, created_at, (select display_name from users where id = ${citizenId}) as other_name`;
      await addParticipant(tx, auth.organisationId, created!.id, auth.userId, null);
      await addParticipant(tx, auth.organisationId, created!.id, citizenId, auth.userId);
      await audit(tx, auth, 'call.start', citizenId, { callId: created!.id });
      return created!;
    });
    return reply.code(201).send(summary(row));
  });

  /** Open sessions I take part in: the citizen's "Deltag", the worker's list of who is waiting. */
  app.get('/api/calls/open', {
    config: anyone,
    schema: { tags: ['calls'], response: { 200: Type.Array(CallSummary) } },
  }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      const rows = await tx<SummaryRow[]>`
        select s.id, s.kind, s.status, s.citizen_id, s.created_at,
               (select display_name from users where id = case when ${auth.role} = 'citizen' then s.worker_id else s.citizen_id end) as other_name
        from call_sessions s join call_participants p on p.session_id = s.id and p.user_id = ${auth.userId}
        where s.status = 'open' order by s.created_at desc`;
      if (auth.role !== 'citizen') await audit(tx, auth, 'citizen.list', rows.map((r) => r.citizen_id), { via: 'calls' });
      return rows.map(summary);
    });
  });

  /**
   * A short-lived token for the socket.io handshake: bound to this user, this session and this sign-in (so that
   * signing out ends what the token opened). Limited per user: each one costs a database round and a connection.
   */
  app.post('/api/calls/:callId/token', {
    config: anyone,
    schema: { tags: ['calls'], params: CallParams, response: { 200: RoomToken } },
  }, async (request, reply) => {
    const auth = request.auth!;
    const { callId } = request.params;
    const limit = tokenLimit.hit(auth.userId);
    if (limit.limited) {
      reply.header('retry-after', String(limit.retryAfterSeconds));
      throw new HttpError(429, 'rate_limited', 'Too many attempts to join. Wait a minute and try again.');
    }
    await inOrganisation(sql, auth.organisationId, async (tx) => {
      const call = await loadCall(tx, callId);
      if (!call || !(await participantOf(tx, callId, auth.userId))) throw notFound('No such session');
      if (call.status !== 'open') throw new HttpError(410, 'session_ended', 'This session has ended');
      if (await wasRemoved(tx, callId, auth.userId)) throw new HttpError(410, 'removed', 'You were taken out of this session');
    });
    const expiresAt = new Date(Date.now() + ROOM_TOKEN_SECONDS * 1000);
    const token = await tokens.sign({ sub: auth.userId, org: auth.organisationId, role: auth.role, sid: auth.sessionId, call: callId }, 'signal', expiresAt);
    return { token, expiresAt: expiresAt.toISOString() };
  });

  /** The worker brings a colleague (or a coordinator helping with technology) into the session. */
  app.post('/api/calls/:callId/participants', {
    config: { roles: ['worker', 'coordinator'] },
    schema: { tags: ['calls'], params: CallParams, body: InviteBody, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const auth = request.auth!;
    const { callId } = request.params;
    await inOrganisation(sql, auth.organisationId, async (tx) => {
      const call = await ownedOpenCall(tx, auth, callId);
      const [colleague] = await tx<{ role: Role }[]>`select role from users where id = ${request.body.userId} and active`;
      if (!colleague) throw notFound('No such colleague');
      if (colleague.role === 'citizen') throw forbidden('Only staff can be added to a session');
      await addParticipant(tx, auth.organisationId, callId, request.body.userId, auth.userId);
      await audit(tx, auth, 'call.invite', call.citizen_id, { callId, colleagueId: request.body.userId });
    });
    return reply.code(204).send(null);
  });

  app.post('/api/calls/:callId/end', {
    config: { roles: ['worker', 'coordinator'] },
    schema: { tags: ['calls'], params: CallParams, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const auth = request.auth!;
    const { callId } = request.params;
    await inOrganisation(sql, auth.organisationId, (tx) => ownedOpenCall(tx, auth, callId, callRoles.mayEnd));
    await signalling.endCall(callId, auth.userId, 'ended_by_staff', auth.organisationId);
    return reply.code(204).send(null);
  });

  /**
   * The session's worker (or a coordinator) takes a participant out of a call that goes on: they are told why,
   * disconnected, their media closed, and they cannot come back to this session.
   */
  app.delete('/api/calls/:callId/participants/:participantId', {
    config: { roles: ['worker', 'coordinator'] },
    schema: { tags: ['calls'], params: CallParticipantParams, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const auth = request.auth!;
    const { callId, participantId } = request.params;
    const userId = await inOrganisation(sql, auth.organisationId, async (tx) => {
      const call = await ownedOpenCall(tx, auth, callId);
      const [participant] = await tx<{ id: string; user_id: string }[]>`
        select id, user_id from call_participants where id = ${participantId} and session_id = ${callId}`;
      if (!participant) throw notFound('No such participant in this session');
      if (participant.user_id === call.worker_id) throw conflict('The session’s worker cannot be taken out; end the session instead');
      if (participant.user_id === auth.userId) throw badRequest('Leave the call instead of taking yourself out');
      await recordRemoval(tx, auth.organisationId, participant.id);
      await audit(tx, auth, 'call.remove', call.citizen_id, { callId, participantId });
      return participant.user_id;
    });
    await signalling.removeFromCall(callId, userId);
    return reply.code(204).send(null);
  });
}

/** An open session the caller may act on (by `may`); someone else's looks like none at all. */
async function ownedOpenCall(tx: Tx, auth: Auth, callId: string, may = callRoles.mayManageParticipants) {
  const call = await loadCall(tx, callId);
  if (!call || !may(auth, { ownerId: call.worker_id })) throw notFound('No such session');
  if (call.status !== 'open') throw conflict('This session has already ended');
  return call;
}
