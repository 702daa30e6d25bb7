/**
 * `npm run bench:network`: a 1:1 call (two real Chromiums, real media through the SFU) under each of the impairment
 * lab's profiles for BENCH_SECONDS (60 by default), and through a 10 s outage and a network switch. Measured in the
 * citizen's page, from WebRTC's own counters: received frames a second, freezes (a gap of over 500 ms between decoded
 * frames; count, total and longest after the first 10 s), audio concealment %, time to the first decoded frame after
 * the network returns or switches, and whether sound only was suggested.
 *
 * The same calls are run with a client built with VITE_ADAPTIVE_VIDEO=off (one plain layer, fixed bitrate, no
 * suggestion: the product before adaptive video) as the baseline, in the same run; the ratios compare the two.
 * Prints one JSON line last.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { freePort } from '../server/db/embedded.js';
import { CLIENT_DIR } from '../server/paths.js';
import { launchChromium } from '../tests/support/browser.js';
import { citizenCookie, expectMediaFlowing, meetThroughWaitingRoom, signedInContext } from '../tests/support/calls.js';
import { startHarness, type Harness } from '../tests/support/harness.js';
import { NetLab, PROFILES, type NetworkProfile } from '../tests/support/netlab.js';
import { benchCluster } from './cluster.js';

const SECONDS = Math.max(20, Number(process.env.BENCH_SECONDS ?? 60));
/** Freezes in the first seconds (the encoder and the bandwidth estimate starting up) are not counted. */
const SETTLE_SECONDS = 10;
/** A gap between decoded frames longer than this is a freeze (WebRTC's own rule is about three frame times). */
const FREEZE_MS = 500;
/** BENCH_TRACE=1 prints both pages' video counters around every freeze to stderr. */
const TRACE = process.env.BENCH_TRACE === '1';

interface Sample {
  /** Seconds since the scenario started. */
  t: number;
  frames: number;
  concealed: number;
  samples: number;
  suggested: boolean;
}

/** In the page: every 100 ms, totals over all its peer connections (old ones after a rejoin included, by deltas). */
function installSampler(): void {
  const w = window as unknown as { benchSamples: Sample[]; benchStart: number };
  w.benchSamples = [];
  w.benchStart = performance.now();
  const last = new Map<string, number>();
  const totals = { frames: 0, concealed: 0, samples: 0 };
  const add = (key: string, value: number, into: 'frames' | 'concealed' | 'samples') => {
    const before = last.get(key) ?? 0;
    if (value > before) totals[into] += value - before;
    last.set(key, value);
  };
  window.setInterval(async () => {
    const connections = window.callProbe?.connections ?? [];
    for (const [i, pc] of connections.entries()) {
      if (pc.signalingState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        const key = `${i}:${String(s.id)}`;
        if (s.kind === 'video') add(`${key}:f`, Number(s.framesDecoded ?? 0), 'frames');
        if (s.kind === 'audio') {
          add(`${key}:c`, Number(s.concealedSamples ?? 0), 'concealed');
          add(`${key}:s`, Number(s.totalSamplesReceived ?? 0), 'samples');
        }
      });
    }
    w.benchSamples.push({ t: (performance.now() - w.benchStart) / 1000, ...totals, suggested: !!document.querySelector('[data-testid="suggest-audio-only"]') });
  }, 100);
}

/** One reading of a page's video counters (BENCH_TRACE=1): the receiving side's inbound or the sending side's outbound. */
interface TraceRow {
  t: number;
  [counter: string]: number;
}

/**
 * In a page, with BENCH_TRACE=1: every 100 ms the cumulative counters of its video streams, inbound (`in`) or outbound
 * (`out`), summed over its connections: what explains a freeze (a lost packet asked for again, a picture-loss
 * request, a keyframe).
 */
function installTrace(direction: 'in' | 'out', startEpochMs: number): void {
  const w = window as unknown as { benchTrace: TraceRow[]; benchSignals: string[] };
  w.benchTrace = [];
  w.benchSignals = [];
  // The signalling requests the page sends from now on (socket.io event packets: 42<ack id>["name",…]).
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const event = typeof data === 'string' ? /^42\d*\["([A-Za-z]+)"/.exec(data)?.[1] : undefined;
    if (event) w.benchSignals.push(`${(Date.now() - startEpochMs) / 1000} ${event}`);
    return send.call(this, data);
  };
  const names = direction === 'in'
    ? ['framesReceived', 'framesDecoded', 'framesDropped', 'keyFramesDecoded', 'packetsReceived', 'packetsLost', 'nackCount', 'pliCount', 'firCount', 'retransmittedPacketsReceived', 'jitterBufferEmittedCount', 'freezeCount', 'totalFreezesDuration']
    : ['framesEncoded', 'keyFramesEncoded', 'packetsSent', 'retransmittedPacketsSent', 'nackCount', 'pliCount', 'firCount', 'targetBitrate', 'frameHeight'];
  window.setInterval(async () => {
    const row: TraceRow = { t: Math.round(Date.now() - startEpochMs) / 1000 };
    for (const pc of window.callProbe?.connections ?? []) {
      if (pc.signalingState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'candidate-pair' && s.nominated) {
          row.checksSent = (row.checksSent ?? 0) + Number(s.requestsSent ?? 0);
          row.checksAnswered = (row.checksAnswered ?? 0) + Number(s.responsesReceived ?? 0);
        }
        if (s.type !== (direction === 'in' ? 'inbound-rtp' : 'outbound-rtp') || s.kind !== 'video') return;
        // Per stream (its SSRC's last digits): a stale stream beside the live one must not blur the picture.
        const stream = String(s.ssrc).slice(-3);
        for (const name of names) if (typeof s[name] === 'number') row[`${stream}.${name}`] = (row[`${stream}.${name}`] ?? 0) + (s[name] as number);
        if (typeof s.qualityLimitationReason === 'string') row.limited = ['none', 'cpu', 'bandwidth', 'other'].indexOf(s.qualityLimitationReason);
      });
    }
    w.benchTrace.push(row);
  }, 100);
}

/** A counter between two rows: a level (a target bitrate, a frame height) as it is now, a count as what it added. */
function change(name: string, now: TraceRow, before: TraceRow): string {
  return /targetBitrate|frameHeight|limited/.test(name) ? `${name}=${now[name]}` : `${name}+${now[name]! - (before[name] ?? 0)}`;
}

/** The trace around each freeze: both pages' counters from a second before it to half a second after, as changes. */
function printFreezeTraces(scenario: string, samples: Sample[], receiver: TraceRow[], sender: TraceRow[]): void {
  for (const [side, rows] of [['citizen in', receiver], ['worker out', sender]] as const) {
    const [first, last] = [rows[0], rows.at(-1)];
    if (!first || !last) continue;
    const totals = Object.keys(last).filter((k) => k !== 't').map((k) => change(k, last, first));
    console.error(`[trace] ${scenario} ${side}, whole run: ${totals.join(' ')}`);
  }
  const frameTimes = frameTimesOf(samples);
  for (let i = 1; i < frameTimes.length; i++) {
    const [from, to] = [frameTimes[i - 1]!, frameTimes[i]!];
    if ((to - from) * 1000 <= FREEZE_MS) continue;
    console.error(`\n[trace] ${scenario}: no frame decoded from ${from.toFixed(1)} s to ${to.toFixed(1)} s`);
    for (const [side, rows] of [['citizen in', receiver], ['worker out', sender]] as const) {
      let before: TraceRow | undefined;
      for (const row of rows) {
        if (row.t >= from - 1 && row.t <= to + 0.5 && before) {
          const changes = Object.keys(row).filter((k) => k !== 't' && row[k] !== before![k]).map((k) => change(k, row, before!));
          console.error(`  ${side} ${row.t.toFixed(1)} ${changes.join(' ')}`);
        }
        before = row;
      }
    }
  }
}

interface Scenario {
  name: string;
  profile: NetworkProfile;
  /** What happens at `at` seconds: an outage of 10 s, or a network switch. */
  event?: { at: number; kind: 'outage' | 'switch' };
}

/** BENCH_SCENARIOS=bad3G,outage runs only those (a quicker look at one change); all by default. */
const only = process.env.BENCH_SCENARIOS?.split(',').map((name) => name.trim()).filter(Boolean);
const allScenarios: Scenario[] = [
  { name: 'goodWifi', profile: PROFILES.goodWifi },
  { name: 'fourG', profile: PROFILES.fourG },
  { name: 'bad3G', profile: PROFILES.bad3G },
  { name: 'outage', profile: PROFILES.fourG, event: { at: 15, kind: 'outage' } },
  { name: 'switch', profile: PROFILES.fourG, event: { at: 15, kind: 'switch' } },
];
const scenarios = only ? allScenarios.filter((s) => only.includes(s.name)) : allScenarios;

interface Result {
  fps: number;
  freezes: number;
  freeze_total_ms: number;
  longest_freeze_ms: number;
  audio_concealed_pct: number;
  audio_only_suggested: boolean;
  /** From the network's return (outage) or the switch to the first decoded frame after it. */
  recovery_ms?: number;
}

/** When frames were decoded: the samples at which the total rose. */
function frameTimesOf(samples: Sample[]): number[] {
  const times: number[] = [];
  for (let i = 1; i < samples.length; i++) if (samples[i]!.frames > samples[i - 1]!.frames) times.push(samples[i]!.t);
  return times;
}

function analyse(samples: Sample[], scenario: Scenario): Result {
  const counted = samples.filter((s) => s.t >= SETTLE_SECONDS);
  const first = counted[0]!;
  const last = counted.at(-1)!;
  const frameTimes = frameTimesOf(samples);
  const event = scenario.event;
  // The disturbance's own gap is the recovery, not a freeze: the outage, or after a switch the first gap that begins
  // within 2 s of it (frames still in the jitter buffer are decoded for a moment after the path is gone).
  const back = event ? event.at + (event.kind === 'outage' ? 10 : 0) : undefined;
  let recoveryGap: number | undefined;
  if (back !== undefined) {
    for (let i = 1; i < frameTimes.length; i++) {
      const [from, to] = [frameTimes[i - 1]!, frameTimes[i]!];
      if (to > back && from < back + 2 && (to - from) * 1000 > FREEZE_MS) {
        recoveryGap = i;
        break;
      }
    }
  }
  const gaps: number[] = [];
  for (let i = 1; i < frameTimes.length; i++) {
    const [from, to] = [frameTimes[i - 1]!, frameTimes[i]!];
    if (from < SETTLE_SECONDS || i === recoveryGap) continue;
    const gap = (to - from) * 1000;
    if (gap > FREEZE_MS) gaps.push(gap);
  }
  const seconds = last.t - first.t;
  const result: Result = {
    fps: Math.round(((last.frames - first.frames) / seconds) * 10) / 10,
    freezes: gaps.length,
    freeze_total_ms: Math.round(gaps.reduce((a, b) => a + b, 0)),
    longest_freeze_ms: Math.round(Math.max(0, ...gaps)),
    audio_concealed_pct: last.samples > first.samples ? Math.round(((last.concealed - first.concealed) / (last.samples - first.samples)) * 1000) / 10 : 0,
    audio_only_suggested: samples.some((s) => s.suggested),
  };
  if (back !== undefined) {
    const next = recoveryGap !== undefined ? frameTimes[recoveryGap]! : frameTimes.find((t) => t > back);
    result.recovery_ms = next === undefined ? -1 : Math.max(0, Math.round((next - back) * 1000));
  }
  return result;
}

async function runVariant(browser: Browser, clientDir: string, label: string): Promise<Record<string, Result>> {
  const port = await freePort();
  const lab = await NetLab.start({ listenHost: '127.0.0.2', targetHost: '127.0.0.1', ports: [port], profile: PROFILES.perfect, sourceHosts: ['127.0.0.3', '127.0.0.4'], seed: 7 });
  let h: Harness | undefined;
  const results: Record<string, Result> = {};
  try {
    h = await startHarness({ LOG_LEVEL: 'warn', RTC_PORT: String(port), RTC_LISTEN_IP: '127.0.0.1', RTC_ANNOUNCED_ADDRESS: '127.0.0.2' }, { serve: true, clientDir });
    const org = await h.seedOrganisation();
    const workerCookie = await h.login(org.workerEmail);
    for (const scenario of scenarios) {
      lab.setProfile(PROFILES.perfect);
      const workerContext = await signedInContext(browser, h.baseUrl, workerCookie);
      const citizenContext = await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, workerCookie));
      try {
        const [worker, citizen] = await Promise.all([workerContext.newPage(), citizenContext.newPage()]);
        await meetThroughWaitingRoom(worker, citizen, h.baseUrl);
        await expectMediaFlowing(citizen, 1, 30_000);
        lab.setProfile(scenario.profile);
        // As source text, with a stand-in for the helper tsx (esbuild's keepNames) wraps named inner functions in.
        await citizen.evaluate(`(() => { const __name = (f) => f; (${installSampler.toString()})(); })()`);
        if (TRACE) {
          // Both pages' rows on the sampler's time line (one machine, one wall clock).
          const startEpoch = await citizen.evaluate(() => Date.now() - (performance.now() - (window as unknown as { benchStart: number }).benchStart));
          for (const [page, direction] of [[citizen, 'in'], [worker, 'out']] as const) {
            await page.evaluate(`(() => { const __name = (f) => f; (${installTrace.toString()})('${direction}', ${startEpoch}); })()`);
          }
        }
        if (scenario.event) {
          await citizen.waitForTimeout(scenario.event.at * 1000);
          if (scenario.event.kind === 'outage') lab.outage(10_000);
          else lab.switchNetwork();
          await citizen.waitForTimeout((SECONDS - scenario.event.at) * 1000);
        } else {
          await citizen.waitForTimeout(SECONDS * 1000);
        }
        const samples = await citizen.evaluate(() => (window as unknown as { benchSamples: Sample[] }).benchSamples);
        results[scenario.name] = analyse(samples, scenario);
        if (TRACE) {
          const traceOf = (page: typeof citizen) => page.evaluate(() => (window as unknown as { benchTrace: TraceRow[] }).benchTrace);
          printFreezeTraces(`${label} ${scenario.name}`, samples, await traceOf(citizen), await traceOf(worker));
          const signals = await citizen.evaluate(() => (window as unknown as { benchSignals: string[] }).benchSignals);
          console.error(`[trace] ${label} ${scenario.name} citizen's signalling: ${signals.join(', ')}`);
          if (scenario.event) {
            const rows = (await traceOf(citizen)).filter((r) => r.t >= scenario.event!.at - 1 && r.t <= scenario.event!.at + 25 && Math.round(r.t * 10) % 10 === 0);
            for (const r of rows) console.error(`  citizen ${r.t.toFixed(1)} checks sent ${r.checksSent} answered ${r.checksAnswered}`);
          }
        }
        await endCalls(h, workerCookie);
      } finally {
        await workerContext.close();
        await citizenContext.close();
      }
    }
  } finally {
    await h?.close();
    await lab.close();
  }
  return results;
}

async function endCalls(h: Harness, workerCookie: string): Promise<void> {
  for (const { id } of await h.admin<{ id: string }[]>`select id from call_sessions where status = 'open'`) {
    await h.request('POST', `/api/calls/${id}/end`, { cookie: workerCookie });
  }
}

const cluster = await benchCluster();
// The baseline client: the same code built with adaptive video off.
const baselineDir = path.join(cluster.work, 'client-baseline');
const built = process.env.BENCH_BASELINE === 'off' ? { status: 0 } : spawnSync('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--outDir', baselineDir, '--emptyOutDir', '--logLevel', 'warn'], {
  cwd: path.join(import.meta.dirname, '..'), env: { ...process.env, VITE_ADAPTIVE_VIDEO: 'off' }, stdio: 'inherit',
});
if (built.status !== 0) throw new Error('building the baseline client failed');

const browser = await launchChromium({ cameraFps: 20, camera: 'vga' }); // a real camera's rate and size: what is measured
try {
  const adaptive = await runVariant(browser, CLIENT_DIR, 'adaptive');
  // BENCH_BASELINE=off: the adaptive calls only (a quicker look while tracing); no ratios then.
  const baseline: Record<string, Result | undefined> = process.env.BENCH_BASELINE === 'off' ? {} : await runVariant(browser, baselineDir, 'baseline');
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : b === 0 ? (a === 0 ? 1 : null) : Math.round((a / b) * 100) / 100);
  const bad = adaptive.bad3G;
  console.log(JSON.stringify({
    seconds: SECONDS,
    adaptive,
    baseline,
    ratios_adaptive_to_baseline: Object.fromEntries(Object.keys(adaptive).map((name) => [name, {
      fps: ratio(adaptive[name]!.fps, baseline[name]?.fps),
      freeze_total: ratio(adaptive[name]!.freeze_total_ms, baseline[name]?.freeze_total_ms),
      audio_concealed: ratio(adaptive[name]!.audio_concealed_pct, baseline[name]?.audio_concealed_pct),
    }])),
    targets: {
      bad3G_no_freeze_over_2s: bad ? bad.longest_freeze_ms <= 2000 : null,
      bad3G_concealment_under_5pct: bad ? bad.audio_concealed_pct < 5 : null,
      outage_recovery_ms: adaptive.outage?.recovery_ms ?? null,
      switch_recovery_ms: adaptive.switch?.recovery_ms ?? null,
    },
  }));
} finally {
  await browser.close();
  await cluster.stop();
}
