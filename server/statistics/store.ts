/**
 * The figures in the database (issue 11). Nothing is stored for them but each citizen's travel distance: they are
 * counted from the rows the product keeps, over the months asked for and the same number of months before.
 *
 * What counts as what (README "Statistics" says the same in plain words):
 * - A contact is a planned appointment that was not cancelled (its way of meeting is the appointment's modality), an
 *   ad hoc video session (no appointment), or a citizen's request that someone answered (claimed; its way is the
 *   citizen's choice: video, phone or chat). Its time is the appointment's start, the session's creation, the
 *   request's arrival. Outcomes: the appointment's status (held, no-show, technical failure; booked ones have none
 *   yet), the session's recorded outcome, and for an answered request its session's outcome or else held.
 * - Instead of a home visit: a held, planned video or phone appointment with a citizen whose distance is set. It
 *   saved the round trip, 2 × km and 2 × minutes (the citizen's distance as it is now).
 * - Audio only: of the video sessions started in the period, those in which anyone switched to audio only.
 *   Call quality: the median over participants of their average round-trip time and packet loss.
 * - Time to answer: the median and 90th percentile of claimed − created over the requests answered.
 * - Whose work: a worker's own (contacts they held or answered, requests to or answered by them), a team's (contacts
 *   of the workers now in the team, requests of the team's citizens), or the whole organisation's.
 * - Months are local months in the organisation's time zone: a contact at 00:30 on 1 March in Copenhagen is March's.
 */
import type { Sql } from 'postgres';
import type { Figure, FigureRow, FigureUnit, PutTravelBody, Statistics, StatisticsQuery, StatisticsTeam, Travel } from '../../protocol/statistics.js';
import { MAX_MONTHS } from '../../protocol/statistics.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, forbidden, notFound } from '../http/errors.js';

export type StatisticsStore = ReturnType<typeof statisticsStore>;

/** Months as a count since year 0, so periods are plain arithmetic. */
const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (index: number) => `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

/** The period asked for and the one before it, as long as it. */
export function periods(from: string, to: string): { from: string; to: string; previousFrom: string; previousTo: string; afterTo: string } {
  const start = monthIndex(from);
  const end = monthIndex(to);
  if (end < start) throw badRequest('`to` is before `from`');
  if (end - start + 1 > MAX_MONTHS) throw badRequest(`A period is at most ${MAX_MONTHS} months`);
  const length = end - start + 1;
  return { from, to, previousFrom: monthOf(start - length), previousTo: monthOf(start - 1), afterTo: monthOf(end + 1) };
}

type Scope = { kind: 'organisation' } | { kind: 'team'; team: StatisticsTeam } | { kind: 'own'; workerId: string };

interface Bounds {
  /** Start of the previous period, start of the period, end of the period (exclusive): instants of local midnights. */
  previous: Date;
  current: Date;
  end: Date;
}

type Pair = { cur: boolean };
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round = (v: number | null, digits = 1): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/** A figure line from the current and previous rows of one query. */
function line<R extends Pair>(rows: R[], key: string, unit: FigureUnit, value: (r: R) => number | null, base: (r: R) => number): FigureRow {
  const cur = rows.find((r) => r.cur);
  const prev = rows.find((r) => !r.cur);
  const pick = (r: R | undefined) => (r ? value(r) : unit === 'count' ? 0 : null);
  return { key, unit, current: pick(cur), previous: pick(prev), currentBase: cur ? base(cur) : 0, previousBase: prev ? base(prev) : 0 };
}
const count = <R extends Pair>(rows: R[], key: string, get: (r: R) => number) => line(rows, key, 'count', get, get);

export async function computeFigures(tx: Tx, organisationId: string, scope: Scope, bounds: Bounds): Promise<Figure[]> {
  const { previous: p0, current: c0, end: e } = bounds;
  // Whose contacts and calls: filters on the column naming the member of staff.
  const byStaff = (column: string) =>
    scope.kind === 'own' ? tx`${tx(column)} = ${scope.workerId}`
    : scope.kind === 'team' ? tx`${tx(column)} in (select id from users where team_id = ${scope.team.id})`
    : tx`true`;
  // Whose requests: to or answered by the worker; a team's citizens (as duty routes them, migration 013).
  const requestScope =
    scope.kind === 'own' ? tx`(r.own_worker_id = ${scope.workerId} or r.claimed_by = ${scope.workerId})`
    : scope.kind === 'team' ? tx`r.citizen_id in (
        select c.citizen_id from caseloads c join users w on w.id = c.worker_id where w.team_id = ${scope.team.id}
        union select id from users where role = 'citizen' and team_id = ${scope.team.id})`
    : tx`true`;

  type ContactRow = Pair & Record<'video' | 'phone' | 'home_visit' | 'chat' | 'planned' | 'ad_hoc' | 'citizen_initiated' | 'held' | 'no_show' | 'technical_failure' | 'travel_n', number> & { travel_km: string | null; travel_minutes: string | null };
  // One pass over each source, each aggregated on its own (no materialised union): the appointments are nearly all
  // of the rows, read from their covering index and joined by hash to the citizens whose distance is set.
  const contacts = await tx<ContactRow[]>`
    select cur,
           sum(video)::int as video, sum(phone)::int as phone, sum(home_visit)::int as home_visit, sum(chat)::int as chat,
           sum(planned)::int as planned, sum(ad_hoc)::int as ad_hoc, sum(citizen_initiated)::int as citizen_initiated,
           sum(held)::int as held, sum(no_show)::int as no_show, sum(technical_failure)::int as technical_failure,
           sum(travel_n)::int as travel_n, sum(travel_km) as travel_km, sum(travel_minutes) as travel_minutes
    from (
      select a.starts_at >= ${c0} as cur,
             count(*) filter (where a.modality = 'video') as video, count(*) filter (where a.modality = 'phone') as phone,
             count(*) filter (where a.modality = 'home_visit') as home_visit, count(*) filter (where a.modality = 'chat') as chat,
             count(*) as planned, 0 as ad_hoc, 0 as citizen_initiated,
             count(*) filter (where a.status = 'held') as held, count(*) filter (where a.status = 'no_show') as no_show,
             count(*) filter (where a.status = 'technical_failure') as technical_failure,
             -- held, planned video/phone with a citizen whose distance is set: a home visit not driven
             count(u.id) filter (where a.status = 'held' and a.modality in ('video', 'phone')) as travel_n,
             sum(2 * u.travel_km) filter (where a.status = 'held' and a.modality in ('video', 'phone')) as travel_km,
             sum(2 * u.travel_minutes) filter (where a.status = 'held' and a.modality in ('video', 'phone')) as travel_minutes
      from appointments a left join users u on u.id = a.citizen_id and u.travel_km is not null
      where a.organisation_id = ${organisationId} and a.status <> 'cancelled' and a.starts_at >= ${p0} and a.starts_at < ${e}
        and ${byStaff('a.worker_id')}
      group by 1
      union all
      select s.created_at >= ${c0}, count(*), 0, 0, 0, 0, count(*), 0,
             count(*) filter (where s.outcome = 'held'), count(*) filter (where s.outcome = 'no_show'),
             count(*) filter (where s.outcome = 'technical_failure'), 0, null, null
      from call_sessions s
      where s.organisation_id = ${organisationId} and s.kind = 'ad_hoc' and s.appointment_id is null
        and s.created_at >= ${p0} and s.created_at < ${e} and ${byStaff('s.worker_id')}
      group by 1
      union all
      select r.created_at >= ${c0}, count(*) filter (where r.way = 'video'), count(*) filter (where r.way = 'phone'), 0,
             count(*) filter (where r.way = 'chat'), 0, 0, count(*),
             count(*) filter (where coalesce(s.outcome, 'held') = 'held'), count(*) filter (where s.outcome = 'no_show'),
             count(*) filter (where s.outcome = 'technical_failure'), 0, null, null
      from contact_requests r left join call_sessions s on s.id = r.call_session_id
      where r.organisation_id = ${organisationId} and r.claimed_at is not null
        and r.created_at >= ${p0} and r.created_at < ${e} and ${byStaff('r.claimed_by')}
      group by 1
    ) parts
    group by cur`;

  // Per session first (audio only by anyone in it), then the period: one pass over the sessions and their participants.
  type CallRow = Pair & { calls: number; audio_only: number; rtt_n: number; loss_n: number; rtt: number | null; loss: number | null };
  const calls = await tx<CallRow[]>`
    with p as (
      select s.started_at >= ${c0} as cur, s.id, p.audio_only_used,
             case when p.quality_samples > 0 then p.rtt_ms_avg end as rtt, case when p.quality_samples > 0 then p.packet_loss_pct_avg end as loss
      from call_sessions s left join call_participants p on p.session_id = s.id
      where s.organisation_id = ${organisationId} and s.started_at >= ${p0} and s.started_at < ${e} and ${byStaff('s.worker_id')}
    )
    select cur, count(distinct id)::int as calls, count(distinct id) filter (where audio_only_used)::int as audio_only,
           count(rtt)::int as rtt_n, count(loss)::int as loss_n,
           percentile_cont(0.5) within group (order by rtt) as rtt, percentile_cont(0.5) within group (order by loss) as loss
    from p group by cur`;

  type RequestRow = Pair & { requests: number; answered: number; median: number | null; p90: number | null };
  const requests = await tx<RequestRow[]>`
    select r.created_at >= ${c0} as cur, count(*)::int as requests, count(r.claimed_at)::int as answered,
           percentile_cont(0.5) within group (order by extract(epoch from r.claimed_at - r.created_at) / 60) filter (where r.claimed_at is not null) as median,
           percentile_cont(0.9) within group (order by extract(epoch from r.claimed_at - r.created_at) / 60) filter (where r.claimed_at is not null) as p90
    from contact_requests r
    where r.organisation_id = ${organisationId} and r.created_at >= ${p0} and r.created_at < ${e} and ${requestScope}
    group by 1`;

  const figures: Figure[] = [
    { id: 'ways', rows: (['video', 'phone', 'home_visit', 'chat'] as const).map((k) => count(contacts, k, (r) => r[k])) },
    { id: 'kinds', rows: (['planned', 'ad_hoc', 'citizen_initiated'] as const).map((k) => count(contacts, k, (r) => r[k])) },
    { id: 'outcomes', rows: (['held', 'no_show', 'technical_failure'] as const).map((k) => count(contacts, k, (r) => r[k])) },
    {
      id: 'audioOnly',
      rows: [
        count(calls, 'videoCalls', (r) => r.calls),
        count(calls, 'audioOnlyCalls', (r) => r.audio_only),
        line(calls, 'audioOnlyShare', 'percent', (r) => (r.calls ? round((100 * r.audio_only) / r.calls) : null), (r) => r.calls),
      ],
    },
    {
      id: 'quality',
      rows: [
        line(calls, 'medianRttMs', 'ms', (r) => round(num(r.rtt), 0), (r) => r.rtt_n),
        line(calls, 'medianLossPct', 'percent', (r) => round(num(r.loss), 2), (r) => r.loss_n),
      ],
    },
    {
      id: 'answerTime',
      rows: [
        count(requests, 'requests', (r) => r.requests),
        count(requests, 'answered', (r) => r.answered),
        line(requests, 'medianMinutes', 'minutes', (r) => round(num(r.median)), (r) => r.answered),
        line(requests, 'p90Minutes', 'minutes', (r) => round(num(r.p90)), (r) => r.answered),
      ],
    },
    {
      id: 'travel',
      rows: [
        count(contacts, 'insteadOfHomeVisit', (r) => r.travel_n),
        line(contacts, 'kmSaved', 'km', (r) => (r.travel_n ? round(num(r.travel_km)) : null), (r) => r.travel_n),
        line(contacts, 'hoursSaved', 'hours', (r) => (r.travel_n ? round(num(r.travel_minutes ?? 0)! / 60) : null), (r) => r.travel_n),
      ],
    },
  ];
  const feedback = await feedbackFigure(tx, organisationId, scope, bounds);
  if (feedback) figures.push(feedback);
  return figures;
}

/**
 * The citizens' three faces after a session (citizen_feedback, migration 016): counts of good, ok and bad for the whole
 * organisation only. The answers are the citizen's own and staff may not read them one by one, so they are counted by
 * citizen_feedback_moods (counts per local month, whoever asks); a team's or a worker's share would come close to
 * showing who answered what, so those scopes leave the figure out.
 */
async function feedbackFigure(tx: Tx, organisationId: string, scope: Scope, bounds: Bounds): Promise<Figure | null> {
  if (scope.kind !== 'organisation') return null;
  type Row = Pair & { good: number; ok: number; bad: number };
  const rows = await tx<Row[]>`
    select m.month >= (${bounds.current}::timestamptz at time zone o.time_zone)::date as cur,
           coalesce(sum(m.answers) filter (where m.mood = 'good'), 0)::int as good,
           coalesce(sum(m.answers) filter (where m.mood = 'ok'), 0)::int as ok,
           coalesce(sum(m.answers) filter (where m.mood = 'bad'), 0)::int as bad
    from citizen_feedback_moods(${bounds.previous}, ${bounds.end}) m join organisations o on o.id = ${organisationId}
    group by 1`;
  return { id: 'feedback', rows: (['good', 'ok', 'bad'] as const).map((k) => count(rows, k, (r) => r[k])) };
}

export function statisticsStore(sql: Sql) {
  /** Who the figures are about, from who asks: a worker's own work; a coordinator's organisation or named team. */
  async function scopeOf(tx: Tx, auth: Auth, teamId: string | undefined): Promise<Scope> {
    if (auth.role !== 'coordinator') {
      if (teamId !== undefined) {
        const [me] = await tx<{ team_id: string | null }[]>`select team_id from users where id = ${auth.userId}`;
        if (me?.team_id !== teamId) throw forbidden('A worker sees the figures of their own work only');
      }
      return { kind: 'own', workerId: auth.userId };
    }
    if (teamId === undefined) return { kind: 'organisation' };
    const [team] = await tx<StatisticsTeam[]>`select id, name from teams where id = ${teamId}`;
    if (!team) throw notFound('No such team');
    return { kind: 'team', team };
  }

  async function read(tx: Tx, auth: Auth, query: StatisticsQuery): Promise<Statistics> {
    const p = periods(query.from, query.to);
    const scope = await scopeOf(tx, auth, query.teamId);
    const [org] = await tx<{ zone: string; previous: Date; current: Date; stop: Date }[]>`
      select time_zone as zone,
             (${`${p.previousFrom}-01`}::date::timestamp at time zone time_zone) as previous,
             (${`${p.from}-01`}::date::timestamp at time zone time_zone) as current,
             (${`${p.afterTo}-01`}::date::timestamp at time zone time_zone) as stop
      from organisations where id = ${auth.organisationId}`;
    const teams = auth.role === 'coordinator' ? await tx<StatisticsTeam[]>`select id, name from teams where active order by name` : [];
    const figures = await computeFigures(tx, auth.organisationId, scope, { previous: org!.previous, current: org!.current, end: org!.stop });
    return {
      from: p.from, to: p.to, previousFrom: p.previousFrom, previousTo: p.previousTo, timeZone: org!.zone,
      scope: scope.kind, team: scope.kind === 'team' ? scope.team : null, teams, figures,
    };
  }

  /** Only a citizen I may work with: one in my caseload, or any of the organisation's for a coordinator. */
  async function citizenFor(tx: Tx, auth: Auth, citizenId: string): Promise<void> {
    const [row] = await tx`
      select 1 from users u where u.id = ${citizenId} and u.role = 'citizen' and u.anonymised_at is null
        and (${auth.role === 'coordinator'} or exists (select 1 from caseloads c where c.worker_id = ${auth.userId} and c.citizen_id = u.id))`;
    if (!row) throw notFound('No such citizen');
  }

  const travelOf = (r: { travel_km: string | null; travel_minutes: number | null }): Travel => ({
    km: r.travel_km === null ? null : Number(r.travel_km),
    minutes: r.travel_minutes,
  });

  return {
    statistics(auth: Auth, query: StatisticsQuery): Promise<Statistics> {
      return inOrganisation(sql, auth.organisationId, (tx) => read(tx, auth, query));
    },

    /** The figures for an export, with the export written to the audit trail (what and how many, never who). */
    exported(auth: Auth, query: StatisticsQuery, format: 'csv' | 'xlsx' | 'pdf'): Promise<{ statistics: Statistics; organisation: string }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const statistics = await read(tx, auth, query);
        const [org] = await tx<{ name: string }[]>`select name from organisations where id = ${auth.organisationId}`;
        const contacts = statistics.figures.find((f) => f.id === 'kinds')!.rows.reduce((sum, r) => sum + (r.current ?? 0), 0);
        await audit(tx, auth, 'statistics.exported', null, { format, from: statistics.from, to: statistics.to, scope: statistics.scope, contacts });
        return { statistics, organisation: org!.name };
      });
    },

    travel(auth: Auth, citizenId: string): Promise<Travel> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await citizenFor(tx, auth, citizenId);
        const [row] = await tx<{ travel_km: string | null; travel_minutes: number | null }[]>`select travel_km, travel_minutes from users where id = ${citizenId}`;
        await audit(tx, auth, 'citizen.travel.read', citizenId);
        return travelOf(row!);
      });
    },

    setTravel(auth: Auth, citizenId: string, body: PutTravelBody): Promise<Travel> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await citizenFor(tx, auth, citizenId);
        const [row] = await tx<{ travel_km: string | null; travel_minutes: number | null }[]>`
          update users set travel_km = ${body.km}, travel_minutes = ${body.minutes}, updated_at = now()
          where id = ${citizenId} returning travel_km, travel_minutes`;
        await audit(tx, auth, 'citizen.travel.set', citizenId);
        return travelOf(row!);
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    statistics: StatisticsStore;
  }
}
