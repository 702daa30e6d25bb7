import type { Appointment, Modality } from '../../protocol/api.js';
import type { Tx } from '../db/database.js';
import { toLocal } from './time.js';

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
  reminders: { channel: string; due_at: string; status: string; attempts: number; last_error: string | null }[] | null;
  open_request: { id: string; kind: string; requested_modality: string | null } | null;
}

/** Appointments as staff see them, with reminder states and any open change request from the citizen. */
export async function loadAppointments(tx: Tx, where: { ids?: readonly string[]; workerId?: string; from?: Date; to?: Date }): Promise<Appointment[]> {
  const rows = await tx<Row[]>`
    select a.id, a.citizen_id, u.display_name as citizen_name, a.worker_id, a.series_id, a.starts_at, a.ends_at, a.modality,
           a.status, a.status_reason, a.staff_note, s.preferred_modality as preference, o.time_zone,
           (select json_agg(json_build_object('channel', r.channel, 'due_at', r.due_at, 'status', r.status, 'attempts', r.attempts, 'last_error', r.last_error) order by r.due_at)
              from reminders r where r.appointment_id = a.id and r.status <> 'cancelled') as reminders,
           (select json_build_object('id', c.id, 'kind', c.kind, 'requested_modality', c.requested_modality)
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
    openRequest: r.open_request ? { id: r.open_request.id, kind: r.open_request.kind, requestedModality: r.open_request.requested_modality } : null,
  }));
}

export async function organisationZone(tx: Tx): Promise<string> {
  const [row] = await tx<{ time_zone: string }[]>`select time_zone from organisations`;
  return row!.time_zone;
}
