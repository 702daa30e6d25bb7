/**
 * `npm run bench:booking`: 200 concurrent requests booking overlapping slots for one worker (exactly one may win),
 * then a throughput run of non-overlapping bookings against GET /api/health measured in the same run, over real
 * HTTP on loopback. Prints one JSON line last.
 */
import { performance } from 'node:perf_hooks';
import { startHarness } from '../tests/support/harness.js';
import { benchCluster } from './cluster.js';

const ATTEMPTS = 200;
const THROUGHPUT = Number(process.env.BENCH_BOOKINGS ?? 1000);
const CONCURRENCY = 20;

const cluster = await benchCluster();
const h = await startHarness({ LOG_LEVEL: 'warn' }, { serve: true });
const base = h.baseUrl;
const at = (values: number[], q: number) => Math.round([...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]! * 10) / 10;

try {
  const org = await h.seedOrganisation();
  const cookie = await h.login(org.workerEmail);
  const year = new Date().getUTCFullYear() + 1;
  const post = async (body: unknown) => {
    const t = performance.now();
    const response = await fetch(`${base}/api/appointments`, { method: 'POST', headers: { cookie, origin: base, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - t };
  };

  const race = await Promise.all(Array.from({ length: ATTEMPTS }, (_, i) =>
    post({ citizenId: org.citizenId, modality: 'video', start: `${year}-01-04T10:${String(i % 15).padStart(2, '0')}` })));

  const run = async (count: number, request: (i: number) => Promise<{ status: number }>) => {
    let next = 0;
    let errors = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) if ((await request(i)).status >= 300) errors++;
    }));
    return { perSecond: Math.round(count / ((performance.now() - started) / 1000)), errors };
  };
  // non-overlapping: consecutive 20-minute slots, 24 per day from 01 February
  const slot = (i: number) => {
    const d = new Date(Date.UTC(year, 1, 1 + Math.floor(i / 24), Math.floor((i % 24) / 3), (i % 3) * 20));
    return d.toISOString().slice(0, 16);
  };
  const bookings = await run(THROUGHPUT, (i) => post({ citizenId: org.citizenId, modality: 'phone', start: slot(i) }));
  const health = await run(THROUGHPUT, async () => {
    const response = await fetch(`${base}/api/health`);
    await response.arrayBuffer();
    return { status: response.status };
  });
  console.log(JSON.stringify({
    attempts: ATTEMPTS,
    succeeded: race.filter((r) => r.status === 201).length,
    conflicts: race.filter((r) => r.status === 409).length,
    errors: race.filter((r) => r.status !== 201 && r.status !== 409).length,
    p50_ms: at(race.map((r) => r.ms), 0.5),
    p99_ms: at(race.map((r) => r.ms), 0.99),
    throughput: { bookings: THROUGHPUT, bookings_per_second: bookings.perSecond, booking_errors: bookings.errors, health_per_second: health.perSecond, ratio_to_health: Math.round((bookings.perSecond / health.perSecond) * 100) / 100 },
  }));
} finally {
  await h.close();
  await cluster.stop();
}
