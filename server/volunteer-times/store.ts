/**
 * Volunteers' own sessions in the database: their regular times, the free times and bookings of a matched citizen
 * (ordinary appointments whose worker_id is the volunteer: the same exclusion constraints refuse double booking, the
 * same outbox plans the reminders), the video session a volunteer opens for such an appointment, practice calls a
 * worker books with an IT helper, and citizens' camera-and-microphone checks.
 *
 * A volunteer sees a citizen only through an active match (volunteer_matched, migration 019) and then only their
 * first name and the times they meet; the citizen sees the volunteer's chosen name only.
 */
import type { Sql } from 'postgres';
import type { StoredCallSummary } from '../calls/store.js';
import type {
  BookVolunteerBody, DeviceCheck, DeviceCheckResult, FreeTimes, NewVolunteerTimeBody, PracticeCall, PracticeCallBody,
  VolunteerAppointment, VolunteerTime,
} from '../../protocol/volunteer-times.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { openSession } from '../calls/store.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, HttpError, notFound } from '../http/errors.js';
import { assertCitizenAccess } from '../people/store.js';
import { outbox, type ReadyNoticeOutcome } from '../reminders/outbox.js';
import { danishDateTime, fromLocal, toLocal } from '../time.js';
import { clockOfMinutes, dayAfter, freeSlots, minutesOfClock, type WeeklyPattern } from './slots.js';

/** How far ahead a citizen sees free times. */
const FREE_TIME_DAYS = 28;
const FREE_TIME_LIMIT = 40;
const PRACTICE_MINUTES = 30;

interface TimeRow {
  id: string;
  weekday: number;
  start_minute: number;
  end_minute: number;
  slot_minutes: number;
  active_from: string;
  active_until: string | null;
}

const timeOf = (r: TimeRow): VolunteerTime => ({
  id: r.id, weekday: r.weekday, start: clockOfMinutes(r.start_minute), end: clockOfMinutes(r.end_minute), slotMinutes: r.slot_minutes,
  activeFrom: r.active_from, activeUntil: r.active_until,
});

interface AppointmentRow {
  id: string;
  starts_at: Date;
  ends_at: Date;
  modality: VolunteerAppointment['modality'];
  purpose: VolunteerAppointment['purpose'];
  other_name: string;
  open_call_id: string | null;
  time_zone: string;
}

const appointmentOf = (r: AppointmentRow): VolunteerAppointment => ({
  id: r.id, start: toLocal(r.starts_at, r.time_zone), end: toLocal(r.ends_at, r.time_zone), whenText: danishDateTime(r.starts_at, r.time_zone),
  modality: r.modality, purpose: r.purpose, otherName: r.other_name, openCallId: r.open_call_id,
});

/** The columns every appointment list here shows; `other_name` is chosen by the caller's side. */
const appointmentColumns = (tx: Tx) => tx`
  a.id, a.starts_at, a.ends_at, a.modality, a.purpose, o.time_zone,
  (select s.id from call_sessions s where s.appointment_id = a.id and s.status = 'open' limit 1) as open_call_id`;

const isOverlap = (error: unknown) => (error as { code?: string }).code === '23P01';
const overlapError = (error: unknown) => {
  const byVolunteer = (error as { constraint_name?: string }).constraint_name === 'appointments_worker_no_overlap';
  return new HttpError(409, 'overlap', byVolunteer ? 'This time has just been taken' : 'You already have an appointment then');
};

async function organisationZone(tx: Tx): Promise<string> {
  const [row] = await tx<{ time_zone: string }[]>`select time_zone from organisations`;
  return row!.time_zone;
}

/** A volunteer the citizen has an active match with, or 404 (an unmatched volunteer does not exist for them). */
async function matchedVolunteer(tx: Tx, citizenId: string, volunteerId: string) {
  const [row] = await tx<{ chosen_name: string; kind: FreeTimes['kind'] }[]>`
    select p.chosen_name, p.kind from volunteer_profiles p join users u on u.id = p.volunteer_id and u.active
    where p.volunteer_id = ${volunteerId} and volunteer_matched(${volunteerId}, ${citizenId})
      -- today where the municipality is (just after midnight in Denmark the server's UTC date is still yesterday)
      and p.active_from <= (now() at time zone (select time_zone from organisations))::date and (p.active_until is null or p.active_until >= (now() at time zone (select time_zone from organisations))::date)`;
  if (!row) throw notFound('No such volunteer');
  return row;
}

/** The volunteer's weekly pattern and the booked ranges of the volunteer or the citizen in the window. */
async function slotsFor(tx: Tx, volunteerId: string, citizenId: string, fromDate: string, days: number, limit = FREE_TIME_LIMIT) {
  const zone = await organisationZone(tx);
  const patterns = await tx<TimeRow[]>`
    select id, weekday, start_minute, end_minute, slot_minutes, active_from::text, active_until::text
    from volunteer_availability where volunteer_id = ${volunteerId}`;
  const from = fromLocal(`${fromDate}T00:00`, zone) ?? new Date(`${fromDate}T00:00:00Z`);
  const until = new Date(from.getTime() + (days + 1) * 86_400_000);
  const taken = await tx<{ starts_at: Date; ends_at: Date }[]>`
    select starts_at, ends_at from appointments
    where status <> 'cancelled' and (worker_id = ${volunteerId} or citizen_id = ${citizenId})
      and ends_at > ${from} and starts_at < ${until}`;
  const weekly: WeeklyPattern[] = patterns.map((p) => ({
    weekday: p.weekday, startMinute: p.start_minute, endMinute: p.end_minute, slotMinutes: p.slot_minutes, activeFrom: p.active_from, activeUntil: p.active_until,
  }));
  const slots = freeSlots(weekly, taken.map((t) => ({ startsAt: t.starts_at, endsAt: t.ends_at })), zone, { fromDate, days, now: new Date(), limit });
  return { zone, slots };
}

export type VolunteerTimeStore = ReturnType<typeof volunteerTimeStore>;

export function volunteerTimeStore(sql: Sql) {
  return {
    // ——— The volunteer ———

    myTimes(auth: Auth): Promise<VolunteerTime[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<TimeRow[]>`
          select id, weekday, start_minute, end_minute, slot_minutes, active_from::text, active_until::text
          from volunteer_availability where volunteer_id = ${auth.userId}
          order by weekday, start_minute`;
        return rows.map(timeOf);
      });
    },

    addTime(auth: Auth, body: NewVolunteerTimeBody): Promise<VolunteerTime> {
      const start = minutesOfClock(body.start);
      const end = minutesOfClock(body.end);
      if (end - start < body.slotMinutes) throw badRequest('The time must be at least one slot long and end after it starts');
      if (body.activeFrom && body.activeUntil && body.activeUntil < body.activeFrom) throw badRequest('The period must end after it starts');
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<TimeRow[]>`
          insert into volunteer_availability (organisation_id, volunteer_id, weekday, start_minute, end_minute, slot_minutes, active_from, active_until)
          values (${auth.organisationId}, ${auth.userId}, ${body.weekday}, ${start}, ${end}, ${body.slotMinutes},
                  coalesce(${body.activeFrom ?? null}::date, (now() at time zone (select time_zone from organisations))::date), ${body.activeUntil ?? null}::date)
          returning id, weekday, start_minute, end_minute, slot_minutes, active_from::text, active_until::text`;
        return timeOf(row!);
      });
    },

    /** Takes a regular time away; what was booked from it stays booked. */
    deleteTime(auth: Auth, timeId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const deleted = await tx`delete from volunteer_availability where id = ${timeId} and volunteer_id = ${auth.userId}`;
        if (deleted.count === 0) throw notFound('No such time');
      });
    },

    /** The volunteer's coming appointments with citizens they are still matched with: first name and time only. */
    myAppointments(auth: Auth): Promise<VolunteerAppointment[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<AppointmentRow[]>`
          select ${appointmentColumns(tx)}, split_part(btrim(c.display_name), ' ', 1) as other_name
          from appointments a join users c on c.id = a.citizen_id join organisations o on o.id = a.organisation_id
          where a.worker_id = ${auth.userId} and a.status = 'booked' and a.ends_at > now()
            and volunteer_matched(${auth.userId}, a.citizen_id)
          order by a.starts_at limit 50`;
        return rows.map(appointmentOf);
      });
    },

    /**
     * Opens the video session of one of the volunteer's own booked appointments, with a citizen they are matched with
     * now. The citizen is told as for any session ("ready" notice). The route runs it for no person (asSystem): the
     * checks here are the volunteer's, the session and the notice the system's.
     */
    startCall(auth: Auth, appointmentId: string): Promise<StoredCallSummary & { notice: ReadyNoticeOutcome }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [appointment] = await tx<{ citizen_id: string; modality: string }[]>`
          select citizen_id, modality from appointments
          where id = ${appointmentId} and worker_id = ${auth.userId} and status = 'booked' and ends_at > now()
            and volunteer_matched(${auth.userId}, citizen_id)`;
        if (!appointment) throw notFound('No such appointment');
        if (appointment.modality === 'home_visit') throw conflict('A home visit has no video session');
        return openSession(tx, auth, appointment.citizen_id, 'planned', appointmentId);
      });
    },

    /** The open session the volunteer hosts, its citizen, and their contact person if active (run by the route for no person). */
    helpTarget(auth: Auth, callId: string): Promise<{ citizenId: string; contactPersonId: string | null }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<{ citizen_id: string; contact_person_id: string | null }[]>`
          select s.citizen_id,
                 (select p.contact_person_id from volunteer_profiles p join users u on u.id = p.contact_person_id and u.active
                   where p.volunteer_id = s.worker_id) as contact_person_id
          from call_sessions s where s.id = ${callId} and s.worker_id = ${auth.userId} and s.status = 'open'`;
        if (!row) throw notFound('No such session');
        await audit(tx, auth, 'volunteer.staff_help', row.citizen_id, { callId, contactPerson: row.contact_person_id !== null });
        return { citizenId: row.citizen_id, contactPersonId: row.contact_person_id };
      });
    },

    // ——— The matched citizen ———

    /** Every matched volunteer's next free times, for the citizen's booking screen. */
    myFreeTimes(auth: Auth): Promise<FreeTimes[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const matched = await tx<{ volunteer_id: string }[]>`
          select m.volunteer_id from volunteer_matches m where m.citizen_id = ${auth.userId} and m.status = 'active' order by m.decided_at, m.id`;
        const zone = await organisationZone(tx);
        const today = toLocal(new Date(), zone).slice(0, 10);
        const all: FreeTimes[] = [];
        for (const { volunteer_id: volunteerId } of matched) {
          const volunteer = await matchedVolunteer(tx, auth.userId, volunteerId).catch(() => undefined);
          if (!volunteer) continue;
          const { slots } = await slotsFor(tx, volunteerId, auth.userId, today, FREE_TIME_DAYS);
          all.push({
            volunteerId, chosenName: volunteer.chosen_name, kind: volunteer.kind,
            times: slots.map((s) => ({ start: s.start, end: s.end, whenText: danishDateTime(s.startsAt, zone) })),
          });
        }
        return all;
      });
    },

    freeTimes(auth: Auth, volunteerId: string, fromDate?: string): Promise<FreeTimes> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const volunteer = await matchedVolunteer(tx, auth.userId, volunteerId);
        const zone = await organisationZone(tx);
        const today = toLocal(new Date(), zone).slice(0, 10);
        const from = fromDate && fromDate > today ? fromDate : today;
        const { slots } = await slotsFor(tx, volunteerId, auth.userId, from, FREE_TIME_DAYS);
        return {
          volunteerId, chosenName: volunteer.chosen_name, kind: volunteer.kind,
          times: slots.map((s) => ({ start: s.start, end: s.end, whenText: danishDateTime(s.startsAt, zone) })),
        };
      });
    },

    /**
     * Books one of the volunteer's free times. It must be one of them now (the pattern, not taken); two citizens
     * taking the same time at once are told apart by the database's exclusion constraint, not here.
     */
    async book(auth: Auth, volunteerId: string, body: BookVolunteerBody): Promise<VolunteerAppointment> {
      try {
        return await inOrganisation(sql, auth.organisationId, async (tx) => {
          const volunteer = await matchedVolunteer(tx, auth.userId, volunteerId);
          const zone = await organisationZone(tx);
          const date = body.start.slice(0, 10);
          const { slots } = await slotsFor(tx, volunteerId, auth.userId, dayAfter(date, -1), 3, Number.MAX_SAFE_INTEGER);
          const slot = slots.find((s) => s.start === body.start);
          if (!slot) throw badRequest('That is not one of the free times; choose another');
          const [row] = await tx<{ id: string }[]>`
            insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by, purpose)
            values (${auth.organisationId}, ${volunteerId}, ${auth.userId}, ${slot.startsAt}, ${slot.endsAt}, ${body.modality}, ${auth.userId}, 'support')
            returning id`;
          await outbox.planAppointments(tx, [row!.id]);
          return {
            id: row!.id, start: slot.start, end: slot.end, whenText: danishDateTime(slot.startsAt, zone), modality: body.modality,
            purpose: 'support', otherName: volunteer.chosen_name, openCallId: null,
          };
        });
      } catch (error) {
        if (isOverlap(error)) throw overlapError(error);
        throw error;
      }
    },

    /** The citizen's coming appointments with volunteers, by the volunteer's chosen name. */
    myBookings(auth: Auth): Promise<VolunteerAppointment[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<AppointmentRow[]>`
          select ${appointmentColumns(tx)}, p.chosen_name as other_name
          from appointments a join volunteer_profiles p on p.volunteer_id = a.worker_id join organisations o on o.id = a.organisation_id
          where a.citizen_id = ${auth.userId} and a.status = 'booked' and a.ends_at > now()
          order by a.starts_at limit 50`;
        return rows.map(appointmentOf);
      });
    },

    /** The citizen cancels a coming appointment with a volunteer (not once it has begun); its reminders go. */
    cancel(auth: Auth, appointmentId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<{ id: string; started: boolean }[]>`
          select a.id, a.starts_at <= now() as started from appointments a join volunteer_profiles p on p.volunteer_id = a.worker_id
          where a.id = ${appointmentId} and a.citizen_id = ${auth.userId} and a.status = 'booked' and a.ends_at > now() for update of a`;
        if (!row) throw notFound('No such appointment');
        if (row.started) throw conflict('This appointment has begun');
        await tx`update appointments set status = 'cancelled', status_reason = 'Aflyst af borgeren', updated_at = now() where id = ${row.id}`;
        await outbox.cancelAppointments(tx, [row.id]);
      });
    },

    recordDeviceCheck(auth: Auth, result: DeviceCheckResult): Promise<DeviceCheck> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<{ checked_at: Date }[]>`
          insert into device_checks (organisation_id, citizen_id, result) values (${auth.organisationId}, ${auth.userId}, ${result})
          returning checked_at`;
        return { citizenId: auth.userId, result, checkedAt: row!.checked_at.toISOString() };
      });
    },

    // ——— Staff ———

    /** The newest check of each citizen in the caller's caseload (a coordinator's: every citizen's); audited as a read. */
    deviceChecks(auth: Auth): Promise<DeviceCheck[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<{ citizen_id: string; result: DeviceCheckResult; checked_at: Date }[]>`
          select distinct on (d.citizen_id) d.citizen_id, d.result, d.checked_at
          from device_checks d
          where ${auth.role === 'coordinator'} or exists (select 1 from caseloads k where k.worker_id = ${auth.userId} and k.citizen_id = d.citizen_id)
          order by d.citizen_id, d.checked_at desc`;
        await audit(tx, auth, 'citizen.list', rows.map((r) => r.citizen_id), { via: 'device_checks' });
        return rows.map((r) => ({ citizenId: r.citizen_id, result: r.result, checkedAt: r.checked_at.toISOString() }));
      });
    },

    /** A worker books a practice call for a citizen of theirs with an IT helper the citizen is matched with. */
    async bookPractice(auth: Auth, body: PracticeCallBody): Promise<PracticeCall> {
      try {
        return await inOrganisation(sql, auth.organisationId, async (tx) => {
          await assertCitizenAccess(tx, auth, body.citizenId);
          const [volunteer] = await tx<{ chosen_name: string }[]>`
            select p.chosen_name from volunteer_profiles p join users u on u.id = p.volunteer_id and u.active
            where p.volunteer_id = ${body.volunteerId} and p.kind = 'it_helper' and volunteer_matched(${body.volunteerId}, ${body.citizenId})`;
          if (!volunteer) throw notFound('No IT helper matched with this citizen');
          const zone = await organisationZone(tx);
          const startsAt = fromLocal(body.start, zone);
          if (!startsAt) throw badRequest(`${body.start.replace('T', ' ')} does not exist in ${zone} (the clocks skip that hour)`);
          if (startsAt.getTime() < Date.now()) throw badRequest('The practice call would start in the past');
          const endsAt = new Date(startsAt.getTime() + (body.durationMinutes ?? PRACTICE_MINUTES) * 60_000);
          const [row] = await tx<{ id: string }[]>`
            insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by, purpose)
            values (${auth.organisationId}, ${body.volunteerId}, ${body.citizenId}, ${startsAt}, ${endsAt}, 'video', ${auth.userId}, 'practice')
            returning id`;
          await outbox.planAppointments(tx, [row!.id]);
          await audit(tx, auth, 'appointment.book', body.citizenId, { count: 1, purpose: 'practice' });
          return { id: row!.id, start: toLocal(startsAt, zone), end: toLocal(endsAt, zone), volunteerName: volunteer.chosen_name };
        });
      } catch (error) {
        if (isOverlap(error)) throw overlapError(error);
        throw error;
      }
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    volunteerTimes: VolunteerTimeStore;
  }
}
