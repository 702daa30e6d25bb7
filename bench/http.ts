/**
 * `npm run bench`: requests per second for an authenticated, audited API read (GET /api/me: token check, session
 * row, RLS transaction) against GET /api/health (one `select 1`) as the baseline, measured in the same run over
 * real HTTP on loopback. Prints one JSON object.
 */
import { performance } from 'node:perf_hooks';
import { startHarness } from '../tests/support/harness.js';
import { benchCluster } from './cluster.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = 20;

async function measure(url: string, headers: Record<string, string>): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) {
        const t = performance.now();
        const response = await fetch(url, { headers });
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        await response.arrayBuffer();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100;
  return { perSecond: Math.round(REQUESTS / seconds), p50: at(0.5), p99: at(0.99) };
}

const cluster = await benchCluster();
const h = await startHarness({ LOG_LEVEL: 'warn' }, { serve: true });
try {
  const org = await h.seedOrganisation();
  const cookie = await h.login(org.workerEmail);
  const base = h.baseUrl;
  await measure(`${base}/api/health`, {}); // warm-up
  const health = await measure(`${base}/api/health`, {});
  const me = await measure(`${base}/api/me`, { cookie });
  console.log(JSON.stringify({
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    health: { requests_per_second: health.perSecond, p50_ms: health.p50, p99_ms: health.p99 },
    me: { requests_per_second: me.perSecond, p50_ms: me.p50, p99_ms: me.p99 },
    ratio_me_to_health: Math.round((me.perSecond / health.perSecond) * 100) / 100,
  }));
} finally {
  await h.close();
  await cluster.stop();
}
