/**
 * Medication schedules in the database: which times on which weekdays a citizen is reminded, in the words agreed.
 * Their reminders are planned and cancelled by the outbox, in the same transaction as the schedule's change.
 */
import type { Sql } from 'postgres';
import type { MedicationSchedule, MedicationScheduleBody } from '../../protocol/reminders.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation } from '../db/database.js';
import { notFound } from '../http/errors.js';
import { assertCitizenAccess } from '../people/store.js';
import { outbox } from './outbox.js';

export type MedicationStore = ReturnType<typeof medicationStore>;

export function medicationStore(sql: Sql) {
  return {
    schedules(auth: Auth, citizenId: string): Promise<MedicationSchedule[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        await audit(tx, auth, 'citizen.read', citizenId, { what: 'medication_schedules' });
        return tx<MedicationSchedule[]>`
          select id, array(select to_char(t, 'HH24:MI') from unnest(times_of_day) t) as "timesOfDay", weekdays, wording, active
          from medication_schedules where citizen_id = ${citizenId} order by created_at`;
      });
    },

    add(auth: Auth, citizenId: string, schedule: MedicationScheduleBody): Promise<MedicationSchedule> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        const [row] = await tx<MedicationSchedule[]>`
          insert into medication_schedules (organisation_id, citizen_id, times_of_day, weekdays, wording, created_by)
          values (${auth.organisationId}, ${citizenId}, ${tx.array(schedule.timesOfDay)}::time[], ${tx.array(schedule.weekdays)}::int[], ${schedule.wording.trim()}, ${auth.userId})
          returning id, array(select to_char(t, 'HH24:MI') from unnest(times_of_day) t) as "timesOfDay", weekdays, wording, active`;
        // planned now, not at the dispatcher's next round: the first dose may be minutes away
        await outbox.planMedication(tx, citizenId);
        await audit(tx, auth, 'citizen.update', citizenId, { what: 'medication_schedule' });
        return row!;
      });
    },

    /** Stops a schedule; its pending reminders are not sent. */
    deactivate(auth: Auth, citizenId: string, scheduleId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        const done = await tx`update medication_schedules set active = false where id = ${scheduleId} and citizen_id = ${citizenId} returning id`;
        if (done.length === 0) throw notFound('No such schedule');
        await outbox.cancelMedicationSchedule(tx, scheduleId);
        await audit(tx, auth, 'citizen.update', citizenId, { what: 'medication_schedule' });
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    medication: MedicationStore;
  }
}
