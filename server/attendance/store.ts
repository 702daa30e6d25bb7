/**
 * The morning attendance check in the database (issue 11, migration 017): where each check of a day stands, switching
 * a check on or off, and the citizen's answer by SMS. The SMS itself is planned only by the reminder outbox
 * (reminders/outbox.ts); the answer's consequences (a cancel request, a switch to video with its reminders planned
 * again) happen in the answer's one transaction.
 */
import type { Sql } from 'postgres';
import type { AttendanceCheck, AttendanceState } from '../../protocol/attendance.js';
import type { Modality } from '../../protocol/common.js';
import { audit, type AuditActor } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { outbox } from '../reminders/outbox.js';
import { fromLocal, toLocal } from '../time.js';

/** What the citizen answered: JA, VIDEO or NEJ (in any of the three languages), or something else. */
export type AttendanceAnswer = 'yes' | 'video' | 'no' | 'unclear';

const WORDS: Record<string, Exclude<AttendanceAnswer, 'unclear'>> = {
  JA: 'yes', YES: 'yes', OK: 'yes', VIDEO: 'video', NEJ: 'no', NO: 'no', NEI: 'no',
};

/**
 * The answer in an SMS: its first word, whatever the case and punctuation ("ja tak", "Nej!", "video"). Anything else
 * is unclear, and the worker reads it.
 */
export function readAnswer(message: string): AttendanceAnswer {
  const first = /^\p{L}+/u.exec(message.trim().normalize('NFC'))?.[0]?.toUpperCase();
  return (first && WORDS[first]) || 'unclear';
}

interface Row {
  id: string;
  citizen_id: string;
  citizen_name: string;
  starts_at: Date;
  modality: Modality;
  time_zone: string;
  check_status: 'pending' | 'sent' | 'failed' | 'cancelled' | null;
  due_at: Date | null;
  sent_at: Date | null;
  answer: AttendanceAnswer | null;
  reply_text: string | null;
}

const STATE_OF_ANSWER: Record<AttendanceAnswer, AttendanceState> = { yes: 'confirmed', video: 'video', no: 'cancel_requested', unclear: 'unclear' };

function toCheck(r: Row): AttendanceCheck {
  const state: AttendanceState = r.answer ? STATE_OF_ANSWER[r.answer]
    : r.check_status === 'pending' ? 'planned' : r.check_status === 'sent' ? 'unanswered' : 'not_sent';
  const checkAt = r.check_status === 'sent' ? r.sent_at : r.check_status === 'pending' ? r.due_at : null;
  return {
    appointmentId: r.id, citizenId: r.citizen_id, citizenName: r.citizen_name, start: toLocal(r.starts_at, r.time_zone),
    modality: r.modality, state, replyText: r.reply_text, checkAt: checkAt ? checkAt.toISOString() : null,
  };
}

/** Appointments with a check (or that had one: a switch to video keeps its answer), with the check's newest row. */
function loadChecks(tx: Tx, where: { ids?: readonly string[]; workerId?: string; from?: Date; to?: Date }): Promise<Row[]> {
  return tx<Row[]>`
    select a.id, a.citizen_id, u.display_name as citizen_name, a.starts_at, a.modality, o.time_zone,
           r.status as check_status, r.due_at, r.sent_at, x.answer, x.reply_text
    from appointments a
    join users u on u.id = a.citizen_id
    join organisations o on o.id = a.organisation_id
    left join lateral (
      select r.id, r.status, r.due_at, r.sent_at from reminders r
      where r.appointment_id = a.id and r.kind = 'attendance_check'
      order by (r.status = 'sent') desc, (r.status = 'pending') desc, r.created_at desc limit 1
    ) r on true
    left join attendance_replies x on x.reminder_id = r.id
    where (a.attendance_check or r.id is not null)
      and (${where.ids ? tx.array(where.ids as string[]) : null}::uuid[] is null or a.id = any(${where.ids ? tx.array(where.ids as string[]) : null}::uuid[]))
      and (${where.workerId ?? null}::uuid is null or a.worker_id = ${where.workerId ?? null})
      and (${where.from ?? null}::timestamptz is null or a.starts_at >= ${where.from ?? null})
      and (${where.to ?? null}::timestamptz is null or a.starts_at < ${where.to ?? null})
    order by a.starts_at, a.id`;
}

/** The webhook acts for no person: its audit rows name the gateway. */
const gateway = (organisationId: string): AuditActor => ({ organisationId, userId: null, role: 'sms_gateway' });

export type AttendanceStore = ReturnType<typeof attendanceStore>;

export function attendanceStore(sql: Sql) {
  return {
    /** The caller's own appointments of one local day that carry a check, each with where it stands. */
    day(auth: Auth, day: string): Promise<AttendanceCheck[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [org] = await tx<{ time_zone: string }[]>`select time_zone from organisations`;
        const zone = org!.time_zone;
        const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        const from = fromLocal(`${day}T00:00`, zone);
        const to = fromLocal(`${next}T00:00`, zone);
        if (!from || !to) throw badRequest('Invalid date');
        const rows = await loadChecks(tx, { workerId: auth.userId, from, to });
        await audit(tx, auth, 'citizen.list', [...new Set(rows.map((r) => r.citizen_id))], { via: 'attendance_checks' });
        return rows.map(toCheck);
      });
    },

    /** Switches an appointment's morning check on (planned at once by the outbox) or off (a pending one is not sent). */
    set(auth: Auth, appointmentId: string, on: boolean): Promise<AttendanceCheck> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [a] = await tx<{ id: string; worker_id: string; citizen_id: string; status: string; modality: Modality }[]>`
          select id, worker_id, citizen_id, status, modality from appointments where id = ${appointmentId} for update`;
        if (!a || (auth.role === 'worker' && a.worker_id !== auth.userId)) throw notFound('No such appointment');
        if (a.status !== 'booked') throw conflict(`The appointment is already ${a.status}`);
        if (on && a.modality !== 'phone' && a.modality !== 'home_visit') throw badRequest('Only home visits and phone appointments have a morning check');
        await tx`update appointments set attendance_check = ${on}, updated_at = now() where id = ${a.id}`;
        if (on) await outbox.planAttendanceChecks(tx, [a.id]);
        else await outbox.cancelAttendanceCheck(tx, a.id);
        await audit(tx, auth, 'appointment.attendance_check', a.citizen_id, { appointmentId: a.id, on });
        const [row] = await loadChecks(tx, { ids: [a.id] });
        // Switched off before anything was sent: it stands as "not sent" for the screen.
        return row ? toCheck(row) : toCheck({ ...(await loadBare(tx, a.id)), check_status: null, due_at: null, sent_at: null, answer: null, reply_text: null });
      });
    },

    /**
     * A citizen's SMS answer. The sender's number alone decides whose it is: the check sent to that number today and
     * not yet answered (attendance_check_for_phone, migration 017). None: null, and nothing changes. The first answer
     * counts; JA confirms, NEJ asks the worker to cancel (a change request, as a citizen's cancellation in the app),
     * VIDEO makes the appointment a video session and plans its reminders again, all in this one transaction.
     */
    async reply(phone: string, providerMessageId: string, message: string): Promise<{ organisationId: string; workerId: string; answer: AttendanceAnswer } | null> {
      const [check] = await sql<{ organisation_id: string; reminder_id: string; appointment_id: string; citizen_id: string }[]>`
        select * from attendance_check_for_phone(${phone})`;
      if (!check) return null;
      return inOrganisation(sql, check.organisation_id, async (tx) => {
        const answer = readAnswer(message);
        const [stored] = await tx`
          insert into attendance_replies (organisation_id, reminder_id, appointment_id, citizen_id, answer, reply_text, provider_message_id)
          values (${check.organisation_id}, ${check.reminder_id}, ${check.appointment_id}, ${check.citizen_id}, ${answer},
                  ${answer === 'unclear' ? message.trim().slice(0, 1000) : null}, ${providerMessageId})
          on conflict (reminder_id) do nothing
          returning id`;
        // Answered a moment ago by another delivery of the webhook: that one counted.
        if (!stored) return null;
        const [a] = await tx<{ id: string; worker_id: string; status: string; modality: Modality }[]>`
          select id, worker_id, status, modality from appointments where id = ${check.appointment_id} for update`;
        if (a!.status === 'booked' && answer === 'no') {
          await tx`
            insert into change_requests (organisation_id, appointment_id, kind)
            values (${check.organisation_id}, ${a!.id}, 'cancel')
            on conflict do nothing`;
        }
        if (a!.status === 'booked' && answer === 'video' && a!.modality !== 'video') {
          await tx`update appointments set modality = 'video', updated_at = now() where id = ${a!.id}`;
          // The reminders still to come now say it is a video session, with the join link.
          await outbox.replanAppointments(tx, [a!.id]);
        }
        await audit(tx, gateway(check.organisation_id), 'attendance.reply', check.citizen_id, { appointmentId: a!.id, answer });
        return { organisationId: check.organisation_id, workerId: a!.worker_id, answer };
      });
    },
  };
}

async function loadBare(tx: Tx, appointmentId: string) {
  const [row] = await tx<Pick<Row, 'id' | 'citizen_id' | 'citizen_name' | 'starts_at' | 'modality' | 'time_zone'>[]>`
    select a.id, a.citizen_id, u.display_name as citizen_name, a.starts_at, a.modality, o.time_zone
    from appointments a join users u on u.id = a.citizen_id join organisations o on o.id = a.organisation_id
    where a.id = ${appointmentId}`;
  return row!;
}

declare module 'fastify' {
  interface FastifyInstance {
    attendance: AttendanceStore;
  }
}
