/**
 * `npm run bench:duty`: how fast a citizen's "Jeg vil gerne tale med nogen" reaches the duty worker, and the claim
 * race. Over real HTTP and socket.io on loopback, against a real PostgreSQL:
 *  - request → push: from sending POST /api/my/contact-requests until the duty worker's /events connection hears
 *    `dutyRequestsChanged`; request → screen: until their GET /api/contact-requests then lists it (what the duty
 *    screen does on the event). p50/p95 over REQUESTS requests, each cancelled before the next.
 *  - baseline in the same run: a plain GET /api/me round trip of the same worker.
 *  - claim race: CLAIMERS concurrent claims of one video request: exactly one winner, the rest 409, one session.
 * Prints one JSON line last.
 */
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { PASSWORD, startHarness } from '../tests/support/harness.js';
import { SESSION_COOKIE } from '../server/auth/auth.js';
import { upsertUser } from '../server/people/store.js';
import { benchCluster } from './cluster.js';

const REQUESTS = Number(process.env.BENCH_DUTY_REQUESTS ?? 40);
const CLAIMERS = Number(process.env.BENCH_DUTY_CLAIMERS ?? 50);

const cluster = await benchCluster();
const h = await startHarness({ LOG_LEVEL: 'warn' }, { serve: true });
const base = h.baseUrl;
const at = (values: number[], q: number) => Math.round([...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]! * 10) / 10;

async function call(method: string, url: string, cookie: string, body?: unknown): Promise<{ status: number; json: unknown; ms: number }> {
  const t = performance.now();
  const response = await fetch(`${base}${url}`, {
    method, headers: { cookie, origin: base, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null, ms: performance.now() - t };
}

try {
  const org = await h.seedOrganisation();
  const coordinator = await h.login(org.coordinatorEmail);
  const worker = await h.login(org.workerEmail);
  // The citizen signs in with a link, as on their phone.
  const link = await call('POST', `/api/citizens/${org.citizenId}/links`, worker);
  const exchanged = await fetch(`${base}/api/citizen-links/exchange`, {
    method: 'POST', headers: { origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ secret: new URL((link.json as { url: string }).url).hash.slice(1) }),
  });
  const citizen = `${SESSION_COOKIE}=${/naervaer_session=([^;]+)/.exec(exchanged.headers.get('set-cookie') ?? '')![1]}`;

  // Bo's day team is covered by the night team; Nina is on a night shift now; Bo has no working hours: duty answers.
  const [day] = await h.admin<{ id: string }[]>`insert into teams (organisation_id, name) values (${org.id}, 'Bostøtte') returning id`;
  const [night] = await h.admin<{ id: string }[]>`insert into teams (organisation_id, name) values (${org.id}, 'Nattevagt') returning id`;
  await h.admin`update users set team_id = ${day!.id} where id = ${org.workerId}`;
  await call('PUT', `/api/duty/teams/${night!.id}`, coordinator, { dutyPhone: null, covers: [day!.id] });
  const ninaId = await upsertUser(h.admin, { organisationId: org.id, role: 'worker', displayName: 'Nina Nattevagt', email: 'nina@bench.naervaer.dk', password: PASSWORD });
  await h.admin`
    insert into duty_shifts (organisation_id, team_id, worker_id, worker_role, starts_at, ends_at)
    values (${org.id}, ${night!.id}, ${ninaId}, 'worker', now() - interval '1 hour', now() + interval '8 hours')`;
  const nina = await h.login('nina@bench.naervaer.dk');

  const socket = io(`${base}/events`, { path: '/socket.io/', transports: ['websocket'], reconnection: false, extraHeaders: { origin: base, cookie: nina } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  let onEvent: (() => void) | undefined;
  socket.on('dutyRequestsChanged', () => onEvent?.());

  const push: number[] = [];
  const screen: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const heard = new Promise<number>((resolve) => (onEvent = () => resolve(performance.now())));
    const started = performance.now();
    const made = await call('POST', '/api/my/contact-requests', citizen, { way: 'video' });
    const id = (made.json as { request: { id: string } }).request.id;
    const heardAt = await heard;
    onEvent = undefined;
    push.push(heardAt - started);
    const list = await call('GET', '/api/contact-requests', nina);
    if (!(list.json as { id: string }[]).some((r) => r.id === id)) throw new Error('the duty list does not show the request');
    screen.push(performance.now() - started);
    // Cancelling tells Nina too: wait for that event, so it is not taken for the next request's.
    const cancelled = new Promise<void>((resolve) => (onEvent = resolve));
    await call('POST', `/api/my/contact-requests/${id}/cancel`, citizen);
    await cancelled;
    onEvent = undefined;
  }
  const baseline: number[] = [];
  for (let i = 0; i < REQUESTS; i++) baseline.push((await call('GET', '/api/me', nina)).ms);

  // The claim race: Nina and Bo (his citizen) both press "Jeg tager den", many times at once.
  const made = await call('POST', '/api/my/contact-requests', citizen, { way: 'video' });
  const requestId = (made.json as { request: { id: string } }).request.id;
  const race = await Promise.all(Array.from({ length: CLAIMERS }, (_, i) => call('POST', `/api/contact-requests/${requestId}/claim`, i % 2 ? worker : nina)));
  const [sessions] = await h.admin<{ n: number }[]>`select count(*)::int as n from call_sessions where citizen_id = ${org.citizenId} and kind = 'citizen_initiated'`;
  socket.disconnect();

  console.log(JSON.stringify({
    requests: REQUESTS,
    request_to_push_ms: { p50: at(push, 0.5), p95: at(push, 0.95) },
    request_to_screen_ms: { p50: at(screen, 0.5), p95: at(screen, 0.95) },
    baseline_get_me_ms: { p50: at(baseline, 0.5), p95: at(baseline, 0.95) },
    claim_race: {
      claimers: CLAIMERS,
      winners: race.filter((r) => r.status === 200).length,
      already_claimed: race.filter((r) => r.status === 409 && (r.json as { error: { code: string } }).error.code === 'already_claimed').length,
      other: race.filter((r) => r.status !== 200 && r.status !== 409).length,
      sessions: sessions!.n,
      p50_ms: at(race.map((r) => r.ms), 0.5),
      p95_ms: at(race.map((r) => r.ms), 0.95),
    },
  }));
} finally {
  await h.close();
  await cluster.stop();
}
