import type { Tx } from '../db/database.js';
import { fromLocal, toLocal } from '../time.js';

/** How far ahead medication reminders are planned (the dispatcher tops this up every few minutes). */
export const MEDICATION_PLAN_HOURS = 48;

interface PlanRow {
  id: string;
  organisation_id: string;
  citizen_id: string;
  starts_at: Date;
  time_zone: string;
  offsets: number[];
  quiet_start: string;
  quiet_end: string;
  sms: boolean;
  email: boolean;
  at_night: boolean;
}

/**
 * Writes the outbox rows for appointments, in the caller's transaction: one per offset (default 24 h and 1 h before)
 * and per channel the citizen chose with consent. SMS never lands in the organisation's quiet hours unless the
 * citizen chose that: it moves to the end of the quiet hours if that is still before the appointment, else to just
 * before they begin. The idempotency key names the appointment, its start, the offset and the channel.
 */
export async function planAppointmentReminders(tx: Tx, appointmentIds: readonly string[], now = new Date()): Promise<number> {
  if (appointmentIds.length === 0) return 0;
  const rows = await tx<PlanRow[]>`
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

  const planned: { org: string; citizen: string; appointment: string; channel: string; due: Date; key: string }[] = [];
  for (const row of rows) {
    for (const offset of row.offsets) {
      for (const channel of ['sms', 'email'] as const) {
        if (!row[channel]) continue;
        let due = new Date(row.starts_at.getTime() - offset * 60_000);
        if (channel === 'sms' && !row.at_night) due = outsideQuietHours(due, row.starts_at, row);
        if (due <= now) continue;
        planned.push({
          org: row.organisation_id, citizen: row.citizen_id, appointment: row.id, channel, due,
          key: `appointment:${row.id}:${row.starts_at.getTime()}:${offset}:${channel}`,
        });
      }
    }
  }
  if (planned.length === 0) return 0;
  const inserted = await tx`
    insert into reminders (organisation_id, citizen_id, appointment_id, kind, channel, due_at, next_attempt_at, idempotency_key)
    select org, citizen, appointment, 'appointment', channel, due, due, key
    from unnest(${tx.array(planned.map((p) => p.org))}::uuid[], ${tx.array(planned.map((p) => p.citizen))}::uuid[],
                ${tx.array(planned.map((p) => p.appointment))}::uuid[], ${tx.array(planned.map((p) => p.channel))}::text[],
                ${tx.array(planned.map((p) => p.due.toISOString()))}::timestamptz[], ${tx.array(planned.map((p) => p.key))}::text[])
      as p(org, citizen, appointment, channel, due, key)
    -- the same reminder planned again (a channel switched back on) comes back to life under its own key
    on conflict (idempotency_key) do update set status = 'pending', attempts = 0, last_error = null, leased_until = null,
      due_at = excluded.due_at, next_attempt_at = excluded.next_attempt_at
      where reminders.status = 'cancelled'
    returning id`;
  return inserted.length;
}

/** Cancels the reminders of appointments that were cancelled or moved (moved ones are planned anew). */
export async function cancelAppointmentReminders(tx: Tx, appointmentIds: readonly string[]): Promise<void> {
  await tx`
    update reminders set status = 'cancelled', leased_until = null
    where appointment_id = any(${tx.array(appointmentIds as string[])}::uuid[]) and status = 'pending'`;
}

/**
 * After a citizen's reminder choices changed: cancels the pending reminders the consent rule (the database function
 * reminder_channel_allowed) no longer allows, and plans what it now allows: appointment reminders anew (their SMS
 * times depend on the night-time choice), medication reminders for the coming hours, bringing back any that were
 * cancelled when a channel was switched off and is on again. Nothing else is touched.
 */
export async function replanCitizenReminders(tx: Tx, citizenId: string): Promise<void> {
  await tx`
    update reminders set status = 'cancelled', leased_until = null
    where citizen_id = ${citizenId} and status = 'pending' and not reminder_channel_allowed(citizen_id, channel)`;
  const upcoming = await tx<{ id: string }[]>`select id from appointments where citizen_id = ${citizenId} and status = 'booked' and starts_at > now()`;
  const ids = upcoming.map((a) => a.id);
  await cancelAppointmentReminders(tx, ids);
  await planAppointmentReminders(tx, ids);
  await tx`select plan_medication_reminders(now(), now() + ${MEDICATION_PLAN_HOURS} * interval '1 hour', ${citizenId}::uuid)`;
}

function outsideQuietHours(due: Date, appointmentStart: Date, org: { time_zone: string; quiet_start: string; quiet_end: string }): Date {
  const local = toLocal(due, org.time_zone);
  const [day, time] = local.split('T') as [string, string];
  const wraps = org.quiet_start > org.quiet_end; // e.g. 21:00–08:00
  const quiet = wraps ? time >= org.quiet_start || time < org.quiet_end : time >= org.quiet_start && time < org.quiet_end;
  if (!quiet) return due;
  const shiftDay = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  // The quiet period this moment falls in: where it began and where it ends, in local time.
  const beganOn = wraps && time < org.quiet_end ? shiftDay(day, -1) : day;
  const endsOn = wraps && time >= org.quiet_start ? shiftDay(day, 1) : day;
  const end = fromLocal(`${endsOn}T${org.quiet_end}`, org.time_zone);
  if (end && end < appointmentStart) return end;
  const begin = fromLocal(`${beganOn}T${org.quiet_start}`, org.time_zone);
  return begin ? new Date(begin.getTime() - 60_000) : due;
}
