import { Type } from '@sinclair/typebox';
import {
  AppointmentParams, ChangeRequestBody, CitizenSettings, IdParams, MedicationSchedule, MedicationScheduleBody, MyAppointment,
  ScheduleParams, UpdateSettingsBody, type Modality,
} from '../../protocol/api.js';
import { audit } from '../audit/audit.js';
import type { Auth } from '../auth/session.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { App, FeatureDeps } from '../http/types.js';
import { assertCitizenAccess } from '../people/access.js';
import { MEDICATION_PLAN_HOURS, replanCitizenReminders } from '../reminders/plan.js';
import { appointmentIcs } from '../calendar/ics.js';
import { danishDateTime, toLocal } from '../time.js';

const citizen = { roles: ['citizen'] as const };
const staff = { roles: ['worker', 'coordinator'] as const };

interface SettingsRow {
  preferred_modality: CitizenSettings['preferredModality'];
  sms_reminders: boolean;
  email_reminders: boolean;
  reminders_at_night: boolean;
  consent_recorded_at: Date | null;
}

async function readSettings(tx: Tx, citizenId: string): Promise<CitizenSettings> {
  const [row] = await tx<SettingsRow[]>`select * from citizen_settings where citizen_id = ${citizenId}`;
  return {
    preferredModality: row?.preferred_modality ?? null,
    smsReminders: row?.sms_reminders ?? false,
    emailReminders: row?.email_reminders ?? false,
    remindersAtNight: row?.reminders_at_night ?? false,
    consentRecordedAt: row?.consent_recorded_at?.toISOString() ?? null,
  };
}

/**
 * Saves the citizen's choices. Turning a reminder channel on records consent (who, when); a change of reminder
 * choices applies at once to what is pending (see replanCitizenReminders).
 */
async function writeSettings(tx: Tx, auth: Auth, citizenId: string, change: UpdateSettingsBody): Promise<CitizenSettings> {
  const current = await readSettings(tx, citizenId);
  const next = { ...current, ...change };
  const [contact] = await tx<{ phone: string | null; email: string | null }[]>`select phone, email from users where id = ${citizenId}`;
  if (next.smsReminders && !contact?.phone) throw badRequest('Add a mobile number before choosing SMS reminders');
  if (next.emailReminders && !contact?.email) throw badRequest('Add an e-mail address before choosing e-mail reminders');
  const consenting = (next.smsReminders && !current.smsReminders) || (next.emailReminders && !current.emailReminders);
  await tx`
    insert into citizen_settings (citizen_id, organisation_id, preferred_modality, sms_reminders, email_reminders, reminders_at_night, consent_recorded_at, consent_recorded_by)
    values (${citizenId}, ${auth.organisationId}, ${next.preferredModality}, ${next.smsReminders}, ${next.emailReminders}, ${next.remindersAtNight},
            ${consenting ? new Date() : current.consentRecordedAt}, ${consenting ? auth.userId : null})
    on conflict (citizen_id) do update set
      preferred_modality = excluded.preferred_modality, sms_reminders = excluded.sms_reminders, email_reminders = excluded.email_reminders,
      reminders_at_night = excluded.reminders_at_night,
      consent_recorded_at = coalesce(excluded.consent_recorded_at, citizen_settings.consent_recorded_at),
      consent_recorded_by = coalesce(excluded.consent_recorded_by, citizen_settings.consent_recorded_by),
      updated_at = now()`;
  // Only a change of channel (consent) or of night-time sending affects reminders; the preferred modality does not.
  const remindersAffected = (['smsReminders', 'emailReminders', 'remindersAtNight'] as const).some((k) => next[k] !== current[k]);
  if (remindersAffected) await replanCitizenReminders(tx, citizenId);
  return readSettings(tx, citizenId);
}

export function citizenBookingRoutes(app: App, { sql, config }: FeatureDeps): void {
  app.get('/api/my/appointments', { config: citizen, schema: { tags: ['booking'], response: { 200: Type.Array(MyAppointment) } } }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      const rows = await tx<{ id: string; starts_at: Date; ends_at: Date; modality: Modality; worker_name: string; time_zone: string; pending: string | null }[]>`
        select a.id, a.starts_at, a.ends_at, a.modality, w.display_name as worker_name, o.time_zone,
               (select c.kind from change_requests c where c.appointment_id = a.id and c.status = 'open') as pending
        from appointments a join users w on w.id = a.worker_id join organisations o on o.id = a.organisation_id
        where a.citizen_id = ${auth.userId} and a.status = 'booked' and a.ends_at > now()
        order by a.starts_at limit 50`;
      return rows.map((r) => ({
        id: r.id, start: toLocal(r.starts_at, r.time_zone), end: toLocal(r.ends_at, r.time_zone), whenText: danishDateTime(r.starts_at, r.time_zone),
        modality: r.modality, workerName: r.worker_name, pendingRequest: r.pending,
      }));
    });
  });

  /** "I'd rather have a home visit" / "I can't come": the worker is told and decides. */
  app.post('/api/my/appointments/:appointmentId/requests', { config: citizen, schema: { tags: ['booking'], params: AppointmentParams, body: ChangeRequestBody, response: { 201: Type.Object({ id: Type.String() }) } } }, async (request, reply) => {
    const auth = request.auth!;
    const { kind, modality } = request.body;
    if (kind === 'modality' && !modality) throw badRequest('Say which kind of meeting you would like');
    if (kind === 'cancel' && modality) throw badRequest('A cancellation has no modality');
    const created = await inOrganisation(sql, auth.organisationId, async (tx) => {
      const [appointment] = await tx<{ id: string }[]>`
        select id from appointments where id = ${request.params.appointmentId} and citizen_id = ${auth.userId} and status = 'booked' and ends_at > now()`;
      if (!appointment) throw notFound('No such appointment');
      const [row] = await tx<{ id: string }[]>`
        insert into change_requests (organisation_id, appointment_id, kind, requested_modality)
        values (${auth.organisationId}, ${appointment.id}, ${kind}, ${modality ?? null})
        on conflict (appointment_id) where status = 'open' do nothing returning id`;
      if (!row) throw conflict('You have already asked for a change to this appointment');
      return row;
    });
    return reply.code(201).send(created);
  });

  app.get('/api/my/appointments/:appointmentId/ics', { config: citizen, schema: { tags: ['booking'], params: AppointmentParams } }, async (request, reply) => {
    const auth = request.auth!;
    const ics = await inOrganisation(sql, auth.organisationId, async (tx) => {
      const [row] = await tx<{ id: string; starts_at: Date; ends_at: Date; updated_at: Date }[]>`
        select id, starts_at, ends_at, updated_at from appointments where id = ${request.params.appointmentId} and citizen_id = ${auth.userId} and status = 'booked'`;
      if (!row) throw notFound('No such appointment');
      return appointmentIcs([{ ...row, title: 'Aftale' }], config.publicUrl.hostname);
    });
    return reply.header('content-type', 'text/calendar; charset=utf-8').header('content-disposition', 'attachment; filename="aftale.ics"').send(ics);
  });

  app.get('/api/my/settings', { config: citizen, schema: { tags: ['booking'], response: { 200: CitizenSettings } } }, async (request) =>
    inOrganisation(sql, request.auth!.organisationId, (tx) => readSettings(tx, request.auth!.userId)));

  app.put('/api/my/settings', { config: citizen, schema: { tags: ['booking'], body: UpdateSettingsBody, response: { 200: CitizenSettings } } }, async (request) =>
    inOrganisation(sql, request.auth!.organisationId, (tx) => writeSettings(tx, request.auth!, request.auth!.userId, request.body)));

  app.get('/api/citizens/:citizenId/settings', { config: staff, schema: { tags: ['booking'], params: IdParams.citizen, response: { 200: CitizenSettings } } }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      await assertCitizenAccess(tx, auth, request.params.citizenId);
      await audit(tx, auth, 'citizen.read', request.params.citizenId, { what: 'settings' });
      return readSettings(tx, request.params.citizenId);
    });
  });

  app.put('/api/citizens/:citizenId/settings', { config: staff, schema: { tags: ['booking'], params: IdParams.citizen, body: UpdateSettingsBody, response: { 200: CitizenSettings } } }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      await assertCitizenAccess(tx, auth, request.params.citizenId);
      await audit(tx, auth, 'citizen.update', request.params.citizenId, { what: 'settings' });
      return writeSettings(tx, auth, request.params.citizenId, request.body);
    });
  });

  app.get('/api/citizens/:citizenId/medication-schedules', { config: staff, schema: { tags: ['booking'], params: IdParams.citizen, response: { 200: Type.Array(MedicationSchedule) } } }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      await assertCitizenAccess(tx, auth, request.params.citizenId);
      await audit(tx, auth, 'citizen.read', request.params.citizenId, { what: 'medication_schedules' });
      return tx<MedicationSchedule[]>`
        select id, array(select to_char(t, 'HH24:MI') from unnest(times_of_day) t) as "timesOfDay", weekdays, wording, active
        from medication_schedules where citizen_id = ${request.params.citizenId} order by created_at`;
    });
  });

  app.post('/api/citizens/:citizenId/medication-schedules', { config: staff, schema: { tags: ['booking'], params: IdParams.citizen, body: MedicationScheduleBody, response: { 201: MedicationSchedule } } }, async (request, reply) => {
    const auth = request.auth!;
    const body = request.body;
    const created = await inOrganisation(sql, auth.organisationId, async (tx) => {
      await assertCitizenAccess(tx, auth, request.params.citizenId);
      const [row] = await tx<MedicationSchedule[]>`
        insert into medication_schedules (organisation_id, citizen_id, times_of_day, weekdays, wording, created_by)
        values (${auth.organisationId}, ${request.params.citizenId}, ${tx.array(body.timesOfDay)}::time[], ${tx.array(body.weekdays)}::int[], ${body.wording.trim()}, ${auth.userId})
        returning id, array(select to_char(t, 'HH24:MI') from unnest(times_of_day) t) as "timesOfDay", weekdays, wording, active`;
      // planned now, not at the dispatcher's next round: the first dose may be minutes away
      await tx`select plan_medication_reminders(now(), now() + ${MEDICATION_PLAN_HOURS} * interval '1 hour', ${request.params.citizenId}::uuid)`;
      await audit(tx, auth, 'citizen.update', request.params.citizenId, { what: 'medication_schedule' });
      return row!;
    });
    return reply.code(201).send(created);
  });

  app.post('/api/citizens/:citizenId/medication-schedules/:scheduleId/deactivate', { config: staff, schema: { tags: ['booking'], params: ScheduleParams, response: { 204: Type.Null() } } }, async (request, reply) => {
    const auth = request.auth!;
    await inOrganisation(sql, auth.organisationId, async (tx) => {
      await assertCitizenAccess(tx, auth, request.params.citizenId);
      const done = await tx`update medication_schedules set active = false where id = ${request.params.scheduleId} and citizen_id = ${request.params.citizenId} returning id`;
      if (done.length === 0) throw notFound('No such schedule');
      await tx`update reminders set status = 'cancelled' where medication_schedule_id = ${request.params.scheduleId} and status = 'pending'`;
      await audit(tx, auth, 'citizen.update', request.params.citizenId, { what: 'medication_schedule' });
    });
    return reply.code(204).send(null);
  });
}
