/**
 * `npm run bench:sfu`: what one 1:1 video call costs the media worker, and how many fit on one core.
 *
 * The built server runs as its own process (as in production: one media worker, MEDIA_WORKERS=1) and N concurrent
 * 1:1 calls go through its own signalling, waiting room and SFU (server/calls → sfu/ Room and Peer). The load
 * generator is Chromium: one page per side of the calls (staff, citizen), each participant in it a "leg" with its own
 * signalling connection and the product's own client media code (client/src/call/media.ts), all legs of a page
 * sending the page's one fake 640×480 camera and microphone. That is the cheapest honest generator on this machine:
 * real WebRTC stacks (ICE, DTLS, SRTP, congestion control, the product's encoding settings) without a tab, a renderer
 * and a capture per participant; Chromium still encodes and decodes once per leg, so the generator, not the SFU, is
 * what runs out of CPU first on two cores.
 *
 * Ramp: N = 1, 2, 4, 8, … calls (BENCH_SFU_CALLS); at each step, once every leg decodes video and a settling time has
 * passed, a window of BENCH_SFU_WINDOW_S seconds measures, from outside the processes (/proc):
 *  - the media worker's CPU time (utime + stime of the mediasoup-worker process): per call, and calls per core;
 *  - the server's Node process CPU and the resident memory of both (per call, against the idle server);
 *  - at the receivers (WebRTC stats): decoded frames per second, video and audio packet loss, freezes;
 *  - at the senders: the resolution sent and whether Chromium limits it for CPU, and the generator's own CPU
 *    (Chromium's processes) and the machine's — to tell a saturated generator from a degrading SFU.
 * The ramp stops at the first step whose quality degrades (against N = 1): frame rate below 90 % (median) or 75 %
 * (worst receiver), video loss above 1 %, or a sender below 640×480.
 *
 * Baseline, in the same run with the same generator: BENCH_SFU_BASELINE_CALLS calls through plain mediasoup
 * (bench/plain-sfu.ts: default settings, no product code). The ratio is the product's worker CPU per call to the
 * baseline's at the same N. Prints one JSON line last.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { SESSION_COOKIE } from '../server/auth/auth.js';
import { LOCAL_WORKER_BIN } from '../server/paths.js';
import { createOrganisation, upsertUser } from '../server/people/store.js';
import { launchChromium } from '../tests/support/browser.js';
import { freshDatabase, PASSWORD } from '../tests/support/harness.js';
import { startServerProcess, type ServerProcess } from '../tests/support/server-process.js';
import { benchCluster } from './cluster.js';
import { startPlainSfu, type PlainSfu } from './plain-sfu.js';
import { cpuSeconds, cpuWindow, processTree, rssBytes } from './proc.js';
import type { LegReading, LegSpec } from './sfu-legs.js';

const STEPS = (process.env.BENCH_SFU_CALLS ?? '1,2,4,8,16,32').split(',').map(Number).filter((n) => n > 0);
const WINDOW_S = Number(process.env.BENCH_SFU_WINDOW_S ?? 20);
const SETTLE_S = Number(process.env.BENCH_SFU_SETTLE_S ?? 8);
const BASELINE_CALLS = Number(process.env.BENCH_SFU_BASELINE_CALLS ?? 4);
/** The target: mediasoup's own estimate of ~500 consumers per core, four consumers per 1:1 call. */
const TARGET_CALLS_PER_CORE = 125;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** The mediasoup-worker process under a process (the kernel cuts its name to 15 characters). */
function workerPidUnder(pid: number): number {
  const worker = processTree(pid).find((p) => p.name.startsWith('mediasoup-work'));
  if (!worker) throw new Error('no mediasoup-worker process under the server');
  return worker.pid;
}

/** CPU seconds of every Chromium process this benchmark started (the load generator). */
const generatorCpuSeconds = () => processTree(process.pid).filter((p) => /chrom/i.test(p.name)).reduce((sum, p) => sum + p.cpuSeconds, 0);

/** The two sides' pages and the legs (participants) each holds, by call. */
interface Generator {
  host: Page;
  guest: Page;
  calls: { host: number; guest: number }[];
}

async function addLeg(page: Page, spec: LegSpec): Promise<number> {
  return page.evaluate((s) => window.sfuBench.addLeg(s), spec);
}

async function readLegs(page: Page, legs: number[]): Promise<LegReading[]> {
  const readings = await page.evaluate((which) => window.sfuBench.read(which), legs);
  const failed = readings.find((r) => r.error);
  if (failed) throw new Error(`a participant failed: ${failed.error}`);
  return readings;
}

async function readAll(generator: Generator): Promise<{ at: number; legs: LegReading[] }> {
  const started = performance.now();
  const [host, guest] = await Promise.all([
    readLegs(generator.host, generator.calls.map((c) => c.host)),
    readLegs(generator.guest, generator.calls.map((c) => c.guest)),
  ]);
  return { at: (started + performance.now()) / 2, legs: [...host, ...guest] };
}

/** Waits until every leg decodes the other side's video. */
async function mediaFlowing(generator: Generator, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { legs } = await readAll(generator);
    const silent = legs.filter((leg) => leg.receivedVideo.framesDecoded === 0).length;
    if (silent === 0) return;
    if (Date.now() > deadline) throw new Error(`${silent} of ${legs.length} participants decode no video after ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

interface Step {
  calls: number;
  worker_cpu_pct: number;
  worker_cpu_pct_per_call: number;
  calls_per_core: number;
  server_cpu_pct: number;
  generator_cpu_pct: number;
  machine_busy_pct: number;
  recv_fps_median: number;
  recv_fps_min: number;
  video_loss_pct: number;
  audio_loss_pct: number;
  freezes: number;
  video_kbps_per_stream: number;
  sent_min_resolution: string;
  senders_cpu_limited: number;
  rss_mb?: { server: number; worker: number };
}

/** One measuring window over the calls now running, at the given worker process. */
async function measure(generator: Generator, workerPid: number, serverPid: number | undefined): Promise<Step> {
  await mediaFlowing(generator);
  await sleep(SETTLE_S * 1000);
  const before = await readAll(generator);
  const meter = cpuWindow({
    worker: () => cpuSeconds(workerPid),
    server: () => (serverPid ? cpuSeconds(serverPid) : 0),
    generator: generatorCpuSeconds,
  });
  await sleep(WINDOW_S * 1000);
  const usage = meter.stop();
  const after = await readAll(generator);
  const seconds = (after.at - before.at) / 1000;

  const calls = generator.calls.length;
  const fps: number[] = [];
  let videoReceived = 0;
  let videoLost = 0;
  let audioReceived = 0;
  let audioLost = 0;
  let freezes = 0;
  let bytes = 0;
  const sentWidths: number[] = [];
  const sentHeights: number[] = [];
  let cpuLimited = 0;
  after.legs.forEach((now, i) => {
    const then = before.legs[i]!;
    fps.push((now.receivedVideo.framesDecoded - then.receivedVideo.framesDecoded) / seconds);
    videoReceived += now.receivedVideo.packetsReceived - then.receivedVideo.packetsReceived;
    videoLost += now.receivedVideo.packetsLost - then.receivedVideo.packetsLost;
    audioReceived += now.receivedAudio.packetsReceived - then.receivedAudio.packetsReceived;
    audioLost += now.receivedAudio.packetsLost - then.receivedAudio.packetsLost;
    freezes += now.receivedVideo.freezeCount - then.receivedVideo.freezeCount;
    bytes += now.receivedVideo.bytesReceived - then.receivedVideo.bytesReceived;
    sentWidths.push(now.sentVideo.frameWidth);
    sentHeights.push(now.sentVideo.frameHeight);
    if (now.sentVideo.qualityLimitationReason === 'cpu') cpuLimited += 1;
  });
  const workerPct = usage.corePct.worker!;
  return {
    calls,
    worker_cpu_pct: round(workerPct),
    worker_cpu_pct_per_call: round(workerPct / calls, 3),
    calls_per_core: Math.round((100 * calls) / Math.max(workerPct, 0.001)),
    server_cpu_pct: round(usage.corePct.server!),
    generator_cpu_pct: round(usage.corePct.generator!, 1),
    machine_busy_pct: round(usage.machineBusyPct, 1),
    recv_fps_median: round(median(fps), 1),
    recv_fps_min: round(Math.min(...fps), 1),
    video_loss_pct: round((100 * videoLost) / Math.max(1, videoReceived + videoLost), 3),
    audio_loss_pct: round((100 * audioLost) / Math.max(1, audioReceived + audioLost), 3),
    freezes,
    video_kbps_per_stream: Math.round((bytes * 8) / seconds / 1000 / after.legs.length),
    sent_min_resolution: `${Math.min(...sentWidths)}x${Math.min(...sentHeights)}`,
    senders_cpu_limited: cpuLimited,
  };
}

/** Why a step's quality is worse than the first step's, if it is. */
function degradation(step: Step, reference: Step): string | undefined {
  const reasons = [];
  if (step.recv_fps_median < 0.9 * reference.recv_fps_median) reasons.push(`median fps ${step.recv_fps_median} < 90 % of ${reference.recv_fps_median}`);
  if (step.recv_fps_min < 0.75 * reference.recv_fps_median) reasons.push(`worst receiver ${step.recv_fps_min} fps < 75 % of ${reference.recv_fps_median}`);
  if (step.video_loss_pct > 1) reasons.push(`video loss ${step.video_loss_pct} %`);
  if (step.sent_min_resolution !== '640x480') reasons.push(`a sender down to ${step.sent_min_resolution}`);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The generator (or the machine, shared with others) ran out of CPU during the step. */
const generatorSaturated = (step: Step) => step.senders_cpu_limited > 0 || step.machine_busy_pct >= 90;

// ---------------------------------------------------------------------------------------------------------------

const workerBin = process.env.MEDIASOUP_WORKER_BIN ?? (fs.existsSync(LOCAL_WORKER_BIN) ? LOCAL_WORKER_BIN : undefined);
// The baseline's mediasoup (in this process) runs the same worker binary as the server.
if (workerBin) process.env.MEDIASOUP_WORKER_BIN = workerBin;

const cluster = await benchCluster();
const db = await freshDatabase();
let server: ServerProcess | undefined;
let plain: PlainSfu | undefined;
const stopServerOnExit = () => server?.child.kill('SIGKILL');
process.once('exit', stopServerOnExit);
// The generator's pages are not served by any server (Playwright fulfils them), so Chromium (≥ 14x) takes them for a
// public page and blocks their connections to the baseline's SFU on this machine (Local Network Access): allowed here.
const browser = await launchChromium({ camera: 'vga', args: ['--disable-features=LocalNetworkAccessChecks'] });
try {
  server = await startServerProcess({
    DATABASE_URL: db.url, DATA_DIR: path.join(cluster.work, 'data'), DISPATCHER: 'false', LOG_LEVEL: 'info',
    MEDIA_WORKERS: '1', RTC_LISTEN_IP: '127.0.0.1', SIGN_IN_RATE_LIMIT: '100000',
  });
  const baseUrl = server.baseUrl;
  const serverPid = server.child.pid!;
  const workerPid = workerPidUnder(serverPid);
  console.error(`server pid ${serverPid}, media worker pid ${workerPid}`);

  const post = async (url: string, body: unknown, cookie?: string) => {
    const response = await fetch(`${baseUrl}${url}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', origin: baseUrl, ...(cookie ? { cookie } : {}) },
    });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return response;
  };
  const sessionCookie = (response: Response) => response.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;

  /** A worker and a citizen of their own organisation, the session the worker starts, and both their room tokens. */
  const newCall = async (n: number) => {
    const organisationId = await createOrganisation(db.admin, `Benchkommune ${n}`);
    const email = `bo-${n}@bench.naervaer.dk`;
    const workerId = await upsertUser(db.admin, { organisationId, role: 'worker', displayName: 'Bo Bostøtte', email, password: PASSWORD });
    const citizenId = await upsertUser(db.admin, { organisationId, role: 'citizen', displayName: 'Carl Borger' });
    await db.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${organisationId}, ${workerId}, ${citizenId})`;
    const workerCookie = sessionCookie(await post('/api/auth/login', { email, password: PASSWORD }));
    const link = (await (await post(`/api/citizens/${citizenId}/links`, {}, workerCookie)).json()) as { url: string };
    const citizenCookie = sessionCookie(await post('/api/citizen-links/exchange', { secret: new URL(link.url).hash.slice(1) }));
    const { id: callId } = (await (await post('/api/calls', { citizenId }, workerCookie)).json()) as { id: string };
    const token = async (cookie: string) => ((await (await post(`/api/calls/${callId}/token`, {}, cookie)).json()) as { token: string }).token;
    return { host: await token(workerCookie), guest: await token(citizenCookie) };
  };

  // The generator pages get the server's origin (socket.io checks it) without the server serving them.
  // Vite's import.meta.env as the production build has it (adaptive video on), for the client code the page bundles.
  const bundle = await build({
    entryPoints: [path.join(import.meta.dirname, 'sfu-page.ts')], bundle: true, format: 'esm', write: false, logLevel: 'warning',
    define: { 'import.meta.env': JSON.stringify({ PROD: true, VITE_ADAPTIVE_VIDEO: 'on' }) },
  });
  const page = async () => {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    await context.route(`${baseUrl}/bench-sfu.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="en"><title>bench:sfu</title><script type="module" src="/bench-sfu.js"></script></html>' }));
    await context.route(`${baseUrl}/bench-sfu.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundle.outputFiles[0]!.text }));
    const p = await context.newPage();
    await p.goto(`${baseUrl}/bench-sfu.html`);
    await p.waitForFunction(() => window.sfuBench !== undefined);
    await p.evaluate(() => window.sfuBench.start());
    return p;
  };
  const generator: Generator = { host: await page(), guest: await page(), calls: [] };

  await sleep(2000);
  const idleRss = { server: rssBytes(serverPid), worker: rssBytes(workerPid) };

  let baseline: Step | undefined;
  if (BASELINE_CALLS > 0) {
    plain = await startPlainSfu();
    for (let n = 0; n < BASELINE_CALLS; n++) {
      const host = await addLeg(generator.host, { url: plain.url, token: plain.token(`plain-${n}`, 'host'), admits: false });
      const guest = await addLeg(generator.guest, { url: plain.url, token: plain.token(`plain-${n}`, 'guest'), admits: false });
      generator.calls.push({ host, guest });
    }
    baseline = await measure(generator, plain.workerPid, undefined);
    console.error(`baseline (plain mediasoup) ${JSON.stringify(baseline)}`);
    await generator.host.evaluate((legs) => window.sfuBench.closeLegs(legs), generator.calls.map((c) => c.host));
    await generator.guest.evaluate((legs) => window.sfuBench.closeLegs(legs), generator.calls.map((c) => c.guest));
    generator.calls = [];
    await plain.close();
    plain = undefined;
  }

  const steps: Step[] = [];
  let degradedAt: { calls: number; reason: string; generator_saturated: boolean } | undefined;
  for (const target of STEPS) {
    while (generator.calls.length < target) {
      const tokens = await newCall(generator.calls.length);
      const host = await addLeg(generator.host, { url: baseUrl, token: tokens.host, admits: true });
      const guest = await addLeg(generator.guest, { url: baseUrl, token: tokens.guest, admits: false });
      generator.calls.push({ host, guest });
    }
    const step = await measure(generator, workerPid, serverPid);
    step.rss_mb = { server: mb(rssBytes(serverPid)), worker: mb(rssBytes(workerPid)) };
    steps.push(step);
    console.error(`product ${JSON.stringify(step)}`);
    const reason = degradation(step, steps[0]!);
    if (reason) {
      degradedAt = { calls: step.calls, reason, generator_saturated: generatorSaturated(step) };
      break;
    }
  }

  // Calls per core from the largest step whose quality held (the worker's cost per call only falls with N: its fixed
  // cost is spread), and the marginal cost per call from a least-squares line through the steps that held.
  const held = steps.filter((s) => !degradedAt || s.calls < degradedAt.calls);
  const best = held.at(-1) ?? steps[0]!;
  const meanX = held.reduce((sum, s) => sum + s.calls, 0) / held.length;
  const meanY = held.reduce((sum, s) => sum + s.worker_cpu_pct, 0) / held.length;
  const slope = held.length < 2 ? best.worker_cpu_pct_per_call
    : held.reduce((sum, s) => sum + (s.calls - meanX) * (s.worker_cpu_pct - meanY), 0) / held.reduce((sum, s) => sum + (s.calls - meanX) ** 2, 0);
  const atBaselineN = steps.find((s) => s.calls === baseline?.calls);
  // Memory per call from the steps' own readings (first to last step): the idle reading is taken before the server's
  // first collections and would make calls look free or even negative.
  const firstStep = steps[0]!;
  const lastStep = steps.at(-1)!;
  const rssOf = (step: Step) => step.rss_mb!.server + step.rss_mb!.worker;
  const rssPerCall = lastStep.calls > firstStep.calls
    ? (rssOf(lastStep) - rssOf(firstStep)) / (lastStep.calls - firstStep.calls)
    : (rssOf(lastStep) - mb(idleRss.server + idleRss.worker)) / lastStep.calls;

  console.log(JSON.stringify({
    generator: 'chromium: one page per side, one leg per participant (product client media code), one shared fake 640x480 camera',
    window_s: WINDOW_S,
    steps: steps.map(({ calls, worker_cpu_pct, worker_cpu_pct_per_call, recv_fps_median, recv_fps_min, video_loss_pct, generator_cpu_pct, machine_busy_pct, senders_cpu_limited, sent_min_resolution }) => ({
      calls, worker_cpu_pct, worker_cpu_pct_per_call, recv_fps_median, recv_fps_min, video_loss_pct, generator_cpu_pct, machine_busy_pct, senders_cpu_limited, sent_min_resolution,
    })),
    worker_cpu_pct_per_call: best.worker_cpu_pct_per_call,
    calls_per_worker_core: best.calls_per_core,
    marginal_cpu_pct_per_call: round(slope, 3),
    calls_per_worker_core_marginal: Math.round(100 / Math.max(slope, 0.001)),
    measured_at_calls: best.calls,
    video_kbps_per_stream: best.video_kbps_per_stream,
    degraded_at: degradedAt ?? null,
    extrapolated: degradedAt ? degradedAt.generator_saturated : steps.at(-1)!.calls < Math.round(best.calls_per_core),
    target_calls_per_core: TARGET_CALLS_PER_CORE,
    meets_target: best.calls_per_core >= TARGET_CALLS_PER_CORE,
    baseline_plain_mediasoup: baseline ? { calls: baseline.calls, worker_cpu_pct_per_call: baseline.worker_cpu_pct_per_call, calls_per_core: baseline.calls_per_core } : null,
    ratio_to_baseline: baseline && atBaselineN ? round(atBaselineN.worker_cpu_pct_per_call / baseline.worker_cpu_pct_per_call) : null,
    rss_mb: { idle_server: mb(idleRss.server), idle_worker: mb(idleRss.worker), per_call: round(rssPerCall, 2), from_calls: firstStep.calls, to_calls: lastStep.calls, at_last_step: round(rssOf(lastStep), 1) },
    server_cpu_pct_per_call: round(best.server_cpu_pct / best.calls, 3),
  }));
} finally {
  await browser.close();
  await plain?.close();
  await server?.stop();
  process.off('exit', stopServerOnExit);
  await db.drop();
  await cluster.stop();
}
