/**
 * The figures counted straight from the rows (appointments, call sessions and participants, requests), without the
 * monthly summaries of migration 018: what the summaries must always equal (tests/statistics.test.ts compares them
 * after changes of every kind), and the baseline `npm run bench:stats` measures them against.
 */
import type { Figure, FigureRow, FigureUnit, StatisticsTeam } from '../../protocol/statistics.js';
import type { Tx } from '../../server/db/database.js';

export type Scope = { kind: 'organisation' } | { kind: 'team'; team: StatisticsTeam } | { kind: 'own'; workerId: string };

export interface Bounds {
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

export async function figuresFromRows(tx: Tx, organisationId: string, scope: Scope, bounds: Bounds): Promise<Figure[]> {
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
  return figures;
}
