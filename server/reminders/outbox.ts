/**
 * The reminder outbox: the one place that plans, cancels and re-plans reminders of every kind. Features call these
 * inside their own transaction, so an appointment and its reminders change together or not at all.
 */
import type { Tx } from '../db/database.js';
import { cancelAppointmentReminders, planAppointmentReminders, replanCitizenReminders } from './plan.js';

export const outbox = {
  /** Reminders for newly booked appointments, by the organisation's offsets and the citizen's consent. */
  planAppointments: (tx: Tx, appointmentIds: readonly string[]) => planAppointmentReminders(tx, appointmentIds),
  /** The appointments are cancelled, closed or moved: their pending reminders will not be sent. */
  cancelAppointments: (tx: Tx, appointmentIds: readonly string[]) => cancelAppointmentReminders(tx, appointmentIds),
  /** An appointment moved: cancel what was planned and plan again for the new time. */
  replanAppointments: async (tx: Tx, appointmentIds: readonly string[]) => {
    await cancelAppointmentReminders(tx, appointmentIds);
    await planAppointmentReminders(tx, appointmentIds);
  },
  /** The citizen's consent or contact details changed: everything pending for them is planned again. */
  replanCitizen: (tx: Tx, citizenId: string) => replanCitizenReminders(tx, citizenId),
};
