import type { Sql } from 'postgres';
import type { Role } from '../../protocol/api.js';
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

  openSegment(org: string, participantId: string): Promise<number> {
    return inOrganisation(this.sql, org, async (tx) => {
      const [row] = await tx<{ id: number }[]>`
        insert into call_segments (organisation_id, participant_id) values (${org}, ${participantId}) returning id::int`;
      return row!.id;
    });
  }

  closeSegment(org: string, segmentId: number, reason: 'left' | 'disconnected' | 'session_ended' | 'server_shutdown'): Promise<void> {
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
  end(org: string, callId: string, endedBy: string | null, reason: 'ended_by_staff' | 'staff_left' | 'server_shutdown'): Promise<boolean> {
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
