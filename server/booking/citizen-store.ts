/**
 * The citizen's side of booking in the database: their own upcoming appointments and their requests to cancel or to
 * meet another way. Every query is limited to the signed-in citizen's own appointments.
 */
import type { Sql } from 'postgres';
import type { ChangeRequestBody, Modality, MyAppointment } from '../../protocol/booking.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation } from '../db/database.js';
import { conflict, notFound } from '../http/errors.js';
import { danishDateTime, toLocal } from '../time.js';

export type CitizenBookingStore = ReturnType<typeof citizenBookingStore>;

export function citizenBookingStore(sql: Sql) {
  return {
    /**
     * The citizen's booked appointments that have not ended, soonest first, with any request still open. One may be
     * changed (can_change) until it begins or its worker opens its video session: then the citizen should join, and
     * once that session has ended it is over.
     */
    myAppointments(auth: Auth): Promise<MyAppointment[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<{ id: string; starts_at: Date; ends_at: Date; modality: Modality; worker_name: string; time_zone: string; pending: MyAppointment['pendingRequest']; can_change: boolean }[]>`
          select a.id, a.starts_at, a.ends_at, a.modality, w.display_name as worker_name, o.time_zone,
                 (select c.kind from change_requests c where c.appointment_id = a.id and c.status = 'open') as pending,
                 (a.starts_at > now() and not exists (select 1 from call_sessions s where s.appointment_id = a.id)) as can_change
          from appointments a join users w on w.id = a.worker_id join organisations o on o.id = a.organisation_id
          where a.citizen_id = ${auth.userId} and a.status = 'booked' and a.ends_at > now()
            -- Times with a volunteer are on the citizen's volunteer card (server/volunteer-times/), by the chosen name.
            and not exists (select 1 from volunteer_profiles v where v.volunteer_id = a.worker_id)
          order by a.starts_at limit 50`;
        return rows.map((r) => ({
          id: r.id, start: toLocal(r.starts_at, r.time_zone), end: toLocal(r.ends_at, r.time_zone), whenText: danishDateTime(r.starts_at, r.time_zone),
          modality: r.modality, workerName: r.worker_name, pendingRequest: r.pending, canChange: r.can_change,
        }));
      });
    },

    /** Records the citizen's request on one of their coming appointments; one open request per appointment. */
    requestChange(auth: Auth, appointmentId: string, request: ChangeRequestBody): Promise<{ id: string }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [appointment] = await tx<{ id: string; can_change: boolean }[]>`
          select a.id, (a.starts_at > now() and not exists (select 1 from call_sessions s where s.appointment_id = a.id)) as can_change from appointments a
          where a.id = ${appointmentId} and a.citizen_id = ${auth.userId} and a.status = 'booked' and a.ends_at > now()`;
        if (!appointment) throw notFound('No such appointment');
        if (!appointment.can_change) throw conflict('This appointment has begun: it can no longer be changed');
        const [row] = await tx<{ id: string }[]>`
          insert into change_requests (organisation_id, appointment_id, kind, requested_modality)
          values (${auth.organisationId}, ${appointment.id}, ${request.kind}, ${request.modality ?? null})
          on conflict (appointment_id) where status = 'open' do nothing returning id`;
        if (!row) throw conflict('You have already asked for a change to this appointment');
        return row;
      });
    },

    /**
     * Takes back the citizen's open request on one of their appointments ("Fortryd"): it is then no longer open, so
     * the worker does not see it, and the citizen may ask again. Nothing open to take back is a 404.
     */
    withdrawRequest(auth: Auth, appointmentId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const withdrawn = await tx`
          update change_requests c set status = 'withdrawn', decided_at = now(), decided_by = ${auth.userId}
          from appointments a
          where c.appointment_id = a.id and a.id = ${appointmentId} and a.citizen_id = ${auth.userId} and c.status = 'open'`;
        if (withdrawn.count === 0) throw notFound('There is no open request on this appointment');
      });
    },

    /** One of the citizen's booked appointments, as a calendar event needs it. */
    myBookedAppointment(auth: Auth, appointmentId: string): Promise<{ id: string; starts_at: Date; ends_at: Date; updated_at: Date }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<{ id: string; starts_at: Date; ends_at: Date; updated_at: Date }[]>`
          select id, starts_at, ends_at, updated_at from appointments where id = ${appointmentId} and citizen_id = ${auth.userId} and status = 'booked'`;
        if (!row) throw notFound('No such appointment');
        return row;
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    citizenBooking: CitizenBookingStore;
  }
}
