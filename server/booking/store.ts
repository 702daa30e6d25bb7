/**
 * Appointments in the database: every query of the booking feature, each in one transaction inside the caller's
 * organisation (RLS), with the audit row and the reminder plan in the same transaction.
 */
import type { Sql } from 'postgres';
import type { Appointment, BookBody, Modality, SetStatusBody } from '../../protocol/booking.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, HttpError, notFound } from '../http/errors.js';
import { outbox } from '../reminders/outbox.js';
import { addWeeks, fromLocal, toLocal } from '../time.js';

const DEFAULT_MINUTES = 20;

type ReminderChannel = Appointment['reminders'][number]['channel'];
type ReminderStatus = Appointment['reminders'][number]['status'];

interface Row {
  id: string;
  citizen_id: string;
  citizen_name: string;
  worker_id: string;
  series_id: string | null;
  starts_at: Date;
  ends_at: Date;
  modality: Modality;
  status: Appointment['status'];
  status_reason: string | null;
  staff_note: string | null;
  preference: Appointment['citizenPreference'];
  time_zone: string;
  reminders: { channel: ReminderChannel; due_at: string; status: ReminderStatus; attempts: number; last_error: string | null }[] | null;
  /** Built by the query in the contract's shape (the database's checks hold kind and modality together). */
  open_request: Appointment['openRequest'];
}

interface Range {
  startsAt: Date;
  endsAt: Date;
}

/** Appointments as staff see them, with reminder states and any open change request from the citizen. */
async function loadAppointments(tx: Tx, where: { ids?: readonly string[]; workerId?: string; from?: Date; to?: Date }): Promise<Appointment[]> {
  const rows = await tx<Row[]>`
    select a.id, a.citizen_id, u.display_name as citizen_name, a.worker_id, a.series_id, a.starts_at, a.ends_at, a.modality,
           a.status, a.status_reason, a.staff_note, s.preferred_modality as preference, o.time_zone,
           (select json_agg(json_build_object('channel', r.channel, 'due_at', r.due_at, 'status', r.status, 'attempts', r.attempts, 'last_error', r.last_error) order by r.due_at)
              from reminders r where r.appointment_id = a.id and r.status <> 'cancelled') as reminders,
           (select json_build_object('id', c.id, 'kind', c.kind, 'requestedModality', c.requested_modality)
              from change_requests c where c.appointment_id = a.id and c.status = 'open') as open_request
    from appointments a
    join users u on u.id = a.citizen_id
    join organisations o on o.id = a.organisation_id
    left join citizen_settings s on s.citizen_id = a.citizen_id
    where (${where.ids ? tx.array(where.ids as string[]) : null}::uuid[] is null or a.id = any(${where.ids ? tx.array(where.ids as string[]) : null}::uuid[]))
      and (${where.workerId ?? null}::uuid is null or a.worker_id = ${where.workerId ?? null})
      and (${where.from ?? null}::timestamptz is null or a.ends_at > ${where.from ?? null})
      and (${where.to ?? null}::timestamptz is null or a.starts_at < ${where.to ?? null})
    order by a.starts_at, a.id`;
  return rows.map((r) => ({
    id: r.id, citizenId: r.citizen_id, citizenName: r.citizen_name, workerId: r.worker_id, seriesId: r.series_id,
    start: toLocal(r.starts_at, r.time_zone), end: toLocal(r.ends_at, r.time_zone),
    startsAt: r.starts_at.toISOString(), endsAt: r.ends_at.toISOString(), modality: r.modality, status: r.status,
    statusReason: r.status_reason, staffNote: r.staff_note, citizenPreference: r.preference,
    reminders: (r.reminders ?? []).map((x) => ({ channel: x.channel, dueAt: new Date(x.due_at).toISOString(), status: x.status, attempts: x.attempts, lastError: x.last_error })),
    openRequest: r.open_request,
  }));
}

async function organisationZone(tx: Tx): Promise<string> {
  const [row] = await tx<{ time_zone: string }[]>`select time_zone from organisations`;
  return row!.time_zone;
}

/** Local start → instants, refusing times that do not exist or lie in the past. */
function resolveStart(local: string, zone: string, minutes: number): Range {
  const startsAt = fromLocal(local, zone);
  if (!startsAt) throw badRequest(`${local.replace('T', ' ')} does not exist in ${zone} (the clocks skip that hour)`);
  if (startsAt.getTime() < Date.now()) throw badRequest('The appointment would start in the past');
  return { startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000) };
}

const isOverlap = (error: unknown): error is { code: string; constraint_name?: string } => (error as { code?: string }).code === '23P01';

async function assertCaseload(tx: Tx, workerId: string, citizenId: string): Promise<void> {
  const [row] = await tx`
    select 1 from caseloads c join users u on u.id = c.citizen_id and u.active
    where c.worker_id = ${workerId} and c.citizen_id = ${citizenId}`;
  if (!row) throw notFound('No such citizen in this worker’s caseload');
}

/** The appointment if this staff member may change it: its worker, or any coordinator. Locked for the transaction. */
async function ownAppointment(tx: Tx, auth: Auth, id: string) {
  const [row] = await tx<{ id: string; worker_id: string; citizen_id: string; status: string; starts_at: Date; ends_at: Date }[]>`
    select id, worker_id, citizen_id, status, starts_at, ends_at from appointments where id = ${id} for update`;
  if (!row || (auth.role === 'worker' && row.worker_id !== auth.userId)) throw notFound('No such appointment');
  return row;
}

export type BookingStore = ReturnType<typeof bookingStore>;

export function bookingStore(sql: Sql) {
  /** An exclusion-constraint violation, explained with the local time of the appointment it collides with. */
  async function overlapError(auth: Auth, error: { constraint_name?: string }, who: { workerId: string; citizenId: string }, ranges: Range[]): Promise<HttpError> {
    const byWorker = error.constraint_name === 'appointments_worker_no_overlap';
    const found = await inOrganisation(sql, auth.organisationId, async (tx) => {
      const zone = await organisationZone(tx);
      for (const range of ranges) {
        const [row] = await tx<{ starts_at: Date; ends_at: Date }[]>`
          select starts_at, ends_at from appointments
          where status <> 'cancelled' and ${byWorker ? tx`worker_id = ${who.workerId}` : tx`citizen_id = ${who.citizenId}`}
            and tstzrange(starts_at, ends_at) && tstzrange(${range.startsAt}, ${range.endsAt}) limit 1`;
        if (row) return { start: toLocal(row.starts_at, zone), end: toLocal(row.ends_at, zone) };
      }
      return undefined;
    });
    const whose = byWorker ? 'the worker' : 'the citizen';
    const when = found ? `: ${found.start.replace('T', ' ')}–${found.end.slice(11)}` : '';
    return new HttpError(409, 'overlap', `Overlaps another appointment of ${whose}${when}`, found);
  }

  /** Runs a change that may collide with another appointment, turning the collision into an `overlap` refusal. */
  async function refusingOverlap<T>(auth: Auth, who: () => { workerId: string; citizenId: string }, ranges: () => Range[], work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isOverlap(error) && ranges().length > 0) throw await overlapError(auth, error, who(), ranges());
      throw error;
    }
  }

  return {
    /** Books one appointment, or the same time weekly `repeatWeeks` times; all or none. */
    async book(auth: Auth, workerId: string, body: BookBody): Promise<Appointment[]> {
      const minutes = body.durationMinutes ?? DEFAULT_MINUTES;
      let ranges: Range[] = [];
      return refusingOverlap(auth, () => ({ workerId, citizenId: body.citizenId }), () => ranges, () =>
        inOrganisation(sql, auth.organisationId, async (tx) => {
          await assertCaseload(tx, workerId, body.citizenId);
          const zone = await organisationZone(tx);
          const count = body.repeatWeeks ?? 1;
          // The entered time first, as entered (week arithmetic would quietly normalise an impossible date).
          ranges = [resolveStart(body.start, zone, minutes), ...Array.from({ length: count - 1 }, (_, i) => resolveStart(addWeeks(body.start, i + 1), zone, minutes))];
          let seriesId: string | null = null;
          if (count > 1) {
            const [series] = await tx<{ id: string }[]>`insert into appointment_series (organisation_id, weeks) values (${auth.organisationId}, ${count}) returning id`;
            seriesId = series!.id;
          }
          const inserted = await tx<{ id: string }[]>`
            insert into appointments (organisation_id, worker_id, citizen_id, series_id, starts_at, ends_at, modality, staff_note, created_by, attendance_check)
            select ${auth.organisationId}, ${workerId}, ${body.citizenId}, ${seriesId}, s, e, ${body.modality}, ${body.staffNote ?? null}, ${auth.userId},
                   ${(body.attendanceCheck ?? false) && (body.modality === 'phone' || body.modality === 'home_visit')}
            from unnest(${tx.array(ranges.map((r) => r.startsAt.toISOString()))}::timestamptz[], ${tx.array(ranges.map((r) => r.endsAt.toISOString()))}::timestamptz[]) as t(s, e)
            returning id`;
          const ids = inserted.map((r) => r.id);
          await outbox.planAppointments(tx, ids);
          await audit(tx, auth, 'appointment.book', body.citizenId, { count: ids.length });
          return loadAppointments(tx, { ids });
        }));
    },

    /** `days` local days from local midnight of `from`; a "day" is 23 or 25 hours when the clocks change. */
    list(auth: Auth, range: { from: string; days: number; workerId: string | undefined }): Promise<Appointment[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const zone = await organisationZone(tx);
        const { from } = range;
        const dayAfter = (n: number) => new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, Number(from.slice(8, 10)) + n)).toISOString().slice(0, 10);
        const start = fromLocal(`${dayAfter(0)}T00:00`, zone);
        const until = fromLocal(`${dayAfter(range.days)}T00:00`, zone);
        if (!start || !until) throw badRequest('Invalid date');
        const list = await loadAppointments(tx, { workerId: range.workerId, from: start, to: until });
        await audit(tx, auth, 'citizen.list', [...new Set(list.map((a) => a.citizenId))], { via: 'appointments' });
        return list;
      });
    },

    cancel(auth: Auth, appointmentId: string, reason: string): Promise<Appointment> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const current = await ownAppointment(tx, auth, appointmentId);
        if (current.status !== 'booked') throw conflict(`The appointment is already ${current.status}`);
        await tx`update appointments set status = 'cancelled', status_reason = ${reason}, updated_at = now() where id = ${current.id}`;
        await outbox.cancelAppointments(tx, [current.id]);
        await tx`update change_requests set status = 'accepted', decided_at = now(), decided_by = ${auth.userId} where appointment_id = ${current.id} and status = 'open' and kind = 'cancel'`;
        await audit(tx, auth, 'appointment.cancel', current.citizen_id, { appointmentId: current.id });
        return (await loadAppointments(tx, { ids: [current.id] }))[0]!;
      });
    },

    reschedule(auth: Auth, appointmentId: string, change: { start: string; durationMinutes?: number; reason: string }): Promise<Appointment> {
      let range: Range | undefined;
      let who = { workerId: '', citizenId: '' };
      return refusingOverlap(auth, () => who, () => (range ? [range] : []), () =>
        inOrganisation(sql, auth.organisationId, async (tx) => {
          const current = await ownAppointment(tx, auth, appointmentId);
          who = { workerId: current.worker_id, citizenId: current.citizen_id };
          if (current.status !== 'booked') throw conflict(`The appointment is already ${current.status}`);
          const minutes = change.durationMinutes ?? Math.round((current.ends_at.getTime() - current.starts_at.getTime()) / 60_000);
          range = resolveStart(change.start, await organisationZone(tx), minutes);
          await tx`
            update appointments set starts_at = ${range.startsAt}, ends_at = ${range.endsAt}, status_reason = ${change.reason}, updated_at = now()
            where id = ${current.id}`;
          await outbox.replanAppointments(tx, [current.id]);
          await audit(tx, auth, 'appointment.reschedule', current.citizen_id, { appointmentId: current.id });
          return (await loadAppointments(tx, { ids: [current.id] }))[0]!;
        }));
    },

    /** How it went: held, no-show or a technical failure; only once it has begun. */
    setOutcome(auth: Auth, appointmentId: string, outcome: SetStatusBody): Promise<Appointment> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const current = await ownAppointment(tx, auth, appointmentId);
        if (current.status === 'cancelled') throw conflict('The appointment was cancelled');
        if (current.starts_at.getTime() > Date.now()) throw badRequest('The outcome can be set once the appointment has begun');
        await tx`update appointments set status = ${outcome.status}, status_reason = ${outcome.reason ?? null}, updated_at = now() where id = ${current.id}`;
        await outbox.cancelAppointments(tx, [current.id]);
        await audit(tx, auth, 'appointment.outcome', current.citizen_id, { appointmentId: current.id, status: outcome.status });
        return (await loadAppointments(tx, { ids: [current.id] }))[0]!;
      });
    },

    /** The worker's answer to the citizen's request to cancel or to meet another way. */
    decideRequest(auth: Auth, requestId: string, accept: boolean): Promise<Appointment> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [req] = await tx<{ appointment_id: string; kind: string; requested_modality: string | null }[]>`
          select appointment_id, kind, requested_modality from change_requests where id = ${requestId} and status = 'open' for update`;
        if (!req) throw notFound('No such open request');
        const current = await ownAppointment(tx, auth, req.appointment_id);
        await tx`update change_requests set status = ${accept ? 'accepted' : 'declined'}, decided_at = now(), decided_by = ${auth.userId} where id = ${requestId}`;
        if (accept && req.kind === 'cancel') {
          await tx`update appointments set status = 'cancelled', status_reason = 'Cancelled at the citizen’s request', updated_at = now() where id = ${current.id} and status = 'booked'`;
          await outbox.cancelAppointments(tx, [current.id]);
        } else if (accept) {
          await tx`update appointments set modality = ${req.requested_modality}, updated_at = now() where id = ${current.id}`;
        }
        await audit(tx, auth, 'appointment.request_decided', current.citizen_id, { appointmentId: current.id, accepted: accept });
        return (await loadAppointments(tx, { ids: [current.id] }))[0]!;
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    booking: BookingStore;
  }
}
