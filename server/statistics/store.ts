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
import type { PendingQuery, Row, Sql } from 'postgres';
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

export interface Bounds {
  /** Start of the previous period, start of the period, end of the period (exclusive): instants of local midnights. */
  previous: Date;
  current: Date;
  end: Date;
  /** The same as the first days of local months (YYYY-MM-01): the previous period's first, the period's first and last. */
  months: { previous: string; current: string; last: string };
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
  // Contacts, travel and calls from the monthly summaries (migration 018), which the triggers keep equal to the rows.
  const { previous: m0, current: m1, last: m2 } = bounds.months;
  const byWorker = scope.kind === 'own' ? tx`worker_id = ${scope.workerId}`
    : scope.kind === 'team' ? tx`worker_id in (select id from users where team_id = ${scope.team.id})`
    : tx`true`;
  const contacts = await tx<ContactRow[]>`
    select cur,
           sum(n) filter (where way = 'video')::int as video, sum(n) filter (where way = 'phone')::int as phone,
           sum(n) filter (where way = 'home_visit')::int as home_visit, sum(n) filter (where way = 'chat')::int as chat,
           sum(n) filter (where kind = 'planned')::int as planned, sum(n) filter (where kind = 'ad_hoc')::int as ad_hoc,
           sum(n) filter (where kind = 'citizen_initiated')::int as citizen_initiated,
           sum(n) filter (where outcome = 'held')::int as held, sum(n) filter (where outcome = 'no_show')::int as no_show,
           sum(n) filter (where outcome = 'technical_failure')::int as technical_failure,
           sum(travel_n)::int as travel_n, sum(travel_km) as travel_km, sum(travel_minutes) as travel_minutes
    from (
      select month >= ${m1}::date as cur, way, kind, outcome, contacts as n, 0 as travel_n, null::numeric as travel_km, null::numeric as travel_minutes
      from statistics_contacts
      where organisation_id = ${organisationId} and month between ${m0}::date and ${m2}::date and ${byWorker}
      union all
      -- held, planned video/phone with a citizen whose distance is set: home visits not driven
      select t.month >= ${m1}::date, null, null, null, 0, t.contacts, t.contacts * 2 * u.travel_km, t.contacts * 2 * u.travel_minutes
      from statistics_travel t join users u on u.id = t.citizen_id
      where t.organisation_id = ${organisationId} and t.month between ${m0}::date and ${m2}::date and u.travel_km is not null and ${byWorker}
    ) parts
    group by cur`;
  for (const row of contacts) for (const key of Object.keys(row) as (keyof ContactRow)[]) if (row[key] === null && key !== 'travel_km' && key !== 'travel_minutes') (row as Record<string, unknown>)[key] = 0;

  type CallRow = Pair & { calls: number; audio_only: number; rtt_n: number; loss_n: number; rtt: number | null; loss: number | null };
  const callCounts = await tx<{ cur: boolean; calls: number; audio_only: number }[]>`
    select month >= ${m1}::date as cur, sum(calls)::int as calls, sum(audio_only_calls)::int as audio_only
    from statistics_calls where organisation_id = ${organisationId} and month between ${m0}::date and ${m2}::date and ${byWorker}
    group by 1`;
  const quality = scope.kind === 'organisation' ? await organisationQuality(tx, organisationId, bounds) : await rawQuality(tx, organisationId, byStaff('s.worker_id'), bounds);
  const calls: CallRow[] = [true, false].flatMap((cur) => {
    const counts = callCounts.find((r) => r.cur === cur);
    const q = quality.find((r) => r.cur === cur);
    if (!counts && !q) return [];
    return [{ cur, calls: counts?.calls ?? 0, audio_only: counts?.audio_only ?? 0, rtt_n: q?.rtt_n ?? 0, loss_n: q?.loss_n ?? 0, rtt: q?.rtt ?? null, loss: q?.loss ?? null }];
  });

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
        // The share rests on its numerator too: 3 of 12 as "25 %" would give away the count "<5" hides.
        line(calls, 'audioOnlyShare', 'percent', (r) => (r.calls ? round((100 * r.audio_only) / r.calls) : null), (r) => (r.audio_only > 0 && r.audio_only < 5 ? r.audio_only : r.calls)),
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

/** A piece of a query (a condition) to put inside another. */
type Fragment = PendingQuery<Row[]>;
type QualityRow = Pair & { rtt_n: number; loss_n: number; rtt: number | null; loss: number | null };

/** percentile_cont over a histogram: the value at position q × (n − 1), between the two values around it. */
function percentile(buckets: { value: number; n: number }[], q: number): number | null {
  const total = buckets.reduce((sum, b) => sum + b.n, 0);
  if (total === 0) return null;
  const at = (index: number) => {
    let seen = 0;
    for (const b of buckets) {
      seen += b.n;
      if (index < seen) return b.value;
    }
    return buckets[buckets.length - 1]!.value;
  };
  const position = q * (total - 1);
  const low = Math.floor(position);
  return at(low) + (position - low) * (at(Math.ceil(position)) - at(low));
}

/** The organisation's medians from statistics_quality: how many participants had each round trip and loss. */
async function organisationQuality(tx: Tx, organisationId: string, bounds: Bounds): Promise<QualityRow[]> {
  const rows = await tx<{ cur: boolean; metric: 'rtt' | 'loss'; value: string; n: number }[]>`
    select month >= ${bounds.months.current}::date as cur, metric, value, sum(participants)::int as n
    from statistics_quality
    where organisation_id = ${organisationId} and month between ${bounds.months.previous}::date and ${bounds.months.last}::date
    group by 1, 2, 3 having sum(participants) > 0 order by value`;
  return [true, false].flatMap((cur) => {
    const of = (metric: 'rtt' | 'loss') => rows.filter((r) => r.cur === cur && r.metric === metric).map((r) => ({ value: Number(r.value), n: r.n }));
    const rtt = of('rtt');
    const loss = of('loss');
    if (rtt.length === 0 && loss.length === 0) return [];
    const n = (buckets: { n: number }[]) => buckets.reduce((sum, b) => sum + b.n, 0);
    return [{ cur, rtt_n: n(rtt), loss_n: n(loss), rtt: percentile(rtt, 0.5), loss: percentile(loss, 0.5) }];
  });
}

/** A team's or a worker's medians, from their sessions' participants (rounded as the summary rounds them). */
async function rawQuality(tx: Tx, organisationId: string, byStaff: Fragment, bounds: Bounds): Promise<QualityRow[]> {
  return tx<QualityRow[]>`
    select s.started_at >= ${bounds.current} as cur,
           count(p.rtt_ms_avg)::int as rtt_n, count(p.packet_loss_pct_avg)::int as loss_n,
           percentile_cont(0.5) within group (order by round(p.rtt_ms_avg::numeric, 0)) as rtt,
           percentile_cont(0.5) within group (order by round(p.packet_loss_pct_avg::numeric, 2)) as loss
    from call_sessions s join call_participants p on p.session_id = s.id
    where s.organisation_id = ${organisationId} and s.started_at >= ${bounds.previous} and s.started_at < ${bounds.end}
      and p.quality_samples > 0 and ${byStaff}
    group by 1`;
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
    const figures = await computeFigures(tx, auth.organisationId, scope, {
      previous: org!.previous, current: org!.current, end: org!.stop,
      months: { previous: `${p.previousFrom}-01`, current: `${p.from}-01`, last: `${p.to}-01` },
    });
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
