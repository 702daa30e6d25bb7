/**
 * Video sessions in the database: the session log (sessions, participants, their connection segments and quality
 * summaries). Every query of the calls feature is here, each in one transaction inside the caller's organisation (RLS).
 *
 * One factory serves both ends of the feature: the HTTP routes (starting, listing, inviting, ending, removing) and the
 * live signalling layer (a connection's one transaction, and the short writes a live call makes). Signalling runs its
 * own transactions through the same functions rather than taking a `tx`: none of its work has to share a transaction
 * with another feature. Only `wasRemoved` takes a `tx`, for the reminder join links that ask inside their own; and
 * `endSessionsLeftOpen` runs once at start-up on the owner's connection, across organisations.
 */
import type { Sql } from 'postgres';
import type { CallOutcomeBody, CallSummary, StartCallBody } from '../../protocol/calls.js';
import type { Role } from '../../protocol/common.js';
import type { CallRole, SessionEndReason } from '../../protocol/signalling.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../http/errors.js';
import { assertCitizenAccess } from '../people/store.js';
import { outbox, type ReadyNoticeOutcome } from '../reminders/outbox.js';
import { callRoles, type CallActor, type CallHost } from './call-roles.js';

/** A session as its participants list it; how many wait right now is live state, added by the routes. */
export type StoredCallSummary = Omit<CallSummary, 'waiting'>;

/**
 * How many wait in a session's waiting room as the session log shows it: citizens and guests connected now (an open
 * segment) and not let in. With several hosts this is the count any host can give; a single instance counts its own
 * live calls instead (server/calls/routes.ts), which also knows who has connected but not yet asked to join.
 */
const waitingIn = (tx: Tx) => tx`(
  select count(*)::int from call_participants w
  where w.session_id = s.id and w.admitted_at is null and w.role in ('citizen', 'guest') and w.user_id <> s.worker_id
    and exists (select 1 from call_segments g where g.participant_id = w.id and g.left_at is null))`;

/** Why a connection segment ended (call_segments.leave_reason). */
export type LeaveReason = 'left' | 'disconnected' | 'session_ended' | 'server_shutdown' | 'removed' | 'signed_out' | 'replaced' | 'moved';

/** Who a signalling connection is, from its room token. */
export interface ConnectionClaims {
  organisationId: string;
  userId: string;
  /** The sign-in the room token was issued under: it must still hold. */
  authSessionId: string;
  callId: string;
}

/** A connection that may take part, with the segment its one transaction opened. */
export interface AdmittedConnection {
  participantId: string;
  displayName: string;
  /** The participant's role in the database (the token's claim is not trusted for permissions). */
  role: CallRole;
  /** The session's owner (call_sessions.worker_id). */
  ownerId: string;
  segmentId: number;
  /** Users already let in from the waiting room; read only when asked for (a call this process does not hold yet). */
  admitted: string[] | null;
}

export interface QualitySample {
  rttMs?: number;
  packetLossPct?: number;
  bitrateKbps?: number;
}

interface SummaryRow {
  id: string;
  kind: CallSummary['kind'];
  status: 'open' | 'ended';
  citizen_id: string;
  other_name: string;
  created_at: Date;
  waiting?: number;
}

interface CallRow {
  id: string;
  worker_id: string;
  citizen_id: string;
  status: 'open' | 'ended';
}

const summaryOf = (r: SummaryRow): StoredCallSummary => ({
  id: r.id, kind: r.kind, status: r.status, citizenId: r.citizen_id, otherName: r.other_name, createdAt: r.created_at.toISOString(),
});

async function loadCall(tx: Tx, callId: string): Promise<CallRow | undefined> {
  const [row] = await tx<CallRow[]>`select id, worker_id, citizen_id, status from call_sessions where id = ${callId}`;
  return row;
}

/** Takes part in the session: a participant row whose person is still active. */
async function isParticipant(tx: Tx, callId: string, userId: string): Promise<boolean> {
  const [row] = await tx`
    select 1 from call_participants p join users u on u.id = p.user_id
    where p.session_id = ${callId} and p.user_id = ${userId} and u.active`;
  return row !== undefined;
}

/** An open session the caller may act on (by `may`); someone else's looks like none at all. */
async function ownedOpenCall(tx: Tx, auth: Auth, callId: string, may: (actor: CallActor, call: CallHost) => boolean): Promise<CallRow> {
  const call = await loadCall(tx, callId);
  if (!call || !may(auth, { ownerId: call.worker_id })) throw notFound('No such session');
  if (call.status !== 'open') throw conflict('This session has already ended');
  return call;
}

/** Taken out of the session by staff (recorded as a segment that ended 'removed'): they cannot come back to it. */
const isRemoved = (tx: Tx) => tx`exists (select 1 from call_segments r where r.participant_id = p.id and r.leave_reason = 'removed')`;

/** Whether staff took this person out of the session. In the caller's transaction (reminder join links ask too). */
export async function wasRemoved(tx: Tx, callId: string, userId: string): Promise<boolean> {
  const [row] = await tx<{ removed: boolean }[]>`
    select ${isRemoved(tx)} as removed from call_participants p where p.session_id = ${callId} and p.user_id = ${userId}`;
  return row?.removed ?? false;
}

async function addParticipant(tx: Tx, organisationId: string, callId: string, userId: string, invitedBy: string | null): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into call_participants (organisation_id, session_id, user_id, role, invited_by)
    select ${organisationId}, ${callId}, id, role, ${invitedBy} from users where id = ${userId} and active
    on conflict (session_id, user_id) do update set invited_by = call_participants.invited_by
    returning id`;
  return row!.id;
}

/**
 * Records that staff took a participant out: their open segment ends 'removed'; if they are not connected, a
 * zero-length segment says so, so the removal holds for a later connection too. Idempotent.
 */
async function recordRemoval(tx: Tx, organisationId: string, participantId: string): Promise<void> {
  // Locks the participant so two removals (or a removal and its own rejoin) run one after the other.
  await tx`select 1 from call_participants where id = ${participantId} for update`;
  const closed = await tx`
    update call_segments set left_at = now(), leave_reason = 'removed'
    where participant_id = ${participantId} and left_at is null returning id`;
  if (closed.length > 0) return;
  await tx`
    insert into call_segments (organisation_id, participant_id, left_at, leave_reason)
    select ${organisationId}, ${participantId}, now(), 'removed'
    where not exists (select 1 from call_segments where participant_id = ${participantId} and leave_reason = 'removed')`;
}

/**
 * Live call state (who is connected, the media room, the waiting room) lives in the memory of the process that ran
 * the call. When that process stops, those calls cannot go on: nobody can admit a waiting citizen and the worker's
 * "open sessions" list would show ghosts. So at start-up, before anyone connects, every session still open is ended
 * with the reason `server_restart`, and every connection segment still open is closed. Clients that were in such a
 * call rejoin and get "this session has ended" (410), and the worker starts a new one.
 *
 * Runs on the owner's connection: it is installation-wide maintenance, across organisations, before any request.
 * With several hosts (HOST_ID) a host does not end anything at start: see releaseSessionsOfHost.
 */
export async function endSessionsLeftOpen(admin: Sql): Promise<{ sessions: number }> {
  return admin.begin(async (tx) => {
    const ended = await tx<{ id: string }[]>`
      update call_sessions set status = 'ended', ended_at = now(), end_reason = 'server_restart'
      where status = 'open' returning id`;
    await tx`
      update call_segments set left_at = greatest(now(), joined_at), leave_reason = 'server_restart'
      where left_at is null`;
    return { sessions: ended.length };
  }) as Promise<{ sessions: number }>;
}

/**
 * Several hosts (HOST_ID): a host that starts (again) lets go of the sessions placed on it instead of ending them —
 * their browsers are reconnecting, and the next room token places each call on a live host, perhaps this one. Its
 * connections' segments end 'server_restart'. A session nobody comes back to ends 'host_lost' after the grace period
 * (end_sessions_of_lost_hosts, run by every host).
 */
export async function releaseSessionsOfHost(admin: Sql, hostId: string): Promise<{ sessions: number }> {
  return admin.begin(async (tx) => {
    await tx`
      update call_segments set left_at = greatest(now(), joined_at), leave_reason = 'server_restart'
      where left_at is null and media_host = ${hostId}`;
    const released = await tx<{ id: string }[]>`
      update call_sessions set media_host = null where status = 'open' and media_host = ${hostId} returning id`;
    return { sessions: released.length };
  }) as Promise<{ sessions: number }>;
}

/**
 * Opens a session hosted by the caller with the citizen invited, and plans the citizen's "ready" notice, in the
 * caller's transaction. The caller has already decided that they may: `start` checks the caseload, a claimed duty
 * request (server/duty/) checks the roster. One open session per citizen.
 */
export async function openSession(
  tx: Tx,
  auth: Auth,
  citizenId: string,
  kind: CallSummary['kind'],
  appointmentId: string | null,
): Promise<StoredCallSummary & { notice: ReadyNoticeOutcome }> {
  const [open] = await tx`select worker_id from call_sessions where citizen_id = ${citizenId} and status = 'open'`;
  if (open) throw conflict('This citizen already has an open session');
  const [created] = await tx<SummaryRow[]>`
    insert into call_sessions (organisation_id, worker_id, citizen_id, kind, appointment_id)
    values (${auth.organisationId}, ${auth.userId}, ${citizenId}, ${kind}, ${appointmentId})
    returning id, kind, status, citizen_id, created_at, (select display_name from users where id = ${citizenId}) as other_name`;
  await addParticipant(tx, auth.organisationId, created!.id, auth.userId, null);
  await addParticipant(tx, auth.organisationId, created!.id, citizenId, auth.userId);
  await audit(tx, auth, 'call.start', citizenId, { callId: created!.id });
  const notice = await outbox.planReadyNotice(tx, { organisationId: auth.organisationId, citizenId, callSessionId: created!.id });
  return { ...summaryOf(created!), notice };
}

export type CallStore = ReturnType<typeof callStore>;

export function callStore(sql: Sql) {
  return {
    // --- Over HTTP ---

    /**
     * A worker starts a session with a citizen in their caseload, ad hoc or for a booked appointment. The citizen's
     * "ready" notice is planned in the same transaction: no session without its notice, no notice without its session.
     */
    start(auth: Auth, body: StartCallBody): Promise<StoredCallSummary & { notice: ReadyNoticeOutcome }> {
      const { citizenId, appointmentId } = body;
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        if (appointmentId) {
          const [appointment] = await tx`select 1 from appointments where id = ${appointmentId} and citizen_id = ${citizenId} and status = 'booked'`;
          if (!appointment) throw notFound('No such booked appointment for this citizen');
        }
        return openSession(tx, auth, citizenId, appointmentId ? 'planned' : 'ad_hoc', appointmentId ?? null);
      });
    },

    /** Open sessions the caller takes part in; staff see the citizen's name, the citizen their worker's. */
    listOpen(auth: Auth, options: { countWaiting?: boolean } = {}): Promise<(StoredCallSummary & { waitingInLog: number })[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<SummaryRow[]>`
          select s.id, s.kind, s.status, s.citizen_id, s.created_at, ${options.countWaiting ? waitingIn(tx) : tx`0`} as waiting,
                 (select coalesce((select v.chosen_name from volunteer_profiles v where v.volunteer_id = u.id),
                                  case when ${auth.role} = 'volunteer' then split_part(btrim(u.display_name), ' ', 1) else u.display_name end) from users u
                   where u.id = case when ${auth.role} = 'citizen' then s.worker_id else s.citizen_id end) as other_name
          from call_sessions s join call_participants p on p.session_id = s.id and p.user_id = ${auth.userId}
          where s.status = 'open' order by s.created_at desc`;
        if (auth.role !== 'citizen') await audit(tx, auth, 'citizen.list', rows.map((r) => r.citizen_id), { via: 'calls' });
        return rows.map((r) => ({ ...summaryOf(r), waitingInLog: r.waiting ?? 0 }));
      });
    },

    /** Who takes part in a session (everyone its changes concern), for the live "open sessions changed" event. */
    participantIds(organisationId: string, callId: string): Promise<string[]> {
      return inOrganisation(sql, organisationId, async (tx) => {
        const rows = await tx<{ user_id: string }[]>`select user_id from call_participants where session_id = ${callId}`;
        return rows.map((r) => r.user_id);
      });
    },

    /** Refuses a room token to someone who may not join the session now: not theirs, ended, or taken out of it. */
    assertMayJoin(auth: Auth, callId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const call = await loadCall(tx, callId);
        if (!call || !(await isParticipant(tx, callId, auth.userId))) throw notFound('No such session');
        if (call.status !== 'open') throw new HttpError(410, 'session_ended', 'This session has ended');
        if (await wasRemoved(tx, callId, auth.userId)) throw new HttpError(410, 'removed', 'You were taken out of this session');
      });
    },

    /** Brings a colleague (staff, active) into an open session the caller may manage. */
    invite(auth: Auth, callId: string, colleagueId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const call = await ownedOpenCall(tx, auth, callId, callRoles.mayManageParticipants);
        const [colleague] = await tx<{ role: Role }[]>`select role from users where id = ${colleagueId} and active`;
        if (!colleague) throw notFound('No such colleague');
        if (colleague.role === 'citizen') throw forbidden('Only staff can be added to a session');
        await addParticipant(tx, auth.organisationId, callId, colleagueId, auth.userId);
        await audit(tx, auth, 'call.invite', call.citizen_id, { callId, colleagueId });
      });
    },

    /** Refuses unless the session is open and the caller may end it; the ending itself is live (signalling). */
    assertMayEnd(auth: Auth, callId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await ownedOpenCall(tx, auth, callId, callRoles.mayEnd);
      });
    },

    /** Records that the caller took a participant out of an open session; returns that participant's user id. */
    removeParticipant(auth: Auth, callId: string, participantId: string): Promise<string> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const call = await ownedOpenCall(tx, auth, callId, callRoles.mayManageParticipants);
        const [participant] = await tx<{ id: string; user_id: string }[]>`
          select id, user_id from call_participants where id = ${participantId} and session_id = ${callId}`;
        if (!participant) throw notFound('No such participant in this session');
        if (participant.user_id === call.worker_id) throw conflict('The session’s worker cannot be taken out; end the session instead');
        if (participant.user_id === auth.userId) throw badRequest('Leave the call instead of taking yourself out');
        await recordRemoval(tx, auth.organisationId, participant.id);
        await audit(tx, auth, 'call.remove', call.citizen_id, { callId, participantId });
        return participant.user_id;
      });
    },

    /**
     * Records how an ended session went (its owner, or a coordinator; again to correct it). Returns the booked
     * appointment it was for, if any, whose status the route sets too.
     */
    recordOutcome(auth: Auth, callId: string, body: CallOutcomeBody): Promise<{ appointmentId: string | null }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [call] = await tx<{ worker_id: string; citizen_id: string; status: 'open' | 'ended'; appointment_id: string | null }[]>`
          select worker_id, citizen_id, status, appointment_id from call_sessions where id = ${callId} for update`;
        if (!call || !callRoles.mayEnd(auth, { ownerId: call.worker_id })) throw notFound('No such session');
        if (call.status !== 'ended') throw conflict('The session is still going on; end it first');
        await tx`
          update call_sessions set outcome = ${body.outcome}, outcome_note = ${body.note ?? null}, outcome_by = ${auth.userId}, outcome_at = now()
          where id = ${callId}`;
        await audit(tx, auth, 'call.outcome', call.citizen_id, { callId, outcome: body.outcome });
        return { appointmentId: call.appointment_id };
      });
    },

    // --- For live signalling ---

    /**
     * The one transaction of a new signalling connection. One statement decides whether it may take part: the
     * sign-in behind the room token still holds, the person is active, the session is open, they take part in it
     * and were not removed from it. The session row is locked FOR SHARE until the transaction ends: ending the
     * session waits for it, and then closes the segment opened here — no connection can slip into a session as it
     * ends. Undefined when the connection may not take part; 'moved' when the session is placed on another host.
     */
    connect(who: ConnectionClaims, options: { loadAdmitted: boolean; mediaHost: string | null }): Promise<AdmittedConnection | 'moved' | undefined> {
      return inOrganisation(sql, who.organisationId, async (tx) => {
        // A volunteer is known in a call by their chosen name only (volunteer_profiles), never their full name; in a
        // session a volunteer hosts, the citizen by their first name only.
        const [row] = await tx<{ participant_id: string; display_name: string; role: CallRole; owner_id: string; media_host: string | null }[]>`
          select p.id as participant_id,
                 coalesce((select v.chosen_name from volunteer_profiles v where v.volunteer_id = u.id),
                           case when p.role = 'citizen' and exists (select 1 from volunteer_profiles h where h.volunteer_id = s.worker_id)
                                then split_part(btrim(u.display_name), ' ', 1) else u.display_name end) as display_name,
                 p.role, s.worker_id as owner_id, s.media_host
          from call_sessions s
          join call_participants p on p.session_id = s.id and p.user_id = ${who.userId}
          join users u on u.id = p.user_id and u.active
          join auth_sessions a on a.id = ${who.authSessionId} and a.user_id = p.user_id and a.revoked_at is null and a.expires_at > now()
          where s.id = ${who.callId} and s.status = 'open' and not ${isRemoved(tx)}
          for share of s`;
        if (!row) return undefined;
        // Several hosts: the session runs on the host it is placed on (server/hosts/), and only there.
        if (row.media_host !== options.mediaHost) return 'moved';
        const [segment] = await tx<{ id: number }[]>`
          insert into call_segments (organisation_id, participant_id, media_host)
          values (${who.organisationId}, ${row.participant_id}, ${options.mediaHost}) returning id::int`;
        // Users already let in from the waiting room: a reconnect does not send them back to wait.
        const admitted = options.loadAdmitted
          ? (await tx<{ user_id: string }[]>`select user_id from call_participants where session_id = ${who.callId} and admitted_at is not null`).map((r) => r.user_id)
          : null;
        return { participantId: row.participant_id, displayName: row.display_name, role: row.role, ownerId: row.owner_id, segmentId: segment!.id, admitted };
      });
    },

    /** Whose session it is and when it was booked for: what the waiting room tells the citizen. */
    async sessionInfo(organisationId: string, callId: string): Promise<{ hostName: string; appointmentStartsAt: string | null }> {
      return inOrganisation(sql, organisationId, async (tx) => {
        const [row] = await tx<{ host_name: string; starts_at: Date | null }[]>`
          select coalesce(v.chosen_name, w.display_name) as host_name, a.starts_at
          from call_sessions s join users w on w.id = s.worker_id left join appointments a on a.id = s.appointment_id
          left join volunteer_profiles v on v.volunteer_id = s.worker_id
          where s.id = ${callId}`;
        return { hostName: row?.host_name ?? '', appointmentStartsAt: row?.starts_at?.toISOString() ?? null };
      });
    },

    /** Of the sign-ins that connections were opened with, those that still hold (not revoked or expired, person active). */
    validSignIns(organisationId: string, signIns: { userId: string; authSessionId: string }[]): Promise<Set<string>> {
      if (signIns.length === 0) return Promise.resolve(new Set());
      return inOrganisation(sql, organisationId, async (tx) => {
        const rows = await tx<{ id: string }[]>`
          select a.id
          from unnest(${tx.array(signIns.map((s) => s.authSessionId))}::uuid[], ${tx.array(signIns.map((s) => s.userId))}::uuid[]) as c (session_id, user_id)
          join auth_sessions a on a.id = c.session_id and a.user_id = c.user_id
          join users u on u.id = a.user_id and u.active
          where a.revoked_at is null and a.expires_at > now()`;
        return new Set(rows.map((r) => r.id));
      });
    },

    closeSegment(organisationId: string, segmentId: number, reason: LeaveReason): Promise<void> {
      return inOrganisation(sql, organisationId, async (tx) => {
        await tx`update call_segments set left_at = now(), leave_reason = ${reason} where id = ${segmentId} and left_at is null`;
      });
    },

    /** A waiting citizen was let in: so they stay in after a reconnect, and the session has started. */
    admit(organisationId: string, callId: string, participantId: string): Promise<void> {
      return inOrganisation(sql, organisationId, async (tx) => {
        await tx`update call_participants set admitted_at = coalesce(admitted_at, now()) where id = ${participantId}`;
        await tx`update call_sessions set started_at = coalesce(started_at, now()) where id = ${callId}`;
      });
    },

    /** The participant's browser waited and no media arrived; the first report counts. */
    noMediaReported(organisationId: string, participantId: string): Promise<void> {
      return inOrganisation(sql, organisationId, async (tx) => {
        await tx`update call_participants set no_media_reported_at = coalesce(no_media_reported_at, now()) where id = ${participantId}`;
      });
    },

    markAudioOnly(organisationId: string, participantId: string): Promise<void> {
      return inOrganisation(sql, organisationId, async (tx) => {
        await tx`update call_participants set audio_only_used = true where id = ${participantId}`;
      });
    },

    /** Running averages, so nothing but the summary is ever stored. */
    addQualitySample(organisationId: string, participantId: string, sample: QualitySample): Promise<void> {
      const avg = (column: string, value: number | undefined) =>
        value === undefined ? column : `coalesce((${column} * quality_samples + ${Number(value)}) / (quality_samples + 1), ${Number(value)})`;
      return inOrganisation(sql, organisationId, async (tx) => {
        await tx.unsafe(
          `update call_participants set
             rtt_ms_avg = ${avg('rtt_ms_avg', sample.rttMs)},
             packet_loss_pct_avg = ${avg('packet_loss_pct_avg', sample.packetLossPct)},
             bitrate_kbps_avg = ${avg('bitrate_kbps_avg', sample.bitrateKbps)},
             quality_samples = quality_samples + 1
           where id = $1`,
          [participantId],
        );
      });
    },

    /** Ends the session once, closing every open segment; returns false when it had already ended. */
    end(organisationId: string, callId: string, endedBy: string | null, reason: SessionEndReason): Promise<boolean> {
      return inOrganisation(sql, organisationId, async (tx) => {
        const ended = await tx`
          update call_sessions set status = 'ended', ended_at = now(), ended_by = ${endedBy}, end_reason = ${reason}
          where id = ${callId} and status = 'open' returning id`;
        await tx`
          update call_segments s set left_at = now(), leave_reason = 'session_ended'
          from call_participants p where p.id = s.participant_id and p.session_id = ${callId} and s.left_at is null`;
        return ended.length > 0;
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    calls: CallStore;
  }
}
