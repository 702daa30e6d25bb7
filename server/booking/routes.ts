import { Type } from '@sinclair/typebox';
import type { Sql } from 'postgres';
import {
  Appointment, AppointmentListQuery, AppointmentParams, BookBody, CancelBody, DecideBody, RequestParams, RescheduleBody, SetStatusBody,
} from '../../protocol/api.js';
import { audit } from '../audit/audit.js';
import type { Auth } from '../auth/session.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../http/errors.js';
import type { App, FeatureDeps } from '../http/types.js';
import { cancelAppointmentReminders, planAppointmentReminders } from '../reminders/plan.js';
import { loadAppointments, organisationZone } from './store.js';
import { addWeeks, fromLocal, toLocal } from './time.js';

const DEFAULT_MINUTES = 20;
const staff = { roles: ['worker', 'coordinator'] as const };

/** Local start → instants, refusing times that do not exist or lie in the past. */
function resolveStart(local: string, zone: string, minutes: number): { startsAt: Date; endsAt: Date } {
  const startsAt = fromLocal(local, zone);
  if (!startsAt) throw badRequest(`${local.replace('T', ' ')} does not exist in ${zone} (the clocks skip that hour)`);
  if (startsAt.getTime() < Date.now()) throw badRequest('The appointment would start in the past');
  return { startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000) };
}

/** An exclusion-constraint violation, explained with the time of the appointment it collides with. */
async function overlapMessage(sql: Sql, auth: Auth, error: { constraint_name?: string }, who: { workerId: string; citizenId: string }, ranges: { startsAt: Date; endsAt: Date }[]): Promise<HttpError> {
  const byWorker = error.constraint_name === 'appointments_worker_no_overlap';
  const found = await inOrganisation(sql, auth.organisationId, async (tx) => {
    const zone = await organisationZone(tx);
    for (const range of ranges) {
      const [row] = await tx<{ starts_at: Date; ends_at: Date }[]>`
        select starts_at, ends_at from appointments
        where status <> 'cancelled' and ${byWorker ? tx`worker_id = ${who.workerId}` : tx`citizen_id = ${who.citizenId}`}
          and tstzrange(starts_at, ends_at) && tstzrange(${range.startsAt}, ${range.endsAt}) limit 1`;
      if (row) return `${toLocal(row.starts_at, zone).replace('T', ' ')}–${toLocal(row.ends_at, zone).slice(11)}`;
    }
    return undefined;
  });
  const whose = byWorker ? 'the worker' : 'the citizen';
  return new HttpError(409, 'overlap', found ? `Overlaps another appointment of ${whose}: ${found}` : `Overlaps another appointment of ${whose}`);
}

const isOverlap = (error: unknown): error is { code: string; constraint_name?: string } => (error as { code?: string }).code === '23P01';

async function assertCaseload(tx: Tx, workerId: string, citizenId: string): Promise<void> {
  const [row] = await tx`
    select 1 from caseloads c join users u on u.id = c.citizen_id and u.active
    where c.worker_id = ${workerId} and c.citizen_id = ${citizenId}`;
  if (!row) throw notFound('No such citizen in this worker’s caseload');
}

/** The appointment if this staff member may change it: its worker, or any coordinator. */
async function ownAppointment(tx: Tx, auth: Auth, id: string, forUpdate = true) {
  const [row] = await tx<{ id: string; worker_id: string; citizen_id: string; status: string; starts_at: Date; ends_at: Date }[]>`
    select id, worker_id, citizen_id, status, starts_at, ends_at from appointments where id = ${id} ${forUpdate ? tx`for update` : tx``}`;
  if (!row || (auth.role === 'worker' && row.worker_id !== auth.userId)) throw notFound('No such appointment');
  return row;
}

export function bookingRoutes(app: App, { sql }: FeatureDeps): void {
  app.post('/api/appointments', { config: staff, schema: { tags: ['booking'], body: BookBody, response: { 201: Type.Array(Appointment) } } }, async (request, reply) => {
    const auth = request.auth!;
    const body = request.body;
    if (auth.role === 'worker' && body.workerId !== undefined && body.workerId !== auth.userId) throw forbidden('Workers book their own appointments');
    const workerId = body.workerId ?? auth.userId;
    if (auth.role === 'coordinator' && body.workerId === undefined) throw badRequest('Say which worker the appointment is with (workerId)');
    const minutes = body.durationMinutes ?? DEFAULT_MINUTES;
    let ranges: { startsAt: Date; endsAt: Date }[] = [];
    try {
      const booked = await inOrganisation(sql, auth.organisationId, async (tx) => {
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
          insert into appointments (organisation_id, worker_id, citizen_id, series_id, starts_at, ends_at, modality, staff_note, created_by)
          select ${auth.organisationId}, ${workerId}, ${body.citizenId}, ${seriesId}, s, e, ${body.modality}, ${body.staffNote ?? null}, ${auth.userId}
          from unnest(${tx.array(ranges.map((r) => r.startsAt.toISOString()))}::timestamptz[], ${tx.array(ranges.map((r) => r.endsAt.toISOString()))}::timestamptz[]) as t(s, e)
          returning id`;
        const ids = inserted.map((r) => r.id);
        await planAppointmentReminders(tx, ids);
        await audit(tx, auth, 'appointment.book', body.citizenId, { count: ids.length });
        return loadAppointments(tx, { ids });
      });
      return reply.code(201).send(booked);
    } catch (error) {
      if (isOverlap(error)) throw await overlapMessage(sql, auth, error, { workerId, citizenId: body.citizenId }, ranges);
      throw error;
    }
  });

  app.get('/api/appointments', { config: staff, schema: { tags: ['booking'], querystring: AppointmentListQuery, response: { 200: Type.Array(Appointment) } } }, async (request) => {
    const auth = request.auth!;
    const { from, days, workerId } = request.query;
    if (auth.role === 'worker' && workerId !== undefined && workerId !== auth.userId) throw forbidden('Workers see their own calendar');
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      const zone = await organisationZone(tx);
      const dayAfter = (n: number) => new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, Number(from.slice(8, 10)) + n)).toISOString().slice(0, 10);
      // Local midnights: a "day" is 23 or 25 hours on the days the clocks change.
      const start = fromLocal(`${dayAfter(0)}T00:00`, zone);
      const until = fromLocal(`${dayAfter(Number(days ?? 1))}T00:00`, zone);
      if (!start || !until) throw badRequest('Invalid date');
      const list = await loadAppointments(tx, { workerId: workerId ?? (auth.role === 'worker' ? auth.userId : undefined), from: start, to: until });
      await audit(tx, auth, 'citizen.list', [...new Set(list.map((a) => a.citizenId))], { via: 'appointments' });
      return list;
    });
  });

  app.post('/api/appointments/:appointmentId/cancel', { config: staff, schema: { tags: ['booking'], params: AppointmentParams, body: CancelBody, response: { 200: Appointment } } }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      const current = await ownAppointment(tx, auth, request.params.appointmentId);
      if (current.status !== 'booked') throw conflict(`The appointment is already ${current.status}`);
      await tx`update appointments set status = 'cancelled', status_reason = ${request.body.reason}, updated_at = now() where id = ${current.id}`;
      await cancelAppointmentReminders(tx, [current.id]);
      await tx`update change_requests set status = 'accepted', decided_at = now(), decided_by = ${auth.userId} where appointment_id = ${current.id} and status = 'open' and kind = 'cancel'`;
      await audit(tx, auth, 'appointment.cancel', current.citizen_id, { appointmentId: current.id });
      return (await loadAppointments(tx, { ids: [current.id] }))[0]!;
    });
  });

  app.post('/api/appointments/:appointmentId/reschedule', { config: staff, schema: { tags: ['booking'], params: AppointmentParams, body: RescheduleBody, response: { 200: Appointment } } }, async (request) => {
    const auth = request.auth!;
    let range: { startsAt: Date; endsAt: Date } | undefined;
    let who = { workerId: '', citizenId: '' };
    try {
      return await inOrganisation(sql, auth.organisationId, async (tx) => {
        const current = await ownAppointment(tx, auth, request.params.appointmentId);
        who = { workerId: current.worker_id, citizenId: current.citizen_id };
        if (current.status !== 'booked') throw conflict(`The appointment is already ${current.status}`);
        const minutes = request.body.durationMinutes ?? Math.round((current.ends_at.getTime() - current.starts_at.getTime()) / 60_000);
        range = resolveStart(request.body.start, await organisationZone(tx), minutes);
        await tx`
          update appointments set starts_at = ${range.startsAt}, ends_at = ${range.endsAt}, status_reason = ${request.body.reason}, updated_at = now()
          where id = ${current.id}`;
        await cancelAppointmentReminders(tx, [current.id]);
        await planAppointmentReminders(tx, [current.id]);
        await audit(tx, auth, 'appointment.reschedule', current.citizen_id, { appointmentId: current.id });
        return (await loadAppointments(tx, { ids: [current.id] }))[0]!;
      });
    } catch (error) {
      if (isOverlap(error) && range) throw await overlapMessage(sql, auth, error, who, [range]);
      throw error;
    }
  });

  app.post('/api/appointments/:appointmentId/status', { config: staff, schema: { tags: ['booking'], params: AppointmentParams, body: SetStatusBody, response: { 200: Appointment } } }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      const current = await ownAppointment(tx, auth, request.params.appointmentId);
      if (current.status === 'cancelled') throw conflict('The appointment was cancelled');
      if (current.starts_at.getTime() > Date.now()) throw badRequest('The outcome can be set once the appointment has begun');
      await tx`update appointments set status = ${request.body.status}, status_reason = ${request.body.reason ?? null}, updated_at = now() where id = ${current.id}`;
      await cancelAppointmentReminders(tx, [current.id]);
      await audit(tx, auth, 'appointment.outcome', current.citizen_id, { appointmentId: current.id, status: request.body.status });
      return (await loadAppointments(tx, { ids: [current.id] }))[0]!;
    });
  });

  /** The worker decides on the citizen's request to cancel or to change how they meet. */
  app.post('/api/change-requests/:requestId/decide', { config: staff, schema: { tags: ['booking'], params: RequestParams, body: DecideBody, response: { 200: Appointment } } }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      const [req] = await tx<{ appointment_id: string; kind: string; requested_modality: string | null }[]>`
        select appointment_id, kind, requested_modality from change_requests where id = ${request.params.requestId} and status = 'open' for update`;
      if (!req) throw notFound('No such open request');
      const current = await ownAppointment(tx, auth, req.appointment_id);
      await tx`update change_requests set status = ${request.body.accept ? 'accepted' : 'declined'}, decided_at = now(), decided_by = ${auth.userId} where id = ${request.params.requestId}`;
      if (request.body.accept && req.kind === 'cancel') {
        await tx`update appointments set status = 'cancelled', status_reason = 'Cancelled at the citizen’s request', updated_at = now() where id = ${current.id} and status = 'booked'`;
        await cancelAppointmentReminders(tx, [current.id]);
      } else if (request.body.accept) {
        await tx`update appointments set modality = ${req.requested_modality}, updated_at = now() where id = ${current.id}`;
      }
      await audit(tx, auth, 'appointment.request_decided', current.citizen_id, { appointmentId: current.id, accepted: request.body.accept });
      return (await loadAppointments(tx, { ids: [current.id] }))[0]!;
    });
  });
}
