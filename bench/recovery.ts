/**
 * `npm run bench:recovery`: how long a call is without pictures (a) after its media worker is killed (SIGKILL) and
 * (b) after a 10 s network outage ends, until both people's pages decode remote video frames again, over ≥10 of
 * each in real Chromium through the product (served client, a worker and a citizen who met through the waiting room).
 * Media crosses the impairment lab (tests/support/netlab.ts) on a perfect profile, as tests/e2e/network.test.ts does,
 * so that an outage can be made. Baseline in the same run: a fresh join (the admitted citizen's "Deltag" to the first
 * frame), which a recovery that rebuilds the connections cannot beat. Also counts how each recovery went: a rejoin
 * (new peer connections), an ICE restart on the same connections, or media simply resuming on the old path.
 * Target (issue 13): media back within 3 s (p95). Prints one JSON line last.
 */
import type { Page } from 'playwright-core';
import { citizenCookie, expectMediaFlowing, meetThroughWaitingRoom, signedInContext } from '../tests/support/calls.js';
import { startLabServer } from './lab-server.js';
import { ratio, sleep, spread } from './figures.js';
import { connectionCount, firstRise, installFrameWatch, POLL_MS, signalsBetween, type FrameRise } from './frame-watch.js';

const RUNS = Math.max(10, Number(process.env.BENCH_RUNS ?? 10));
const OUTAGE_MS = 10_000;
const TARGET_P95_MS = 3000;
/** Longer than this without frames counts as not recovered (the run goes on; the JSON says how many). */
const GIVE_UP_MS = 60_000;
/**
 * Before each disturbance the call settles: media flowing on both sides, then longer than one reading of the call
 * screen's quality monitor (every 3 s), which must have seen media arrive before it treats a stop as a stall.
 */
const SETTLE_MS = 4000;

type Path = 'rejoin' | 'ice-restart' | 'resumed' | 'not-recovered';

interface Recovery {
  /** From the disturbance's end (kill, or network back) to frames on this page again. */
  ms: number | undefined;
  path: Path;
}

/**
 * Frames on the page again after `since`: the first rise on any connection (an outage: old paths may simply resume),
 * or on one made after `fromConnection` (a kill closes the old ones; frames still in their jitter buffer don't count).
 */
async function recovery(page: Page, since: number, fromConnection: number, disturbedAt: number, connectionsBefore: number): Promise<Recovery> {
  const rise: FrameRise | undefined = await firstRise(page, since, fromConnection, GIVE_UP_MS);
  if (!rise) return { ms: undefined, path: 'not-recovered' };
  const signals = await signalsBetween(page, disturbedAt, rise.at);
  const path: Path = rise.connection >= connectionsBefore ? 'rejoin' : signals.some((s) => s.event === 'restartIce') ? 'ice-restart' : 'resumed';
  return { ms: rise.at - since, path };
}

const count = (paths: Path[]) => paths.reduce<Partial<Record<Path, number>>>((n, p) => ({ ...n, [p]: (n[p] ?? 0) + 1 }), {});

const server = await startLabServer();
try {
  const { browser, lab, h, org, workerCookie } = server;
  const workerContext = await signedInContext(browser, h.baseUrl, workerCookie);
  const citizenContext = await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, workerCookie));
  for (const context of [workerContext, citizenContext]) await context.addInitScript(installFrameWatch, POLL_MS);
  const [worker, citizen] = await Promise.all([workerContext.newPage(), citizenContext.newPage()]);

  await meetThroughWaitingRoom(worker, citizen, h.baseUrl);
  const settle = async () => {
    await expectMediaFlowing(citizen, 1, GIVE_UP_MS);
    await expectMediaFlowing(worker, 1, GIVE_UP_MS);
    await sleep(SETTLE_MS);
  };

  const freshJoin: number[] = [];
  const kill = { both: [] as number[], citizen: [] as number[], worker: [] as number[], paths: [] as Path[], workerReplacedMs: [] as number[], failed: 0 };
  const outage = { both: [] as number[], citizen: [] as number[], worker: [] as number[], paths: [] as Path[], firstIceRestartMs: [] as number[], failed: 0 };

  /** Both pages' recovery from one disturbance, into its series. */
  const record = (series: typeof kill | typeof outage, results: { citizen: Recovery; worker: Recovery }) => {
    series.paths.push(results.citizen.path, results.worker.path);
    if (results.citizen.ms === undefined || results.worker.ms === undefined) {
      series.failed += 1;
      return;
    }
    series.citizen.push(results.citizen.ms);
    series.worker.push(results.worker.ms);
    series.both.push(Math.max(results.citizen.ms, results.worker.ms));
  };

  for (let run = 0; run < RUNS; run++) {
    // (0) A fresh join, as bench:join measures it: the admitted citizen leaves and presses "Deltag" again.
    await citizen.getByRole('button', { name: 'Forlad samtalen' }).click();
    await citizen.getByRole('button', { name: 'Tilbage' }).click();
    await citizen.getByRole('button', { name: 'Deltag' }).click();
    await citizen.locator('video.preview').waitFor();
    const joinFrom = await connectionCount(citizen);
    const pressed = await citizen.evaluate(() => {
      const join = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Deltag')!;
      const at = Date.now();
      join.click();
      return at;
    });
    const joined = await firstRise(citizen, pressed, joinFrom, GIVE_UP_MS);
    if (!joined) throw new Error('the fresh join showed no video within a minute');
    freshJoin.push(joined.at - pressed);
    await settle();

    // (a) The media worker under the room dies; the server starts another and tells everyone to rejoin.
    const killFrom = { citizen: await connectionCount(citizen), worker: await connectionCount(worker) };
    const [host] = h.media.pool.list();
    const deadPid = host!.worker.pid;
    const killedAt = Date.now();
    process.kill(deadPid, 'SIGKILL');
    const replaced = (async () => {
      while (!h!.media.pool.list().some((w) => w.worker.pid !== deadPid && !w.worker.closed)) await sleep(10);
      return Date.now() - killedAt;
    })();
    const afterKill = await Promise.all([
      recovery(citizen, killedAt, killFrom.citizen, killedAt, killFrom.citizen),
      recovery(worker, killedAt, killFrom.worker, killedAt, killFrom.worker),
    ]);
    record(kill, { citizen: afterKill[0], worker: afterKill[1] });
    kill.workerReplacedMs.push(await replaced);
    await settle();

    // (b) Nothing gets through the lab for 10 s, either way; measured from the moment the network is back.
    const outageFrom = { citizen: await connectionCount(citizen), worker: await connectionCount(worker) };
    const cutAt = Date.now();
    lab.outage(OUTAGE_MS);
    const backAt = cutAt + OUTAGE_MS;
    const afterOutage = await Promise.all([
      recovery(citizen, backAt, 0, cutAt, outageFrom.citizen),
      recovery(worker, backAt, 0, cutAt, outageFrom.worker),
    ]);
    record(outage, { citizen: afterOutage[0], worker: afterOutage[1] });
    for (const page of [citizen, worker]) {
      const restart = (await signalsBetween(page, cutAt, backAt + GIVE_UP_MS)).find((s) => s.event === 'restartIce');
      if (restart) outage.firstIceRestartMs.push(restart.at - cutAt);
    }
    await settle();
    console.error(`run ${run + 1}/${RUNS}: fresh join ${freshJoin.at(-1)} ms; after kill ${afterKill.map((r) => `${r.ms} (${r.path})`).join(' / ')}; after outage ${afterOutage.map((r) => `${r.ms} (${r.path})`).join(' / ')} (citizen / worker)`);
  }

  const join = spread(freshJoin);
  const summary = (series: typeof kill | typeof outage) => ({
    ...spread(series.both),
    citizen_p50: spread(series.citizen).p50,
    worker_p50: spread(series.worker).p50,
    not_recovered: series.failed,
    // per page: two per run
    paths: count(series.paths),
  });
  const killFigures = { ...summary(kill), worker_replaced_p50_ms: spread(kill.workerReplacedMs).p50 };
  const outageFigures = { ...summary(outage), first_ice_restart_after_cut_p50_ms: spread(outage.firstIceRestartMs).p50 };
  console.log(JSON.stringify({
    runs: RUNS,
    poll_ms: POLL_MS,
    // until both pages decode frames again (the later of the two), ms
    worker_kill_to_frames_ms: killFigures,
    network_back_to_frames_ms: { outage_ms: OUTAGE_MS, ...outageFigures },
    baseline_fresh_join_ms: join,
    ratio_kill_p50_to_fresh_join_p50: ratio(killFigures.p50, join.p50),
    ratio_outage_p50_to_fresh_join_p50: ratio(outageFigures.p50, join.p50),
    target_p95_ms: TARGET_P95_MS,
    kill_meets_target: kill.failed === 0 && killFigures.p95 <= TARGET_P95_MS,
    outage_meets_target: outage.failed === 0 && outageFigures.p95 <= TARGET_P95_MS,
  }));
} finally {
  await server.close();
}
