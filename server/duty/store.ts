/**
 * Duty in the database: the organisation's duty settings, working hours, coverage, shifts, the citizen's contact
 * requests (routing, claim, close, cancel) and their chat. Each function is one transaction inside the caller's
 * organisation (RLS); every staff read of a citizen's data writes its audit row in that same transaction.
 *
 * Who may see a request (staff): the citizen's own workers (caseload), anyone on a shift now whose team covers the
 * citizen, and the one who claimed it. Anyone else gets 404, exactly as for an id that does not exist. Volunteers
 * never reach these routes (protocol/duty.ts roles).
 */
import type { Sql } from 'postgres';
import type {
  ChatMessage, ContactRequestStatus, ContactWay, CreateContactRequestBody, CreateShiftBody, CreatedContactRequest, DutyRequest, DutySettings,
  DutyStatistics, DutyTeam, EmergencyNumber, MyContactRequest, OutOfHours, MyDuty, PutDutyTeamBody, Shift, UpdateDutySettingsBody, WorkingHours, WorkingPeriod,
} from '../../protocol/duty.js';
import type { StartedCall } from '../../protocol/calls.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { openSession } from '../calls/store.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, HttpError, notFound } from '../http/errors.js';
import { fromLocal, toLocal } from '../time.js';

/** The first word of a display name: the citizen is told "Bo", never a colleague's full name. */
export const firstName = (displayName: string) => displayName.trim().split(/\s+/)[0] ?? displayName;

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
const clockOf = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const isExclusion = (error: unknown, constraint?: string) =>
  (error as { code?: string }).code === '23P01' && (constraint === undefined || (error as { constraint_name?: string }).constraint_name === constraint);

interface ShiftRow {
  id: string;
  team_id: string;
  team_name: string;
  worker_id: string;
  worker_name: string;
  starts_at: Date;
  ends_at: Date;
  duty_phone: string | null;
  time_zone: string;
}

const shiftOf = (r: ShiftRow): Shift => ({
  id: r.id, teamId: r.team_id, teamName: r.team_name, workerId: r.worker_id, workerName: r.worker_name,
  start: toLocal(r.starts_at, r.time_zone), end: toLocal(r.ends_at, r.time_zone),
  startsAt: r.starts_at.toISOString(), endsAt: r.ends_at.toISOString(), dutyPhone: r.duty_phone,
});

/** Shifts with their team, worker and the phone the escalation SMS goes to; `where` narrows them. */
const shiftsWhere = (tx: Tx, where: ReturnType<Tx>) => tx<ShiftRow[]>`
  select s.id, s.team_id, t.name as team_name, s.worker_id, w.display_name as worker_name, s.starts_at, s.ends_at,
         coalesce(s.duty_phone, t.duty_phone) as duty_phone, o.time_zone
  from duty_shifts s join teams t on t.id = s.team_id join users w on w.id = s.worker_id join organisations o on o.id = s.organisation_id
  where ${where}
  order by s.starts_at, t.name, w.display_name`;

interface RequestRow {
  id: string;
  citizen_id: string;
  citizen_name: string;
  way: ContactWay;
  topic: string | null;
  status: ContactRequestStatus;
  answerer: 'own_worker' | 'duty';
  own_worker_name: string | null;
  answer_by: Date;
  created_at: Date;
  claimed_by: string | null;
  claimed_by_name: string | null;
  claimed_at: Date | null;
  call_session_id: string | null;
  crisis_plan_shared: boolean;
}

/** A request's columns; `me` (the caller) decides crisis_plan_shared. */
const requestColumns = (tx: Tx, me: string) => tx`
  r.id, r.citizen_id, c.display_name as citizen_name, r.way, r.topic, r.status, r.answerer, r.answer_by, r.created_at,
  r.claimed_by, r.claimed_at, r.call_session_id,
  (select display_name from users where id = r.own_worker_id) as own_worker_name,
  (select display_name from users where id = r.claimed_by) as claimed_by_name,
  (exists (select 1 from crisis_plans p where p.citizen_id = r.citizen_id)
     and crisis_plan_readable_by(${me}, r.citizen_id)) as crisis_plan_shared`;

const dutyRequestOf = (r: RequestRow, me: string): DutyRequest => ({
  id: r.id, citizenId: r.citizen_id, citizenName: r.citizen_name, way: r.way, topic: r.topic, status: r.status, answerer: r.answerer,
  createdAt: r.created_at.toISOString(), answerBy: r.answer_by.toISOString(), claimedById: r.claimed_by,
  claimedByName: r.claimed_by_name, claimedAt: r.claimed_at?.toISOString() ?? null, callId: r.call_session_id, mine: r.claimed_by === me,
  crisisPlanShared: r.crisis_plan_shared,
});

/** The citizen's view; `noOneOn` carries the organisation's out-of-hours words when the duty queue is empty of staff. */
const myRequestOf = (r: RequestRow, noOneOn: OutOfHours | null): MyContactRequest => ({
  id: r.id, way: r.way, topic: r.topic, status: r.status, answerer: r.answerer,
  name: r.answerer === 'own_worker' && r.own_worker_name ? firstName(r.own_worker_name) : null,
  answerBy: r.answer_by.toISOString(), createdAt: r.created_at.toISOString(),
  claimedByName: r.claimed_by_name ? firstName(r.claimed_by_name) : null, callId: r.call_session_id,
  outOfHours: r.status === 'waiting' && r.answerer === 'duty' ? noOneOn : null,
});

/** Null when someone is on a shift covering the citizen now; else what to tell them instead. */
async function noOneOnDuty(tx: Tx, citizenId: string): Promise<OutOfHours | null> {
  const [row] = await tx<{ on: boolean; text: string; numbers: EmergencyNumber[] }[]>`
    select exists (select 1 from covering_shifts(${citizenId}, now())) as on, out_of_hours_text as text, emergency_numbers as numbers
    from organisations where id = app_current_org()`;
  return row!.on ? null : { text: row!.text, numbers: row!.numbers };
}

/**
 * Whether a staff member may see and claim the requests of a citizen now: one of the citizen's workers (caseload),
 * or on a shift now whose team covers the citizen (migration 013, covering_shifts).
 */
const mayAnswer = (tx: Tx, userId: string, citizenIdColumn: ReturnType<Tx>) => tx`(
  exists (select 1 from caseloads k where k.citizen_id = ${citizenIdColumn} and k.worker_id = ${userId})
  or exists (select 1 from covering_shifts(${citizenIdColumn}, now()) s where s.worker_id = ${userId}))`;

/** A request the staff member may see (may answer for the citizen, or claimed it), else 404. */
async function visibleRequest(tx: Tx, auth: Auth, requestId: string, lock = false): Promise<RequestRow> {
  const [row] = await tx<RequestRow[]>`
    select ${requestColumns(tx, auth.userId)} from contact_requests r join users c on c.id = r.citizen_id
    where r.id = ${requestId} and (r.claimed_by = ${auth.userId} or ${mayAnswer(tx, auth.userId, tx`r.citizen_id`)})
    ${lock ? tx`for update of r` : tx``}`;
  if (!row) throw notFound('No such request');
  return row;
}

/** Who answers a citizen at an instant: their own worker within working hours, else the duty queue, else no one. */
export type Routing = { answerer: 'own_worker'; workerId: string; workerName: string } | { answerer: 'duty'; shiftIds: string[] } | { answerer: 'no_one' };

async function routeAt(tx: Tx, citizenId: string, at: Date): Promise<Routing> {
  // The local weekday and minute in the organisation's zone: the working hours are wall-clock times there, so a
  // worker's 08:00 is 08:00 in winter and in summer, and a DST change moves nothing.
  const [own] = await tx<{ id: string; display_name: string }[]>`
    with local as (select (${at}::timestamptz at time zone o.time_zone) as t from organisations o where o.id = app_current_org())
    select w.id, w.display_name
    from caseloads k join users w on w.id = k.worker_id and w.active
    join working_hours h on h.worker_id = w.id, local
    where k.citizen_id = ${citizenId}
      and h.weekday = extract(isodow from local.t)
      and extract(hour from local.t) * 60 + extract(minute from local.t) >= h.start_minute
      and extract(hour from local.t) * 60 + extract(minute from local.t) < h.end_minute
    order by k.created_at, w.id
    limit 1`;
  if (own) return { answerer: 'own_worker', workerId: own.id, workerName: own.display_name };
  const shifts = await tx<{ id: string }[]>`select id from covering_shifts(${citizenId}, ${at}) order by starts_at, id`;
  if (shifts.length > 0) return { answerer: 'duty', shiftIds: shifts.map((s) => s.id) };
  return { answerer: 'no_one' };
}

interface SettingsRow {
  request_answer_minutes: number;
  out_of_hours_text: string;
  emergency_numbers: EmergencyNumber[];
  escalate_to_coordinators: boolean;
}
const settingsOf = (r: SettingsRow): DutySettings => ({
  requestAnswerMinutes: r.request_answer_minutes, outOfHoursText: r.out_of_hours_text,
  emergencyNumbers: r.emergency_numbers, escalateToCoordinators: r.escalate_to_coordinators,
});
const readSettings = async (tx: Tx): Promise<SettingsRow & { time_zone: string }> => {
  const [row] = await tx<(SettingsRow & { time_zone: string })[]>`
    select request_answer_minutes, out_of_hours_text, emergency_numbers, escalate_to_coordinators, time_zone
    from organisations where id = app_current_org()`;
  return row!;
};

/** A local calendar day's midnight in the zone (the first instant of that day). */
function localMidnight(date: string, zone: string): Date {
  // Midnight exists in every zone Nærvær serves (Europe/Copenhagen changes at 02:00/03:00); 00:01 covers the rest.
  const at = fromLocal(`${date}T00:00`, zone) ?? fromLocal(`${date}T01:00`, zone);
  if (!at) throw badRequest('No such day in the organisation’s time zone');
  return at;
}
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The demo organisation's duty (npm run demo, server/demo/seed.ts): Bo and Mette in the day team "Bostøtte" with
 * working hours Mon–Fri 08:00–15:30; the team "Aften og nat" covering it, with Mette on evenings 15:30–23:00 and Karin
 * on nights 23:00–08:00 from yesterday until a week ahead. Weekends by day no one answers, so the out-of-hours text
 * shows too. Idempotent: fixed team ids, and the demo shifts are planned anew on every run.
 */
export async function seedDutyDemo(
  admin: Sql,
  demo: { organisationId: string; dayTeamId: string; nightTeamId: string; dayWorkerIds: readonly string[]; eveningWorkerId: string; nightWorkerId: string },
): Promise<void> {
  const { organisationId: org } = demo;
  await admin`
    insert into teams (id, organisation_id, name) values (${demo.dayTeamId}, ${org}, 'Bostøtte'), (${demo.nightTeamId}, ${org}, 'Aften og nat')
    on conflict (id) do nothing`;
  await admin`update users set team_id = ${demo.dayTeamId} where id = any(${admin.array([...demo.dayWorkerIds])}::uuid[])`;
  await admin`
    insert into duty_team_coverage (organisation_id, team_id, covered_team_id) values (${org}, ${demo.nightTeamId}, ${demo.dayTeamId})
    on conflict do nothing`;
  await admin`
    update organisations set emergency_numbers = ${admin.json([{ label: 'Psykiatrisk akutmodtagelse', number: '38 64 00 00' }, { label: 'Alarm', number: '112' }])}
    where id = ${org}`;
  await admin`delete from working_hours where worker_id = any(${admin.array([...demo.dayWorkerIds])}::uuid[])`;
  await admin`
    insert into working_hours (organisation_id, worker_id, weekday, start_minute, end_minute)
    select ${org}, w, d, 480, 930 from unnest(${admin.array([...demo.dayWorkerIds])}::uuid[]) w, generate_series(1, 5) d`;
  const [organisation] = await admin<{ time_zone: string }[]>`select time_zone from organisations where id = ${org}`;
  const zone = organisation!.time_zone;
  const today = toLocal(new Date(), zone).slice(0, 10);
  await admin`delete from duty_shifts where team_id = ${demo.nightTeamId}`;
  for (let day = -1; day <= 7; day++) {
    const date = addDays(today, day);
    const at = (local: string) => fromLocal(local, zone)!;
    await admin`
      insert into duty_shifts (organisation_id, team_id, worker_id, worker_role, starts_at, ends_at)
      values (${org}, ${demo.nightTeamId}, ${demo.eveningWorkerId}, 'worker', ${at(`${date}T15:30`)}, ${at(`${date}T23:00`)}),
             (${org}, ${demo.nightTeamId}, ${demo.nightWorkerId}, 'coordinator', ${at(`${date}T23:00`)}, ${at(`${addDays(date, 1)}T08:00`)})`;
  }
}

/**
 * A transaction in the caller's organisation that also says who is asking (app.user_id): the requests' and the
 * chat's own row rules (migration 013) then hold behind the checks here.
 */
function asCaller<T>(sql: Sql, auth: Auth, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inOrganisation(sql, auth.organisationId, async (tx) => {
    await tx`select set_config('app.user_id', ${auth.userId}, true)`;
    return fn(tx);
  });
}

export type DutyStore = ReturnType<typeof dutyStore>;

/** A request changed: who must hear of it over /events. */
export interface RequestAudience {
  citizenId: string;
  /** Staff who may claim it now or hold it. */
  staffIds: string[];
}

export function dutyStore(sql: Sql) {
  /** Everyone a change of this request concerns: its citizen, their workers, staff on a covering shift now, its claimer. */
  const audienceOf = (tx: Tx, requestId: string) => tx<{ citizen_id: string; staff_ids: string[] }[]>`
    select r.citizen_id, array(
      select k.worker_id from caseloads k where k.citizen_id = r.citizen_id
      union select s.worker_id from covering_shifts(r.citizen_id, now()) s
      union select r.claimed_by where r.claimed_by is not null) as staff_ids
    from contact_requests r where r.id = ${requestId}`.then(([row]) => (row ? { citizenId: row.citizen_id, staffIds: row.staff_ids } : undefined));

  return {
    // ——— Settings ———

    getSettings(organisationId: string): Promise<DutySettings> {
      return inOrganisation(sql, organisationId, async (tx) => settingsOf(await readSettings(tx)));
    },

    updateSettings(auth: Auth, body: UpdateDutySettingsBody): Promise<DutySettings> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<SettingsRow[]>`
          update organisations set
            request_answer_minutes = coalesce(${body.requestAnswerMinutes ?? null}, request_answer_minutes),
            out_of_hours_text = coalesce(${body.outOfHoursText ?? null}, out_of_hours_text),
            emergency_numbers = coalesce(${body.emergencyNumbers ? tx.json(body.emergencyNumbers) : null}::jsonb, emergency_numbers),
            escalate_to_coordinators = coalesce(${body.escalateToCoordinators ?? null}, escalate_to_coordinators)
          where id = ${auth.organisationId}
          returning request_answer_minutes, out_of_hours_text, emergency_numbers, escalate_to_coordinators`;
        await audit(tx, auth, 'duty.settings_update', null, { fields: Object.keys(body).join(',') });
        return settingsOf(row!);
      });
    },

    // ——— Working hours ———

    getWorkingHours(auth: Auth, workerId: string): Promise<WorkingHours> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [worker] = await tx`select 1 from users where id = ${workerId} and role = 'worker'`;
        if (!worker) throw notFound('No such worker');
        const rows = await tx<{ weekday: number; start_minute: number; end_minute: number }[]>`
          select weekday, start_minute, end_minute from working_hours where worker_id = ${workerId} order by weekday, start_minute`;
        return { workerId, periods: rows.map((r) => ({ weekday: r.weekday, start: clockOf(r.start_minute), end: clockOf(r.end_minute) })) };
      });
    },

    putWorkingHours(auth: Auth, workerId: string, periods: readonly WorkingPeriod[]): Promise<WorkingHours> {
      for (const p of periods) if (minutesOf(p.end) <= minutesOf(p.start)) throw badRequest(`A period must end after it starts (${p.start}–${p.end})`);
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [worker] = await tx`select 1 from users where id = ${workerId} and role = 'worker'`;
        if (!worker) throw notFound('No such worker');
        await tx`delete from working_hours where worker_id = ${workerId}`;
        try {
          await tx.savepoint(async (sp) => {
            for (const p of periods) {
              await sp`
                insert into working_hours (organisation_id, worker_id, weekday, start_minute, end_minute)
                values (${auth.organisationId}, ${workerId}, ${p.weekday}, ${minutesOf(p.start)}, ${minutesOf(p.end)})`;
            }
          });
        } catch (error) {
          if (isExclusion(error)) throw badRequest('Two periods of the same day overlap');
          throw error;
        }
        await audit(tx, auth, 'duty.working_hours_update', workerId, { periods: periods.length });
        const sorted = [...periods].sort((a, b) => a.weekday - b.weekday || minutesOf(a.start) - minutesOf(b.start));
        return { workerId, periods: sorted.map((p) => ({ weekday: p.weekday, start: p.start, end: p.end })) };
      });
    },

    // ——— Teams and coverage ———

    listTeams(organisationId: string): Promise<DutyTeam[]> {
      return inOrganisation(sql, organisationId, async (tx) => {
        const rows = await tx<{ id: string; name: string; duty_phone: string | null; covers: string[] }[]>`
          select t.id, t.name, t.duty_phone,
                 array(select c.covered_team_id from duty_team_coverage c where c.team_id = t.id order by c.covered_team_id) as covers
          from teams t where t.active order by t.name`;
        return rows.map((r) => ({ teamId: r.id, teamName: r.name, dutyPhone: r.duty_phone, covers: r.covers }));
      });
    },

    putTeam(auth: Auth, teamId: string, body: PutDutyTeamBody): Promise<DutyTeam> {
      if (body.covers.includes(teamId)) throw badRequest('A team always covers its own citizens; list only other teams');
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [team] = await tx<{ name: string }[]>`update teams set duty_phone = ${body.dutyPhone} where id = ${teamId} returning name`;
        if (!team) throw notFound('No such team');
        const known = await tx<{ id: string }[]>`select id from teams where id = any(${tx.array(body.covers)}::uuid[])`;
        if (known.length !== body.covers.length) throw notFound('No such team among those covered');
        await tx`delete from duty_team_coverage where team_id = ${teamId}`;
        if (body.covers.length > 0) {
          await tx`
            insert into duty_team_coverage (organisation_id, team_id, covered_team_id)
            select ${auth.organisationId}, ${teamId}, covered from unnest(${tx.array(body.covers)}::uuid[]) as covered`;
        }
        await audit(tx, auth, 'duty.team_update', null, { teamId, covers: body.covers.length });
        return { teamId, teamName: team.name, dutyPhone: body.dutyPhone, covers: [...body.covers].sort() };
      });
    },

    // ——— Shifts ———

    listShifts(organisationId: string, from: string, teamId?: string): Promise<Shift[]> {
      return inOrganisation(sql, organisationId, async (tx) => {
        const { time_zone: zone } = await readSettings(tx);
        const start = localMidnight(from, zone);
        const end = localMidnight(addDays(from, 7), zone);
        const rows = await shiftsWhere(tx, tx`
          s.starts_at < ${end} and s.ends_at > ${start} ${teamId ? tx`and s.team_id = ${teamId}` : tx``}`);
        return rows.map(shiftOf);
      });
    },

    /** A new shift; the worker's other shifts it would overlap make a 409 `overlap` naming when that shift is. */
    createShift(auth: Auth, body: CreateShiftBody): Promise<Shift> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const { time_zone: zone } = await readSettings(tx);
        const startsAt = fromLocal(body.start, zone);
        const endsAt = fromLocal(body.end, zone);
        if (!startsAt || !endsAt) throw badRequest('That local time does not exist (the hour skipped when summer time begins)');
        if (endsAt <= startsAt) throw badRequest('A shift must end after it starts');
        if (endsAt.getTime() - startsAt.getTime() > 24 * 3600_000) throw badRequest('A shift is at most 24 hours');
        const [worker] = await tx<{ role: string }[]>`select role from users where id = ${body.workerId} and active and role in ('worker', 'coordinator')`;
        if (!worker) throw notFound('No such worker');
        const [team] = await tx`select 1 from teams where id = ${body.teamId} and active`;
        if (!team) throw notFound('No such team');
        const overlapping = async () => {
          const [other] = await shiftsWhere(tx, tx`s.worker_id = ${body.workerId} and tstzrange(s.starts_at, s.ends_at) && tstzrange(${startsAt}, ${endsAt})`);
          return new HttpError(409, 'overlap', 'This person already has a shift then', other ? { start: toLocal(other.starts_at, zone), end: toLocal(other.ends_at, zone) } : undefined);
        };
        let id: string;
        try {
          id = await tx.savepoint(async (sp) => {
            const [row] = await sp<{ id: string }[]>`
              insert into duty_shifts (organisation_id, team_id, worker_id, worker_role, starts_at, ends_at, duty_phone, created_by)
              values (${auth.organisationId}, ${body.teamId}, ${body.workerId}, ${worker.role}, ${startsAt}, ${endsAt}, ${body.dutyPhone ?? null}, ${auth.userId})
              returning id`;
            return row!.id;
          });
        } catch (error) {
          // The database's exclusion constraint is the rule (two coordinators planning at once cannot both win).
          if (isExclusion(error, 'duty_shifts_no_overlap')) throw await overlapping();
          throw error;
        }
        await audit(tx, auth, 'duty.shift_create', body.workerId, { shiftId: id, teamId: body.teamId });
        const [row] = await shiftsWhere(tx, tx`s.id = ${id}`);
        return shiftOf(row!);
      });
    },

    deleteShift(auth: Auth, shiftId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<{ worker_id: string }[]>`delete from duty_shifts where id = ${shiftId} returning worker_id`;
        if (!row) throw notFound('No such shift');
        await audit(tx, auth, 'duty.shift_delete', row.worker_id, { shiftId });
      });
    },

    myDuty(auth: Auth): Promise<MyDuty> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const current = await shiftsWhere(tx, tx`s.worker_id = ${auth.userId} and s.starts_at <= now() and now() < s.ends_at`);
        const upcoming = await shiftsWhere(tx, tx`s.worker_id = ${auth.userId} and s.starts_at > now() and s.starts_at < now() + interval '7 days'`);
        return { onDutyNow: current.length > 0, current: current.map(shiftOf), upcoming: upcoming.map(shiftOf) };
      });
    },

    // ——— Routing ———

    /** Who would answer this citizen at `at` (the routing rule on its own, for the roster's tests and the bench). */
    whoAnswers(organisationId: string, citizenId: string, at: Date): Promise<Routing> {
      return inOrganisation(sql, organisationId, (tx) => routeAt(tx, citizenId, at));
    },

    // ——— Requests: the citizen ———

    /**
     * The citizen asks to talk to someone: routed now. Nothing is stored when no one can answer; the reply carries
     * the organisation's own text and numbers. An earlier request that someone took (claimed) is closed by a new one.
     */
    create(auth: Auth, body: CreateContactRequestBody): Promise<{ reply: CreatedContactRequest; requestId: string | null; closedId: string | null }> {
      return asCaller(sql, auth, async (tx) => {
        const settings = await readSettings(tx);
        const routing = await routeAt(tx, auth.userId, new Date());
        if (routing.answerer === 'no_one') {
          return { reply: { outcome: 'no_one', outOfHours: { text: settings.out_of_hours_text, numbers: settings.emergency_numbers } }, requestId: null, closedId: null };
        }
        const [closed] = await tx<{ id: string }[]>`
          update contact_requests set status = 'closed', ended_at = now() where citizen_id = ${auth.userId} and status = 'claimed' returning id`;
        let id: string;
        try {
          id = await tx.savepoint(async (sp) => {
            const [row] = await sp<{ id: string }[]>`
              insert into contact_requests (organisation_id, citizen_id, way, topic, answerer, own_worker_id, answer_by)
              values (${auth.organisationId}, ${auth.userId}, ${body.way}, ${body.topic?.trim() || null}, ${routing.answerer},
                      ${routing.answerer === 'own_worker' ? routing.workerId : null},
                      now() + make_interval(mins => ${settings.request_answer_minutes}))
              returning id`;
            return row!.id;
          });
        } catch (error) {
          if ((error as { code?: string }).code === '23505') throw conflict('You already have a request waiting');
          throw error;
        }
        const [row] = await tx<RequestRow[]>`select ${requestColumns(tx, auth.userId)} from contact_requests r join users c on c.id = r.citizen_id where r.id = ${id}`;
        return { reply: { outcome: 'routed', request: myRequestOf(row!, await noOneOnDuty(tx, auth.userId)) }, requestId: id, closedId: closed?.id ?? null };
      });
    },

    /**
     * The citizen's waiting request, or the one someone took within the last 12 hours and has not closed (a worker
     * who forgets to close it does not leave "Bo har set din besked" on the citizen's screen for days); else null.
     */
    current(auth: Auth): Promise<MyContactRequest | null> {
      return asCaller(sql, auth, async (tx) => {
        const [row] = await tx<RequestRow[]>`
          select ${requestColumns(tx, auth.userId)} from contact_requests r join users c on c.id = r.citizen_id
          where r.citizen_id = ${auth.userId} and (r.status = 'waiting' or (r.status = 'claimed' and r.claimed_at > now() - interval '12 hours'))
          order by r.created_at desc limit 1`;
        return row ? myRequestOf(row, await noOneOnDuty(tx, auth.userId)) : null;
      });
    },

    cancel(auth: Auth, requestId: string): Promise<void> {
      return asCaller(sql, auth, async (tx) => {
        const [row] = await tx<{ status: ContactRequestStatus }[]>`
          select status from contact_requests where id = ${requestId} and citizen_id = ${auth.userId} for update`;
        if (!row) throw notFound('No such request');
        if (row.status !== 'waiting') throw conflict(row.status === 'claimed' ? 'Someone has already taken this request' : 'This request has ended');
        await tx`update contact_requests set status = 'cancelled', ended_at = now() where id = ${requestId}`;
      });
    },

    // ——— Requests: staff ———

    /** Waiting requests I may answer now, and those I took that are not closed, newest first. Audited (names are shown). */
    list(auth: Auth): Promise<DutyRequest[]> {
      return asCaller(sql, auth, async (tx) => {
        const rows = await tx<RequestRow[]>`
          select ${requestColumns(tx, auth.userId)} from contact_requests r join users c on c.id = r.citizen_id
          where (r.status = 'waiting' and ${mayAnswer(tx, auth.userId, tx`r.citizen_id`)})
             or (r.status = 'claimed' and r.claimed_by = ${auth.userId})
          order by r.created_at desc`;
        await audit(tx, auth, 'citizen.list', [...new Set(rows.map((r) => r.citizen_id))], { via: 'duty' });
        return rows.map((r) => dutyRequestOf(r, auth.userId));
      });
    },

    get(auth: Auth, requestId: string): Promise<DutyRequest> {
      return asCaller(sql, auth, async (tx) => {
        const row = await visibleRequest(tx, auth, requestId);
        await audit(tx, auth, 'duty.request_read', row.citizen_id, { requestId });
        return dutyRequestOf(row, auth.userId);
      });
    },

    /**
     * Takes a waiting request. One UPDATE … WHERE status = 'waiting' decides: concurrent claimers queue on the row's
     * lock and every one after the first finds it taken (409 `already_claimed`). In the same transaction: the audit
     * row, and for video the session (kind citizen_initiated, the citizen's "ready" notice planned); for phone the
     * citizen's number is read (audited).
     */
    claim(auth: Auth, requestId: string): Promise<{ request: DutyRequest; call: (Omit<StartedCall, 'waiting'>) | null; citizenPhone: string | null }> {
      return asCaller(sql, auth, async (tx) => {
        const seen = await visibleRequest(tx, auth, requestId);
        const [taken] = await tx<{ id: string }[]>`
          update contact_requests set status = 'claimed', claimed_by = ${auth.userId}, claimed_at = now()
          where id = ${requestId} and status = 'waiting' returning id`;
        if (!taken) {
          const [now] = await tx<{ status: ContactRequestStatus }[]>`select status from contact_requests where id = ${requestId}`;
          if (now?.status === 'claimed' || now?.status === 'closed') throw new HttpError(409, 'already_claimed', 'Someone else took this request first');
          throw conflict('The citizen cancelled this request');
        }
        await audit(tx, auth, 'duty.claim', seen.citizen_id, { requestId, way: seen.way });
        let call: Omit<StartedCall, 'waiting'> | null = null;
        let citizenPhone: string | null = null;
        if (seen.way === 'video') {
          call = await openSession(tx, auth, seen.citizen_id, 'citizen_initiated', null);
          await tx`update contact_requests set call_session_id = ${call.id} where id = ${requestId}`;
        } else if (seen.way === 'phone') {
          const [citizen] = await tx<{ phone: string | null }[]>`select phone from users where id = ${seen.citizen_id}`;
          citizenPhone = citizen?.phone ?? null;
          await audit(tx, auth, 'citizen.phone_read', seen.citizen_id, { requestId });
        }
        const row = await visibleRequest(tx, auth, requestId);
        return { request: dutyRequestOf(row, auth.userId), call, citizenPhone };
      });
    },

    /** The one who took it (or a coordinator who may see it) marks it done. */
    close(auth: Auth, requestId: string): Promise<void> {
      return asCaller(sql, auth, async (tx) => {
        const row = await visibleRequest(tx, auth, requestId, true);
        if (row.status !== 'claimed') throw conflict('Only a request someone took can be closed');
        if (row.claimed_by !== auth.userId && auth.role !== 'coordinator') throw notFound('No such request');
        await tx`update contact_requests set status = 'closed', ended_at = now() where id = ${requestId}`;
        await audit(tx, auth, 'duty.close', row.citizen_id, { requestId });
      });
    },

    // ——— Chat ———

    /** The chat of a chat request: its citizen, or the staff member who took it. Staff reads are audited. */
    messages(auth: Auth, requestId: string): Promise<ChatMessage[]> {
      return asCaller(sql, auth, async (tx) => {
        const request = await chatRequest(tx, auth, requestId);
        const rows = await tx<{ id: string; author_id: string; author_name: string; author_role: string; body: string; created_at: Date }[]>`
          select m.id, m.author_id, u.display_name as author_name, u.role as author_role, m.body, m.created_at
          from contact_messages m join users u on u.id = m.author_id
          where m.request_id = ${requestId} order by m.created_at, m.id`;
        if (auth.role !== 'citizen') await audit(tx, auth, 'duty.chat_read', request.citizen_id, { requestId, messages: rows.length });
        return rows.map((m) => ({
          id: m.id, mine: m.author_id === auth.userId, authorName: firstName(m.author_name),
          authorRole: m.author_role === 'citizen' ? 'citizen' as const : 'staff' as const, text: m.body, sentAt: m.created_at.toISOString(),
        }));
      });
    },

    postMessage(auth: Auth, requestId: string, text: string): Promise<{ message: ChatMessage; requestId: string }> {
      return asCaller(sql, auth, async (tx) => {
        const request = await chatRequest(tx, auth, requestId);
        if (request.status === 'closed' || request.status === 'cancelled') throw conflict('This conversation has ended');
        if (auth.role !== 'citizen' && request.status !== 'claimed') throw conflict('Take the request before writing');
        const [row] = await tx<{ id: string; created_at: Date; display_name: string }[]>`
          insert into contact_messages (organisation_id, request_id, author_id, body)
          values (${auth.organisationId}, ${requestId}, ${auth.userId}, ${text})
          returning id, created_at, (select display_name from users where id = ${auth.userId})`;
        if (auth.role !== 'citizen') await audit(tx, auth, 'duty.chat_write', request.citizen_id, { requestId });
        return {
          requestId,
          message: {
            id: row!.id, mine: true, authorName: firstName(row!.display_name), authorRole: auth.role === 'citizen' ? 'citizen' : 'staff',
            text, sentAt: row!.created_at.toISOString(),
          },
        };
      });
    },

    // ——— Live events and the tick ———

    /** Who must hear of a change to this request (over /events). */
    audience(organisationId: string, requestId: string): Promise<RequestAudience | undefined> {
      return inOrganisation(sql, organisationId, (tx) => audienceOf(tx, requestId));
    },

    /**
     * Moves requests past their own worker's limit to the duty queue and escalates those past the duty queue's
     * (migration 013, duty_tick: exactly once however many servers tick). Returns what changed, for the events.
     */
    async tick(): Promise<{ organisationId: string; requestId: string; action: 'moved_to_duty' | 'escalated'; sms: number }[]> {
      const rows = await sql<{ organisation_id: string; request_id: string; action: 'moved_to_duty' | 'escalated'; sms: number }[]>`select * from duty_tick()`;
      return rows.map((r) => ({ organisationId: r.organisation_id, requestId: r.request_id, action: r.action, sms: r.sms }));
    },

    // ——— Statistics ———

    statistics(auth: Auth, from: string, to: string): Promise<DutyStatistics> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const { time_zone: zone } = await readSettings(tx);
        if (to < from) throw badRequest('`to` is before `from`');
        const start = localMidnight(from, zone);
        const end = localMidnight(addDays(to, 1), zone);
        const [row] = await tx<{ planned: number; initiated: number; answered: number; cancelled: number; median: number | null }[]>`
          select (select count(*)::int from call_sessions where kind in ('planned', 'ad_hoc') and created_at >= ${start} and created_at < ${end}) as planned,
                 count(*)::int as initiated,
                 count(r.claimed_at)::int as answered,
                 count(*) filter (where r.status = 'cancelled')::int as cancelled,
                 percentile_cont(0.5) within group (order by extract(epoch from r.claimed_at - r.created_at) / 60)
                   filter (where r.claimed_at is not null) as median
          from contact_requests r where r.created_at >= ${start} and r.created_at < ${end}`;
        return {
          from, to, plannedSessions: row!.planned, citizenInitiated: row!.initiated, answered: row!.answered, cancelled: row!.cancelled,
          medianMinutesToAnswer: row!.median === null ? null : Math.round(Number(row!.median) * 10) / 10,
        };
      });
    },
  };

  /** A chat request the caller takes part in: the citizen who made it, or the staff member who took it; else 404. */
  async function chatRequest(tx: Tx, auth: Auth, requestId: string): Promise<{ citizen_id: string; status: ContactRequestStatus }> {
    const [row] = await tx<{ citizen_id: string; status: ContactRequestStatus }[]>`
      select citizen_id, status from contact_requests
      where id = ${requestId} and way = 'chat' and ${auth.role === 'citizen' ? tx`citizen_id = ${auth.userId}` : tx`claimed_by = ${auth.userId}`}`;
    if (!row) throw notFound('No such conversation');
    return row;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    duty: DutyStore;
  }
}
