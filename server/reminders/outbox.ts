/**
 * The reminder outbox: the one place that plans, cancels and re-plans reminders of every kind — appointments and
 * medication. Features call these inside their own transaction, so an appointment (or a schedule, or a citizen's
 * settings) and its reminders change together or not at all. Whether a channel may be used is the database's one
 * consent rule (reminder_channel_allowed), asked by every query in reminders/store.ts that plans or cancels.
 */
import type { Sql } from 'postgres';
import type { Tx } from '../db/database.js';
import { fromLocal, toLocal } from '../time.js';
import {
  appointmentsToPlan, attendanceChecksToPlan, cancelPendingAttendanceCheck, cancelPendingNoLongerAllowed, insertAttendanceChecks, insertReadyNotice, moveReadyNotice, readyChannels, cancelPendingOfAppointments, cancelPendingOfSchedule, insertAppointmentReminders,
  planMedicationReminders, upcomingAppointmentIds, type PlannedReminder,
} from './store.js';

/** How far ahead medication reminders are planned (the dispatcher tops this up every few minutes). */
const MEDICATION_PLAN_HOURS = 48;

/**
 * Writes the outbox rows for appointments, in the caller's transaction: one per offset (default 24 h and 1 h before)
 * and per channel the citizen chose with consent. SMS never lands in the organisation's quiet hours unless the
 * citizen chose that: it moves to the end of the quiet hours if that is still before the appointment, else to just
 * before they begin. The idempotency key names the appointment, its start, the offset and the channel.
 */
async function planAppointments(tx: Tx, appointmentIds: readonly string[], now = new Date()): Promise<number> {
  if (appointmentIds.length === 0) return 0;
  const planned: PlannedReminder[] = [];
  for (const row of await appointmentsToPlan(tx, appointmentIds)) {
    for (const offset of row.offsets) {
      for (const channel of ['sms', 'email'] as const) {
        if (!row[channel]) continue;
        let due = new Date(row.starts_at.getTime() - offset * 60_000);
        if (channel === 'sms' && !row.at_night) due = outsideQuietHours(due, row.starts_at, row);
        if (due <= now) continue;
        planned.push({
          organisationId: row.organisation_id, citizenId: row.citizen_id, appointmentId: row.id, channel, dueAt: due,
          idempotencyKey: `appointment:${row.id}:${row.starts_at.getTime()}:${offset}:${channel}`,
        });
      }
    }
  }
  return (await insertAppointmentReminders(tx, planned)) + (await planAttendanceChecks(tx, appointmentIds, now));
}

/** A morning check not sent by this long before its appointment is not sent at all: too late to plan by. */
const CHECK_LAST_MINUTES = 60;

/**
 * The morning attendance check (issue 11) of home visits and phone appointments that asked for one: one SMS on the
 * appointment's day at the organisation's morning hour (attendance_check_time, local), moved to the end of the SMS
 * quiet hours when the hour falls inside them (unless the citizen chose SMS at night). Switched on later the same
 * morning, it goes at once; within the last hour before the appointment, or when the quiet hours end too late, not at
 * all. Only with the citizen's SMS consent (reminder_channel_allowed).
 */
async function planAttendanceChecks(tx: Tx, appointmentIds: readonly string[], now = new Date()): Promise<number> {
  const planned: Omit<PlannedReminder, 'channel'>[] = [];
  for (const row of await attendanceChecksToPlan(tx, appointmentIds)) {
    if (!row.sms) continue;
    const day = toLocal(row.starts_at, row.time_zone).slice(0, 10);
    let due = fromLocal(`${day}T${row.check_time}`, row.time_zone);
    if (!due) continue;
    if (!row.at_night && inQuietHours(toLocal(due, row.time_zone).slice(11, 16), row)) due = fromLocal(`${day}T${row.quiet_end}`, row.time_zone) ?? due;
    const latest = row.starts_at.getTime() - CHECK_LAST_MINUTES * 60_000;
    if (due.getTime() <= now.getTime()) {
      const sameDay = toLocal(now, row.time_zone).slice(0, 10) === day;
      if (!sameDay || (!row.at_night && inQuietHours(toLocal(now, row.time_zone).slice(11, 16), row))) continue;
      due = now;
    }
    if (due.getTime() > latest) continue;
    planned.push({
      organisationId: row.organisation_id, citizenId: row.citizen_id, appointmentId: row.id, dueAt: due,
      idempotencyKey: `attendance_check:${row.id}:${row.starts_at.getTime()}`,
    });
  }
  return insertAttendanceChecks(tx, planned);
}

/** Whether a local clock time "HH:MM" lies in the organisation's quiet hours (which may wrap midnight: 21:00–08:00). */
function inQuietHours(time: string, org: { quiet_start: string; quiet_end: string }): boolean {
  const wraps = org.quiet_start > org.quiet_end;
  return wraps ? time >= org.quiet_start || time < org.quiet_end : time >= org.quiet_start && time < org.quiet_end;
}

/** How the citizen is told that a session opened (protocol/calls.ts ReadyNotice). */
export type ReadyNoticeOutcome = 'push' | 'sms' | 'email' | 'quiet_hours' | 'none';

/**
 * A worker opened a video session: the citizen is told once, in the caller's transaction. Push when a device of
 * theirs asked for it (it is their own opt-in, on a phone whose "do not disturb" they control); otherwise SMS, unless
 * it is the organisation's quiet hours and they did not choose SMS at night; otherwise e-mail. Each only with the
 * citizen's consent (reminder_channel_allowed). Returns what was planned, or why nothing was, for the worker to see.
 */
async function planReadyNotice(tx: Tx, call: { organisationId: string; citizenId: string; callSessionId: string }): Promise<ReadyNoticeOutcome> {
  const allowed = await readyChannels(tx, call.citizenId);
  const channel = allowed.push ? 'push' : allowed.sms && !allowed.smsQuietNow ? 'sms' : allowed.email ? 'email' : null;
  if (!channel) return allowed.sms ? 'quiet_hours' : 'none';
  await insertReadyNotice(tx, { ...call, channel });
  return channel;
}

/**
 * A "ready" notice planned as a push finds no device that takes it any more: it goes by SMS or e-mail instead, by
 * the same rules as planReadyNotice. Returns the new channel, or null when neither may be used now.
 */
async function moveReadyNoticeOffPush(tx: Tx, reminderId: string, citizenId: string): Promise<'sms' | 'email' | null> {
  const allowed = await readyChannels(tx, citizenId);
  const channel = allowed.sms && !allowed.smsQuietNow ? 'sms' : allowed.email ? 'email' : null;
  if (channel) await moveReadyNotice(tx, reminderId, channel);
  return channel;
}

async function replanAppointments(tx: Tx, appointmentIds: readonly string[]): Promise<void> {
  await cancelPendingOfAppointments(tx, appointmentIds);
  await planAppointments(tx, appointmentIds);
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

export const outbox = {
  /** A worker opened a video session: tell the citizen once ("Bo er klar"), as their consent and the hour allow. */
  planReadyNotice,
  /** The citizen's devices no longer take push: the notice goes by SMS or e-mail if it may. */
  moveReadyNoticeOffPush,
  /** Reminders for newly booked appointments, by the organisation's offsets and the citizen's consent. */
  planAppointments,
  /** The worker switched an appointment's morning check on: it is planned now (nothing happens if it already was). */
  planAttendanceChecks,
  /** The worker switched an appointment's morning check off: a pending one will not be sent. */
  cancelAttendanceCheck: cancelPendingAttendanceCheck,
  /** The appointments are cancelled, closed or moved: their pending reminders will not be sent. */
  cancelAppointments: cancelPendingOfAppointments,
  /** An appointment moved: cancel what was planned and plan again for the new time. */
  replanAppointments,

  /**
   * After a citizen's reminder choices changed: cancels the pending reminders the consent rule no longer allows, and
   * plans what it now allows: appointment reminders anew (their SMS times depend on the night-time choice), medication
   * reminders for the coming hours, bringing back any that were cancelled when a channel was switched off and is on
   * again. Nothing else is touched.
   */
  replanCitizen: async (tx: Tx, citizenId: string) => {
    await cancelPendingNoLongerAllowed(tx, citizenId);
    await replanAppointments(tx, await upcomingAppointmentIds(tx, citizenId));
    await planMedicationReminders(tx, MEDICATION_PLAN_HOURS, citizenId);
  },

  /** A citizen's medication schedules changed: their doses of the coming hours are planned now, not at the dispatcher's next round. */
  planMedication: (tx: Tx, citizenId: string) => planMedicationReminders(tx, MEDICATION_PLAN_HOURS, citizenId),
  /** Keeps every organisation's medication reminders planned ahead (the dispatcher, outside any organisation). */
  planAllMedication: (sql: Sql) => planMedicationReminders(sql, MEDICATION_PLAN_HOURS),
  /** A medication schedule was stopped: its pending reminders will not be sent. */
  cancelMedicationSchedule: cancelPendingOfSchedule,
};
