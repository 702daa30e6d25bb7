/**
 * `npm run bench:join`: time from a (previously admitted) citizen pressing "Deltag" to the first decoded remote
 * video frame, over ≥10 joins in Chromium, against a bare mediasoup-client page (bench/bare-page.ts) measured in
 * the same run as the baseline. Prints one JSON line last.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { CLIENT_DIR } from '../server/paths.js';
import { launchChromium } from '../tests/support/browser.js';
import { citizenCookie, expectMediaFlowing, meetThroughWaitingRoom, signedInContext } from '../tests/support/calls.js';
import { startHarness } from '../tests/support/harness.js';
import { benchCluster } from './cluster.js';

const RUNS = Math.max(10, Number(process.env.BENCH_RUNS ?? 12));

const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
};

const cluster = await benchCluster();
const clientDir = path.join(cluster.work, 'client');
fs.cpSync(CLIENT_DIR, clientDir, { recursive: true });
await build({ entryPoints: [path.join(import.meta.dirname, 'bare-page.ts')], bundle: true, format: 'esm', outfile: path.join(clientDir, 'bare.js'), logLevel: 'warning' });
fs.writeFileSync(path.join(clientDir, 'bare.html'), '<!doctype html><html lang="en"><title>bare</title><body><script type="module" src="/bare.js"></script></body></html>');

const h = await startHarness({ LOG_LEVEL: 'warn' }, { serve: true, clientDir });
const baseUrl = h.baseUrl;
const browser = await launchChromium({ cameraFps: 20, camera: 'vga' }); // a real camera's rate and size: what is measured
try {
  const org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const worker = await (await signedInContext(browser, baseUrl, workerCookie)).newPage();
  const citizen = await (await signedInContext(browser, baseUrl, await citizenCookie(h, org, workerCookie))).newPage();

  await meetThroughWaitingRoom(worker, citizen, baseUrl);
  await expectMediaFlowing(citizen);
  const callId = ((await h.admin`select id from call_sessions`)[0]!.id) as string;
  // A room token carries the sign-in it was issued under (signing out ends the call); the citizen's is the live one.
  const citizenSignIn = ((await h.admin`select id from auth_sessions where user_id = ${org.citizenId} and revoked_at is null`)[0]!.id) as string;

  const product: number[] = [];
  let roundtrips = 0;
  for (let run = 0; run < RUNS; run++) {
    await citizen.getByRole('button', { name: 'Forlad samtalen' }).click();
    await citizen.getByRole('button', { name: 'Tilbage' }).click();
    await citizen.getByRole('button', { name: 'Deltag' }).click();
    await citizen.locator('video.preview').waitFor();
    const result = await citizen.evaluate(async () => {
      const join = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Deltag')!;
      // The probe the tests install (tests/support/browser.ts) keeps the page's peer connections and counts
      // signalling requests: a connection made after the click that decodes video means the join is done.
      const probe = window.callProbe!;
      const connectionsBefore = probe.connections.length;
      const requestsBefore = probe.signalRequests;
      const started = performance.now();
      join.click();
      for (;;) {
        for (const pc of probe.connections.slice(connectionsBefore)) {
          if (pc.signalingState === 'closed') continue;
          const stats = await pc.getStats();
          let decoded = 0;
          stats.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video') decoded += s.framesDecoded ?? 0;
          });
          if (decoded > 0) return { ms: performance.now() - started, roundtrips: probe.signalRequests - requestsBefore };
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
    product.push(result.ms);
    roundtrips = result.roundtrips;
  }
  await citizen.getByRole('button', { name: 'Forlad samtalen' }).click();

  const baseline: number[] = [];
  const bare = await (await browser.newContext()).newPage();
  for (let run = 0; run < RUNS; run++) {
    const token = await h.tokens.sign({ sub: org.citizenId, org: org.id, role: 'citizen', sid: citizenSignIn, call: callId }, 'signal', new Date(Date.now() + 60_000));
    await bare.goto(`${baseUrl}/bare.html#token=${token}`);
    const result = await bare.waitForFunction(() => window.benchResult, undefined, { timeout: 20_000 }).then((r) => r.jsonValue());
    if ('error' in result!) throw new Error(result.error);
    baseline.push(result!.ms);
  }

  console.log(JSON.stringify({
    runs: RUNS,
    join_to_first_frame_ms: { p50: percentile(product, 0.5), p95: percentile(product, 0.95), max: Math.round(Math.max(...product)) },
    signalling_roundtrips: roundtrips,
    baseline_p50_ms: percentile(baseline, 0.5),
    ratio_p50_to_baseline: Math.round((percentile(product, 0.5) / percentile(baseline, 0.5)) * 100) / 100,
  }));
} finally {
  await browser.close();
  await h.close();
  await cluster.stop();
}
