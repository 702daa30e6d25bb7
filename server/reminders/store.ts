/**
 * The reminder outbox in the database: every query that plans, cancels, claims or records a reminder. Only
 * reminders/outbox.ts (the rules of planning) and reminders/dispatcher.ts (sending) call these. Whether a channel may
 * be used for a citizen is the database's one consent rule, reminder_channel_allowed (migration 006): every query
 * here that plans, cancels after a change of settings, or sends asks it, and nothing in TypeScript repeats it.
 */
import type { Sql } from 'postgres';
import { inOrganisation, type Tx } from '../db/database.js';
import { deletePushSubscriptions } from '../push/store.js';

/** An appointment to plan reminders for, with its organisation's offsets and quiet hours and what the citizen allows. */
export interface AppointmentToPlan {
  id: string;
  organisation_id: string;
  citizen_id: string;
  starts_at: Date;
  time_zone: string;
  offsets: number[];
  quiet_start: string;
  quiet_end: string;
  /** reminder_channel_allowed for the citizen, per channel. */
  sms: boolean;
  email: boolean;
  at_night: boolean;
}

export interface PlannedReminder {
  organisationId: string;
  citizenId: string;
  appointmentId: string;
  channel: 'sms' | 'email';
  dueAt: Date;
  idempotencyKey: string;
}

/** The booked appointments among these, for planning; an inactive citizen's appointments are left out. */
export function appointmentsToPlan(tx: Tx, appointmentIds: readonly string[]): Promise<AppointmentToPlan[]> {
  return tx<AppointmentToPlan[]>`
    select a.id, a.organisation_id, a.citizen_id, a.starts_at, o.time_zone, o.reminder_offsets_minutes as offsets,
           to_char(o.quiet_hours_start, 'HH24:MI') as quiet_start, to_char(o.quiet_hours_end, 'HH24:MI') as quiet_end,
           reminder_channel_allowed(a.citizen_id, 'sms') as sms,
           reminder_channel_allowed(a.citizen_id, 'email') as email,
           coalesce(s.reminders_at_night, false) as at_night
    from appointments a
    join organisations o on o.id = a.organisation_id
    join users u on u.id = a.citizen_id and u.active
    left join citizen_settings s on s.citizen_id = a.citizen_id
    where a.id = any(${tx.array(appointmentIds as string[])}::uuid[]) and a.status = 'booked'`;
}

/** Writes planned appointment reminders; returns how many rows were new or brought back. */
export async function insertAppointmentReminders(tx: Tx, planned: readonly PlannedReminder[]): Promise<number> {
  if (planned.length === 0) return 0;
  const inserted = await tx`
    insert into reminders (organisation_id, citizen_id, appointment_id, kind, channel, due_at, next_attempt_at, idempotency_key)
    select org, citizen, appointment, 'appointment', channel, due, due, key
    from unnest(${tx.array(planned.map((p) => p.organisationId))}::uuid[], ${tx.array(planned.map((p) => p.citizenId))}::uuid[],
                ${tx.array(planned.map((p) => p.appointmentId))}::uuid[], ${tx.array(planned.map((p) => p.channel))}::text[],
                ${tx.array(planned.map((p) => p.dueAt.toISOString()))}::timestamptz[], ${tx.array(planned.map((p) => p.idempotencyKey))}::text[])
      as p(org, citizen, appointment, channel, due, key)
    -- the same reminder planned again (a channel switched back on) comes back to life under its own key
    on conflict (idempotency_key) do update set status = 'pending', attempts = 0, last_error = null, leased_until = null,
      due_at = excluded.due_at, next_attempt_at = excluded.next_attempt_at
      where reminders.status = 'cancelled'
    returning id`;
  return inserted.length;
}

/** A home visit or phone appointment whose citizen asked for the morning check (issue 11), with what planning needs. */
export interface AttendanceCheckToPlan {
  id: string;
  organisation_id: string;
  citizen_id: string;
  starts_at: Date;
  time_zone: string;
  /** The organisation's morning hour, HH:MM local. */
  check_time: string;
  quiet_start: string;
  quiet_end: string;
  /** reminder_channel_allowed(citizen, 'sms'): the check is an SMS, and only with the citizen's consent. */
  sms: boolean;
  at_night: boolean;
}

export function attendanceChecksToPlan(tx: Tx, appointmentIds: readonly string[]): Promise<AttendanceCheckToPlan[]> {
  return tx<AttendanceCheckToPlan[]>`
    select a.id, a.organisation_id, a.citizen_id, a.starts_at, o.time_zone, to_char(o.attendance_check_time, 'HH24:MI') as check_time,
           to_char(o.quiet_hours_start, 'HH24:MI') as quiet_start, to_char(o.quiet_hours_end, 'HH24:MI') as quiet_end,
           reminder_channel_allowed(a.citizen_id, 'sms') as sms, coalesce(s.reminders_at_night, false) as at_night
    from appointments a
    join organisations o on o.id = a.organisation_id
    join users u on u.id = a.citizen_id and u.active
    left join citizen_settings s on s.citizen_id = a.citizen_id
    where a.id = any(${tx.array(appointmentIds as string[])}::uuid[]) and a.status = 'booked'
      and a.attendance_check and a.modality in ('phone', 'home_visit')`;
}

/** Writes planned attendance checks (one SMS per appointment and start time); a cancelled one planned again comes back. */
export async function insertAttendanceChecks(tx: Tx, planned: readonly Omit<PlannedReminder, 'channel'>[]): Promise<number> {
  if (planned.length === 0) return 0;
  const inserted = await tx`
    insert into reminders (organisation_id, citizen_id, appointment_id, kind, channel, due_at, next_attempt_at, idempotency_key)
    select org, citizen, appointment, 'attendance_check', 'sms', due, due, key
    from unnest(${tx.array(planned.map((p) => p.organisationId))}::uuid[], ${tx.array(planned.map((p) => p.citizenId))}::uuid[],
                ${tx.array(planned.map((p) => p.appointmentId))}::uuid[], ${tx.array(planned.map((p) => p.dueAt.toISOString()))}::timestamptz[],
                ${tx.array(planned.map((p) => p.idempotencyKey))}::text[])
      as p(org, citizen, appointment, due, key)
    on conflict (idempotency_key) do update set status = 'pending', attempts = 0, last_error = null, leased_until = null,
      due_at = excluded.due_at, next_attempt_at = excluded.next_attempt_at
      where reminders.status = 'cancelled'
    returning id`;
  return inserted.length;
}

/** The appointment's pending morning check will not be sent (the worker switched it off). */
export async function cancelPendingAttendanceCheck(tx: Tx, appointmentId: string): Promise<void> {
  await tx`
    update reminders set status = 'cancelled', leased_until = null
    where appointment_id = ${appointmentId} and kind = 'attendance_check' and status = 'pending'`;
}

/**
 * Medication reminders for the coming `hours`, by the database's plan_medication_reminders (migration 006): one row
 * per dose and channel the consent rule allows, cancelled ones still ahead brought back. With a citizen, only theirs;
 * on the pool outside any organisation (the dispatcher), everybody's.
 */
export async function planMedicationReminders(db: Sql | Tx, hours: number, citizenId: string | null = null): Promise<void> {
  await db`select plan_medication_reminders(now(), now() + ${hours} * interval '1 hour', ${citizenId}::uuid)`;
}

/** Pending reminders of these appointments will not be sent. */
export async function cancelPendingOfAppointments(tx: Tx, appointmentIds: readonly string[]): Promise<void> {
  await tx`
    update reminders set status = 'cancelled', leased_until = null
    where appointment_id = any(${tx.array(appointmentIds as string[])}::uuid[]) and status = 'pending'`;
}

/** Pending reminders of a medication schedule will not be sent. */
export async function cancelPendingOfSchedule(tx: Tx, scheduleId: string): Promise<void> {
  await tx`update reminders set status = 'cancelled', leased_until = null where medication_schedule_id = ${scheduleId} and status = 'pending'`;
}

/** The citizen's pending reminders on a channel the consent rule no longer allows will not be sent. */
export async function cancelPendingNoLongerAllowed(tx: Tx, citizenId: string): Promise<void> {
  await tx`
    update reminders set status = 'cancelled', leased_until = null
    where citizen_id = ${citizenId} and status = 'pending' and not reminder_channel_allowed(citizen_id, channel)`;
}

export async function upcomingAppointmentIds(tx: Tx, citizenId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`select id from appointments where citizen_id = ${citizenId} and status = 'booked' and starts_at > now()`;
  return rows.map((a) => a.id);
}

// ---- "Ready" notices: the worker opened a video session (kind 'call_ready') ----

/** The ways a citizen may be told now, by the consent rule, and whether SMS would land in the quiet hours. */
export interface ReadyChannels {
  push: boolean;
  sms: boolean;
  email: boolean;
  /** It is the organisation's quiet hours now and the citizen did not choose SMS at night. */
  smsQuietNow: boolean;
}

export async function readyChannels(tx: Tx, citizenId: string): Promise<ReadyChannels> {
  const [row] = await tx<ReadyChannels[]>`
    with local as (
      select (now() at time zone o.time_zone)::time as t, o.quiet_hours_start as qs, o.quiet_hours_end as qe
      from users u join organisations o on o.id = u.organisation_id where u.id = ${citizenId}
    )
    select reminder_channel_allowed(${citizenId}, 'push') as push,
           reminder_channel_allowed(${citizenId}, 'sms') as sms,
           reminder_channel_allowed(${citizenId}, 'email') as email,
           not coalesce((select reminders_at_night from citizen_settings where citizen_id = ${citizenId}), false)
             and (select case when qs > qe then t >= qs or t < qe else t >= qs and t < qe end from local) as "smsQuietNow"`;
  return { push: row!.push, sms: row!.sms, email: row!.email, smsQuietNow: row!.smsQuietNow ?? false };
}

/** Writes the one "ready" notice of a call session, due now; a second attempt to plan it changes nothing. */
export async function insertReadyNotice(
  tx: Tx,
  notice: { organisationId: string; citizenId: string; callSessionId: string; channel: 'push' | 'sms' | 'email' },
): Promise<void> {
  await tx`
    insert into reminders (organisation_id, citizen_id, call_session_id, kind, channel, due_at, next_attempt_at, idempotency_key)
    values (${notice.organisationId}, ${notice.citizenId}, ${notice.callSessionId}, 'call_ready', ${notice.channel}, now(), now(),
            ${`call_ready:${notice.callSessionId}`})
    on conflict (idempotency_key) do nothing`;
}

/** A pending "ready" notice goes out on another channel (its key stays: the provider has never seen it). */
export async function moveReadyNotice(tx: Tx, reminderId: string, channel: 'sms' | 'email'): Promise<void> {
  await tx`update reminders set channel = ${channel} where id = ${reminderId} and kind = 'call_ready' and status = 'pending'`;
}

/** A claimed reminder with what sending it needs, read in its organisation. */
export interface ReminderToSend {
  id: string;
  kind: 'appointment' | 'medication' | 'call_ready' | 'duty_escalation' | 'attendance_check';
  channel: 'sms' | 'email' | 'push';
  idempotency_key: string;
  attempts: number;
  due_at: Date;
  phone: string | null;
  email: string | null;
  user_active: boolean;
  language: 'da' | 'en' | 'sv';
  time_zone: string;
  appointment_id: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  /** reminder_channel_allowed, asked once more just before sending. */
  channel_allowed: boolean;
  modality: 'video' | 'phone' | 'home_visit' | 'chat' | null;
  appointment_status: string | null;
  /** The appointment still wants its morning check (issue 11). */
  attendance_check: boolean | null;
  worker_id: string | null;
  citizen_id: string;
  wording: string | null;
  schedule_active: boolean | null;
  /** A "ready" notice's session: its status, its worker and the worker's name, and its appointment if planned. */
  call_session_id: string | null;
  call_status: 'open' | 'ended' | null;
  call_worker_id: string | null;
  call_worker_name: string | null;
  call_appointment_id: string | null;
  /** A duty escalation (migration 013): the staff phone it goes to, and whether its request still waits. */
  recipient_phone: string | null;
  request_status: string | null;
}

/** How one attempt went; a push also names the devices its push service said are gone (they are deleted). */
export type SendOutcome = (
  | { id: string; result: 'sent'; providerId: string }
  | { id: string; result: 'retry'; error: string; attempts: number; retryInSeconds: number }
  | { id: string; result: 'failed' | 'cancelled'; error: string; attempts: number }
) & { goneDevices?: string[] };

/** The dispatcher's queries. */
export function dispatchStore(sql: Sql) {
  return {
    /**
     * Claims up to `batchSize` due reminders across organisations (FOR UPDATE SKIP LOCKED plus a lease, in the
     * database function claim_due_reminders), so any number of dispatchers can run at once.
     */
    claimDue(batchSize: number, leaseSeconds: number): Promise<{ reminder_id: string; organisation_id: string }[]> {
      return sql<{ reminder_id: string; organisation_id: string }[]>`select * from claim_due_reminders(${batchSize}, ${leaseSeconds})`;
    },

    /** Reads the claimed reminders of one organisation that are still pending, and prepares each in that transaction. */
    withClaimed<T>(organisationId: string, ids: readonly string[], prepare: (tx: Tx, row: ReminderToSend) => Promise<T>): Promise<T[]> {
      return inOrganisation(sql, organisationId, async (tx) => {
        const rows = await tx<ReminderToSend[]>`
          select r.id, r.kind, r.channel, r.idempotency_key, r.attempts, r.due_at, r.citizen_id,
                 u.phone, u.email, u.active as user_active, u.preferred_language as language, o.time_zone,
                 a.id as appointment_id, a.starts_at, a.ends_at, a.modality, a.status as appointment_status, a.attendance_check, a.worker_id,
                 m.wording, m.active as schedule_active, reminder_channel_allowed(r.citizen_id, r.channel) as channel_allowed,
                 r.call_session_id, cs.status as call_status, cs.worker_id as call_worker_id, cs.appointment_id as call_appointment_id,
                 (select coalesce(v.chosen_name, w.display_name) from users w left join volunteer_profiles v on v.volunteer_id = w.id where w.id = cs.worker_id) as call_worker_name,
                 r.recipient_phone, (select q.status from contact_requests q where q.id = r.contact_request_id) as request_status
          from reminders r
          join users u on u.id = r.citizen_id
          join organisations o on o.id = r.organisation_id
          left join appointments a on a.id = r.appointment_id
          left join medication_schedules m on m.id = r.medication_schedule_id
          left join call_sessions cs on cs.id = r.call_session_id
          where r.id = any(${tx.array(ids as string[])}::uuid[]) and r.status = 'pending'`;
        return Promise.all(rows.map((row) => prepare(tx, row)));
      });
    },

    /** Records how the attempts went, releasing their leases. */
    async record(organisationId: string, outcomes: readonly SendOutcome[]): Promise<void> {
      const sent = outcomes.filter((o): o is Extract<SendOutcome, { result: 'sent' }> => o.result === 'sent');
      const other = outcomes.filter((o): o is Exclude<SendOutcome, { result: 'sent' }> => o.result !== 'sent');
      await inOrganisation(sql, organisationId, async (tx) => {
        if (sent.length > 0) {
          await tx`
            update reminders r set status = 'sent', sent_at = now(), provider_message_id = s.provider, leased_until = null, last_error = null
            from unnest(${tx.array(sent.map((s) => s.id))}::uuid[], ${tx.array(sent.map((s) => s.providerId))}::text[]) as s(id, provider)
            where r.id = s.id`;
        }
        await deletePushSubscriptions(tx, outcomes.flatMap((o) => o.goneDevices ?? []));
        for (const o of other) {
          if (o.result === 'retry') {
            await tx`update reminders set next_attempt_at = now() + ${o.retryInSeconds} * interval '1 second', leased_until = null, last_error = ${o.error} where id = ${o.id}`;
          } else {
            await tx`update reminders set status = ${o.result}, leased_until = null, last_error = ${o.error} where id = ${o.id}`;
          }
        }
      });
    },
  };
}
