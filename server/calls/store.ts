import type { Sql } from 'postgres';
import type { Role } from '../../protocol/api.js';
import type { SessionEndReason } from '../../protocol/signalling.js';
import { inOrganisation, type Tx } from '../db/database.js';

/** The session log's SQL. Everything runs in the organisation's RLS context. */

export interface CallRow {
  id: string;
  organisation_id: string;
  worker_id: string;
  citizen_id: string;
  kind: 'planned' | 'ad_hoc';
  status: 'open' | 'ended';
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
}

export interface ParticipantRow {
  id: string;
  user_id: string;
  role: Role;
  display_name: string;
  admitted_at: Date | null;
}

export async function loadCall(tx: Tx, callId: string): Promise<CallRow | undefined> {
  const [row] = await tx<CallRow[]>`select * from call_sessions where id = ${callId}`;
  return row;
}

export async function participantOf(tx: Tx, callId: string, userId: string): Promise<ParticipantRow | undefined> {
  const [row] = await tx<ParticipantRow[]>`
    select p.id, p.user_id, p.role, u.display_name, p.admitted_at
    from call_participants p join users u on u.id = p.user_id
    where p.session_id = ${callId} and p.user_id = ${userId} and u.active`;
  return row;
}

/** What a connection needs to take part, found only while every condition for it holds. */
export interface AdmissionRow {
  participant_id: string;
  display_name: string;
  role: Role;
  owner_id: string;
}

/**
 * One statement for "may this connection take part": the sign-in behind the room token still holds, the person is
 * active, the session is open, they take part in it and were not removed from it. With `lock`, the session row is
 * locked FOR SHARE until the transaction ends: ending the session waits for it, and then closes whatever segment the
 * transaction opened — no connection can slip into a session as it ends.
 */
export async function admission(
  tx: Tx,
  who: { userId: string; authSessionId: string; callId: string },
  options: { lock: boolean },
): Promise<AdmissionRow | undefined> {
  const [row] = await tx<AdmissionRow[]>`
    select p.id as participant_id, u.display_name, p.role, s.worker_id as owner_id
    from call_sessions s
    join call_participants p on p.session_id = s.id and p.user_id = ${who.userId}
    join users u on u.id = p.user_id and u.active
    join auth_sessions a on a.id = ${who.authSessionId} and a.user_id = p.user_id and a.revoked_at is null and a.expires_at > now()
    where s.id = ${who.callId} and s.status = 'open' and not ${isRemoved(tx)}
    ${options.lock ? tx`for share of s` : tx``}`;
  return row;
}

/** Taken out of the session by staff (recorded as a segment that ended 'removed'): they cannot come back to it. */
const isRemoved = (tx: Tx) => tx`exists (select 1 from call_segments r where r.participant_id = p.id and r.leave_reason = 'removed')`;

export async function wasRemoved(tx: Tx, callId: string, userId: string): Promise<boolean> {
  const [row] = await tx<{ removed: boolean }[]>`
    select ${isRemoved(tx)} as removed from call_participants p where p.session_id = ${callId} and p.user_id = ${userId}`;
  return row?.removed ?? false;
}

/** Users already let in from the waiting room: a reconnect does not send them back to wait. */
export async function admittedUsers(tx: Tx, callId: string): Promise<string[]> {
  const rows = await tx<{ user_id: string }[]>`select user_id from call_participants where session_id = ${callId} and admitted_at is not null`;
  return rows.map((r) => r.user_id);
}

/** Of the sign-ins that connections were opened with, those that still hold (not revoked or expired, person active). */
export async function validSignIns(tx: Tx, signIns: { userId: string; authSessionId: string }[]): Promise<Set<string>> {
  if (signIns.length === 0) return new Set();
  const rows = await tx<{ id: string }[]>`
    select a.id
    from unnest(${tx.array(signIns.map((s) => s.authSessionId))}::uuid[], ${tx.array(signIns.map((s) => s.userId))}::uuid[]) as c (session_id, user_id)
    join auth_sessions a on a.id = c.session_id and a.user_id = c.user_id
    join users u on u.id = a.user_id and u.active
    where a.revoked_at is null and a.expires_at > now()`;
  return new Set(rows.map((r) => r.id));
}

/**
 * Records that staff took a participant out: their open segment ends 'removed'; if they are not connected, a
 * zero-length segment says so, so the removal holds for a later connection too. Idempotent.
 */
export async function recordRemoval(tx: Tx, organisationId: string, participantId: string): Promise<void> {
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

export async function openSegment(tx: Tx, organisationId: string, participantId: string): Promise<number> {
  const [row] = await tx<{ id: number }[]>`
    insert into call_segments (organisation_id, participant_id) values (${organisationId}, ${participantId}) returning id::int`;
  return row!.id;
}

export type LeaveReason = 'left' | 'disconnected' | 'session_ended' | 'server_shutdown' | 'removed' | 'signed_out' | 'replaced';

export async function addParticipant(tx: Tx, organisationId: string, callId: string, userId: string, invitedBy: string | null): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into call_participants (organisation_id, session_id, user_id, role, invited_by)
    select ${organisationId}, ${callId}, id, role, ${invitedBy} from users where id = ${userId} and active
    on conflict (session_id, user_id) do update set invited_by = call_participants.invited_by
    returning id`;
  return row!.id;
}

/** Small helpers the live signalling layer calls; each is its own short transaction. */
export class CallLog {
  constructor(private readonly sql: Sql) {}

  closeSegment(org: string, segmentId: number, reason: LeaveReason): Promise<void> {
    return inOrganisation(this.sql, org, async (tx) => {
      await tx`update call_segments set left_at = now(), leave_reason = ${reason} where id = ${segmentId} and left_at is null`;
    });
  }

  admit(org: string, callId: string, participantId: string): Promise<void> {
    return inOrganisation(this.sql, org, async (tx) => {
      await tx`update call_participants set admitted_at = coalesce(admitted_at, now()) where id = ${participantId}`;
      await tx`update call_sessions set started_at = coalesce(started_at, now()) where id = ${callId}`;
    });
  }

  /** The participant's browser waited and no media arrived; the first report counts. */
  noMediaReported(org: string, participantId: string): Promise<void> {
    return inOrganisation(this.sql, org, async (tx) => {
      await tx`update call_participants set no_media_reported_at = coalesce(no_media_reported_at, now()) where id = ${participantId}`;
    });
  }

  markAudioOnly(org: string, participantId: string): Promise<void> {
    return inOrganisation(this.sql, org, async (tx) => {
      await tx`update call_participants set audio_only_used = true where id = ${participantId}`;
    });
  }

  /** Running averages, so nothing but the summary is ever stored. */
  addQualitySample(org: string, participantId: string, sample: { rttMs?: number; packetLossPct?: number; bitrateKbps?: number }): Promise<void> {
    const avg = (column: string, value: number | undefined) =>
      value === undefined ? column : `coalesce((${column} * quality_samples + ${Number(value)}) / (quality_samples + 1), ${Number(value)})`;
    return inOrganisation(this.sql, org, async (tx) => {
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
  }

  /** Ends the session once; returns false when it had already ended. */
  end(org: string, callId: string, endedBy: string | null, reason: SessionEndReason): Promise<boolean> {
    return inOrganisation(this.sql, org, async (tx) => {
      const ended = await tx`
        update call_sessions set status = 'ended', ended_at = now(), ended_by = ${endedBy}, end_reason = ${reason}
        where id = ${callId} and status = 'open' returning id`;
      await tx`
        update call_segments s set left_at = now(), leave_reason = 'session_ended'
        from call_participants p where p.id = s.participant_id and p.session_id = ${callId} and s.left_at is null`;
      return ended.length > 0;
    });
  }
}
