/**
 * `npm run bench:stats`: the figures over three years of a large municipality's activity, in a throwaway database.
 *
 * Volume: 2,000 citizens with 20 contacts a month each for 36 months = 1.44 M appointments (100 workers in 10 teams,
 * 20 citizens each), a video session with two participants' quality for every held video appointment, and one
 * request a month per citizen. Seeded with SQL straight into the tables (the routes would take hours) with triggers
 * off, then the summaries built once by statistics_rebuild (as the migration does); the two no-double-booking
 * constraints are dropped first in this database — they guard writes, the figures never read them.
 *
 * Measured, each ROUNDS times after a warm-up, for the most recent full month beside the month before:
 *  - http: GET /api/statistics for the whole organisation (in-process, as a coordinator: route, RLS, JSON);
 *  - query: the same figures straight from the store (server/statistics/store.ts computeFigures);
 *  - baseline: the same figures counted straight from the raw rows (tests/support/raw-figures.ts), without the
 *    monthly summaries migration 018 keeps. ratio = baseline p50 / query p50.
 * Prints one JSON line last. BENCH_STATS_CITIZENS and BENCH_STATS_MONTHS make it smaller for a quick look.
 */
import { performance } from 'node:perf_hooks';
import { startHarness } from '../tests/support/harness.js';
import { inOrganisation } from '../server/db/database.js';
import { computeFigures } from '../server/statistics/store.js';
import { figuresFromRows } from '../tests/support/raw-figures.js';
import { benchCluster } from './cluster.js';

const CITIZENS = Number(process.env.BENCH_STATS_CITIZENS ?? 2000);
const MONTHS = Number(process.env.BENCH_STATS_MONTHS ?? 36);
const PER_MONTH = 20;
const PER_WORKER = 20;
const TEAMS = 10;
const ROUNDS = Number(process.env.BENCH_STATS_ROUNDS ?? 20);

const cluster = await benchCluster();
const h = await startHarness({ LOG_LEVEL: 'warn' });
const at = (values: number[], q: number) => Math.round([...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]! * 10) / 10;

try {
  const org = await h.seedOrganisation('Storkommune');
  const coordinator = await h.login(org.coordinatorEmail);
  const seedStart = performance.now();
  // One connection for the whole seed: its temporary tables and session_replication_role are per connection.
  const a = await h.admin.reserve();
  const workers = Math.ceil(CITIZENS / PER_WORKER);
  await a`alter table appointments drop constraint appointments_worker_no_overlap, drop constraint appointments_citizen_no_overlap`;
  await a`insert into teams (organisation_id, name) select ${org.id}, 'Team ' || t from generate_series(1, ${TEAMS}) t`;
  await a`
    insert into users (organisation_id, team_id, role, display_name, email)
    select ${org.id}, (select id from teams where organisation_id = ${org.id} and name = 'Team ' || (1 + w % ${TEAMS})), 'worker', 'Medarbejder ' || w, 'w' || w || '@bench.naervaer.dk'
    from generate_series(0, ${workers - 1}) w`;
  await a`
    insert into users (organisation_id, role, display_name, travel_km, travel_minutes)
    select ${org.id}, 'citizen', 'Borger ' || c, case when c % 4 = 0 then null else 2 + (c % 37) end, case when c % 4 = 0 then null else 5 + (c % 50) end
    from generate_series(0, ${CITIZENS - 1}) c`;
  // Numbered people, so rows can be made by arithmetic: worker w holds citizens w*20 … w*20+19.
  await a`create temporary table bench_workers as select row_number() over (order by display_name collate "C") - 1 as n, id from users where organisation_id = ${org.id} and email like 'w%@bench.naervaer.dk'`;
  await a`create temporary table bench_citizens as select (substring(display_name from 8))::int as n, id from users where organisation_id = ${org.id} and display_name like 'Borger %'`;
  await a`
    insert into caseloads (organisation_id, worker_id, citizen_id)
    select ${org.id}, w.id, c.id from bench_citizens c join bench_workers w on w.n = c.n / ${PER_WORKER}`;

  // Month m (0 = the oldest), contact k on day k+1, at a slot of its own in the worker's day (30 min per citizen).
  const first = new Date();
  first.setUTCDate(1);
  first.setUTCMonth(first.getUTCMonth() - MONTHS);
  const firstMonth = first.toISOString().slice(0, 7);
  await a`set session_replication_role = replica`;
  await a`
    insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, status, created_by)
    select ${org.id}, w.id, c.id, s.t, s.t + interval '25 minutes',
           (array['video', 'video', 'video', 'video', 'video', 'video', 'video', 'video', 'video', 'video',
                  'phone', 'phone', 'phone', 'phone', 'home_visit', 'home_visit', 'home_visit', 'home_visit', 'home_visit', 'chat'])[1 + (c.n * 7 + k + m) % 20],
           (array['held', 'held', 'held', 'held', 'held', 'held', 'held', 'held', 'held', 'held', 'held', 'held', 'held', 'held', 'held', 'held',
                  'no_show', 'no_show', 'technical_failure', 'cancelled'])[1 + (c.n * 3 + k * 11 + m) % 20],
           w.id
    from bench_citizens c join bench_workers w on w.n = c.n / ${PER_WORKER},
         generate_series(0, ${MONTHS - 1}) m, generate_series(0, ${PER_MONTH - 1}) k,
         lateral (select ((${`${firstMonth}-01`}::date + make_interval(months => m, days => k))::timestamp
                          + make_interval(hours => 8, mins => 30 * (c.n % ${PER_WORKER}))) at time zone 'Europe/Copenhagen' as t) s`;
  await a`
    insert into call_sessions (organisation_id, worker_id, citizen_id, kind, status, created_at, started_at, ended_at, end_reason, appointment_id, outcome, outcome_by, outcome_at)
    select organisation_id, worker_id, citizen_id, 'planned', 'ended', starts_at, starts_at, starts_at + interval '20 minutes', 'ended_by_staff', id, 'held', worker_id, starts_at + interval '20 minutes'
    from appointments where organisation_id = ${org.id} and modality = 'video' and status = 'held'`;
  await a`
    insert into call_participants (organisation_id, session_id, user_id, role, admitted_at, audio_only_used, quality_samples, rtt_ms_avg, packet_loss_pct_avg)
    select s.organisation_id, s.id, p.user_id, p.role, s.started_at, p.role = 'citizen' and hashtext(s.id::text) % 7 = 0, 10,
           30 + abs(hashtext(s.id::text || p.role)) % 150, (abs(hashtext(p.role || s.id::text)) % 400) / 100.0
    from call_sessions s, lateral (values (s.worker_id, 'worker'), (s.citizen_id, 'citizen')) p(user_id, role)
    where s.organisation_id = ${org.id}`;
  await a`
    insert into contact_requests (organisation_id, citizen_id, way, status, answerer, own_worker_id, answer_by, claimed_by, claimed_at, ended_at, created_at)
    select ${org.id}, c.id, (array['video', 'phone', 'chat'])[1 + (c.n + m) % 3], case when (c.n + m) % 10 = 0 then 'cancelled' else 'closed' end,
           'own_worker', w.id, r.t + interval '10 minutes',
           case when (c.n + m) % 10 = 0 then null else w.id end,
           case when (c.n + m) % 10 = 0 then null else r.t + make_interval(mins => 1 + (c.n * 13 + m) % 45) end,
           r.t + interval '1 hour', r.t
    from bench_citizens c join bench_workers w on w.n = c.n / ${PER_WORKER}, generate_series(0, ${MONTHS - 1}) m,
         lateral (select ((${`${firstMonth}-01`}::date + make_interval(months => m, days => 25))::timestamp + interval '19 hours') at time zone 'Europe/Copenhagen' as t) r`;
  await a`set session_replication_role = origin`;
  await a`select statistics_rebuild(${org.id})`;
  await a`vacuum analyze appointments, call_sessions, call_participants, contact_requests, users`;
  const [counts] = await a<{ appointments: number; sessions: number; participants: number; requests: number }[]>`
    select (select count(*)::int from appointments) as appointments, (select count(*)::int from call_sessions) as sessions,
           (select count(*)::int from call_participants) as participants, (select count(*)::int from contact_requests) as requests`;
  a.release();
  const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;

  // The last full month seeded, beside the one before.
  const last = new Date(`${firstMonth}-01T12:00:00Z`);
  last.setUTCMonth(last.getUTCMonth() + MONTHS - 1);
  const month = last.toISOString().slice(0, 7);
  const [bounds] = await h.admin<{ previous: Date; current: Date; end: Date }[]>`
    select (${`${month}-01`}::date - interval '1 month')::timestamp at time zone 'Europe/Copenhagen' as previous,
           ${`${month}-01`}::date::timestamp at time zone 'Europe/Copenhagen' as current,
           (${`${month}-01`}::date + interval '1 month')::timestamp at time zone 'Europe/Copenhagen' as "end"`;

  const previousMonth = new Date(bounds!.previous.getTime() + 12 * 3600_000).toISOString().slice(0, 8) + '01';
  const time = async (run: () => Promise<unknown>): Promise<number[]> => {
    await run();
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = performance.now();
      await run();
      ms.push(performance.now() - t);
    }
    return ms;
  };
  let contactsInMonth = 0;
  const http = await time(async () => {
    const response = await h.request('GET', `/api/statistics?from=${month}&to=${month}`, { cookie: coordinator });
    if (response.statusCode !== 200) throw new Error(`GET /api/statistics: ${response.statusCode} ${response.body}`);
    const kinds = (response.json() as { figures: { id: string; rows: { current: number | null }[] }[] }).figures.find((f) => f.id === 'kinds')!;
    contactsInMonth = kinds.rows.reduce((sum, r) => sum + (r.current ?? 0), 0);
  });
  const months = { previous: previousMonth, current: `${month}-01`, last: `${month}-01` };
  const query = await time(() => inOrganisation(h.sql, org.id, (tx) => computeFigures(tx, org.id, { kind: 'organisation' }, { ...bounds!, months })));
  const baseline = await time(() => inOrganisation(h.sql, org.id, (tx) => figuresFromRows(tx, org.id, { kind: 'organisation' }, bounds!)));

  console.log(JSON.stringify({
    citizens: CITIZENS, months: MONTHS, month,
    rows: { ...counts, contacts_in_month: contactsInMonth },
    seed_s: seedSeconds,
    http_ms: { p50: at(http, 0.5), p95: at(http, 0.95) },
    query_ms: { p50: at(query, 0.5), p95: at(query, 0.95) },
    baseline_from_rows_ms: { p50: at(baseline, 0.5), p95: at(baseline, 0.95) },
    ratio: Math.round((at(baseline, 0.5) / at(query, 0.5)) * 10) / 10,
    target_ms: 300,
  }));
} finally {
  await h.close();
  await cluster.stop();
}
