/**
 * `npm run bench:scale`: three hosts (the built server, HOST_ID a, b and c, each its own process) sharing one
 * PostgreSQL, as issue 14 runs them.
 *
 * 1. Placement: 300 calls placed (a session started, then its first room token asked for, through the hosts in turn),
 *    with churn — after every second placement one of the open calls, chosen at random, ends — so that "least loaded"
 *    has to follow what is open now, not what was placed. Printed: placements and open calls per host, and the
 *    largest deviation from an even share (target: within ±10 %).
 * 2. Cross-host push: a worker's live-events connection on host a and another on host b; 1,000 events (a session
 *    started or ended through host a tells its people, server/events/). For each event, the time from the request to
 *    its arrival on host a's connection (same host: the baseline) and on host b's (cross host, through socket.io's
 *    PostgreSQL adapter); p50/p95 of both, and of the difference (what crossing hosts adds).
 * Prints one JSON line last.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { SESSION_COOKIE } from '../server/auth/auth.js';
import { createOrganisation, upsertUser } from '../server/people/store.js';
import { freshDatabase, PASSWORD } from '../tests/support/harness.js';
import { startServerProcess, type ServerProcess } from '../tests/support/server-process.js';
import { benchCluster } from './cluster.js';

/** The q-quantile (nearest rank) to a tenth of a millisecond: crossing hosts may add less than one. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! * 10) / 10;
}

const PLACEMENTS = Number(process.env.BENCH_PLACEMENTS ?? 300);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const HOST_IDS = ['a', 'b', 'c'] as const;
/** Every host's pages and requests carry this origin (the reverse proxy's, in production). */
const PUBLIC_URL = 'http://naervaer.test';

const cluster = await benchCluster();
const db = await freshDatabase();
const hosts: ServerProcess[] = [];
const sockets: Socket[] = [];
process.once('exit', () => {
  for (const host of hosts) host.child.kill('SIGKILL');
});

try {
  const env = {
    DATABASE_URL: db.url, PUBLIC_URL, DISPATCHER: 'false', MEDIA_WORKERS: '1', RTC_LISTEN_IP: '127.0.0.1', SIGN_IN_RATE_LIMIT: '100000',
    SIGNING_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
  };
  for (const id of HOST_IDS) hosts.push(await startServerProcess({ ...env, HOST_ID: id, DATA_DIR: path.join(cluster.work, id) }));
  const [hostA, hostB] = hosts as [ServerProcess, ServerProcess, ServerProcess];

  const request = async (host: ServerProcess, url: string, body: unknown, cookie?: string) => {
    const response = await fetch(`${host.baseUrl}${url}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', origin: PUBLIC_URL, ...(cookie ? { cookie } : {}) },
    });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return response;
  };

  // A worker asks for at most 30 room tokens a minute (server/calls/limits.ts): the calls are spread over workers.
  const org = await createOrganisation(db.admin, 'Regionkommune');
  const workerCount = Math.ceil(PLACEMENTS / 25);
  const cookies: string[] = [];
  const workers: string[] = [];
  for (let w = 0; w < workerCount; w++) {
    const email = `bo-${w}@region.dk`;
    workers.push(await upsertUser(db.admin, { organisationId: org, role: 'worker', displayName: `Bo ${w}`, email, password: PASSWORD }));
    const login = await request(hosts[w % hosts.length]!, '/api/auth/login', { email, password: PASSWORD });
    cookies.push(login.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${SESSION_COOKIE}=`))!);
  }
  const citizens: string[] = [];
  for (let i = 0; i < PLACEMENTS; i++) citizens.push(await upsertUser(db.admin, { organisationId: org, role: 'citizen', displayName: `Borger ${i}` }));
  await db.admin`insert into caseloads (organisation_id, worker_id, citizen_id)
    select ${org}, (${workers}::uuid[])[(n - 1) % ${workerCount} + 1], c from unnest(${citizens}::uuid[]) with ordinality as t(c, n)`;
  const cookieOf = (i: number) => cookies[i % workerCount]!;
  const cookie = cookies[0]!;

  // --- 1. Placement with churn ---
  const placements = new Map<string, number>(HOST_IDS.map((id) => [id, 0]));
  const open: { callId: string; cookie: string }[] = [];
  for (let i = 0; i < PLACEMENTS; i++) {
    const via = hosts[i % hosts.length]!;
    const { id: callId } = (await (await request(via, '/api/calls', { citizenId: citizens[i] }, cookieOf(i))).json()) as { id: string };
    const { signallingPath } = (await (await request(via, `/api/calls/${callId}/token`, {}, cookieOf(i))).json()) as { signallingPath: string };
    const host = /^\/rtc\/([a-z0-9-]+)\//.exec(signallingPath)![1]!;
    placements.set(host, placements.get(host)! + 1);
    open.push({ callId, cookie: cookieOf(i) });
    if (i % 2 === 1) {
      const [ending] = open.splice(Math.floor(Math.random() * open.length), 1);
      await request(via, `/api/calls/${ending!.callId}/end`, {}, ending!.cookie);
    }
  }
  const openByHost = new Map<string, number>(HOST_IDS.map((id) => [id, 0]));
  for (const row of await db.admin<{ media_host: string; calls: number }[]>`
    select media_host, count(*)::int as calls from call_sessions where status = 'open' group by media_host`) openByHost.set(row.media_host, row.calls);
  const deviation = (counts: Map<string, number>) => {
    const values = [...counts.values()];
    const even = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.round((Math.max(...values.map((v) => Math.abs(v - even))) / even) * 1000) / 10;
  };

  // End what is still open: the push run starts and ends sessions of its own.
  for (const ending of open) await request(hostA, `/api/calls/${ending.callId}/end`, {}, ending.cookie);

  // --- 2. Cross-host push latency ---
  const listen = (host: ServerProcess) => new Promise<Socket & { arrivals: number[] }>((resolve, reject) => {
    const socket = io(`${host.baseUrl}/events`, { path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin: PUBLIC_URL, cookie } }) as Socket & { arrivals: number[] };
    sockets.push(socket);
    socket.arrivals = [];
    socket.on('openCallsChanged', () => socket.arrivals.push(performance.now()));
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
  const here = await listen(hostA);
  const there = await listen(hostB);
  const sameHost: number[] = [];
  const crossHost: number[] = [];
  const added: number[] = [];
  const waitFor = async (socket: { arrivals: number[] }, count: number) => {
    const deadline = performance.now() + 10_000;
    while (socket.arrivals.length < count) {
      if (performance.now() > deadline) throw new Error('an event did not arrive within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  let callId: string | undefined;
  for (let i = 0; i < EVENTS; i++) {
    const sent = performance.now();
    if (callId) {
      await request(hostA, `/api/calls/${callId}/end`, {}, cookie);
      callId = undefined;
    } else {
      callId = ((await (await request(hostA, '/api/calls', { citizenId: citizens[0] }, cookie)).json()) as { id: string }).id;
    }
    await Promise.all([waitFor(here, i + 1), waitFor(there, i + 1)]);
    sameHost.push(here.arrivals[i]! - sent);
    crossHost.push(there.arrivals[i]! - sent);
    added.push(there.arrivals[i]! - here.arrivals[i]!);
  }
  const ms = (values: number[]) => ({ p50: quantile(values, 0.5), p95: quantile(values, 0.95) });

  console.log(JSON.stringify({
    hosts: HOST_IDS.length,
    placement: {
      placed: PLACEMENTS,
      ended_meanwhile: Math.floor(PLACEMENTS / 2),
      placed_per_host: Object.fromEntries(placements),
      placed_max_deviation_from_even_pct: deviation(placements),
      open_per_host_at_end: Object.fromEntries(openByHost),
      open_max_deviation_from_even_pct: deviation(openByHost),
      target_pct: 10,
    },
    push: {
      events: EVENTS,
      same_host_ms: ms(sameHost),
      cross_host_ms: ms(crossHost),
      added_by_crossing_ms: ms(added),
      ratio_cross_to_same_p95: Math.round((quantile(crossHost, 0.95) / quantile(sameHost, 0.95)) * 100) / 100,
      carried_by: 'socket.io PostgreSQL adapter (LISTEN/NOTIFY)',
    },
  }));
} finally {
  for (const socket of sockets) socket.close();
  await Promise.all(hosts.map((host) => host.stop()));
  await db.drop();
  await cluster.stop();
}
