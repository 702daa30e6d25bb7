/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Calls over impaired networks, through the impairment lab (tests/support/netlab.ts): the media server listens on
 * 127.0.0.1 and announces 127.0.0.2, where the lab relays every media packet with the profile's delay, jitter, loss and
 * bandwidth. Two real Chromiums, real media through the SFU. What is asserted is what the people notice: pictures and
 * sound arrive, and come back after a switch of network and after an outage — not how fast (bench:network measures).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/db/embedded.js';
import { launchChromium, readMediaServerAddress } from '../support/browser.js';
import { citizenCookie, expectMediaFlowing, meetThroughWaitingRoom, receiveStats, signedInContext, videoStopped } from '../support/calls.js';
import { startHarness, type Harness } from '../support/harness.js';
import { NetLab, PROFILES } from '../support/netlab.js';

// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;

let browser: Browser;
let h: Harness;
let lab: NetLab;
let worker: Page;
let citizen: Page;

beforeAll(async () => {
  const port = await freePort();
  lab = await NetLab.start({ listenHost: '127.0.0.2', targetHost: '127.0.0.1', ports: [port], profile: PROFILES.fourG, sourceHosts: ['127.0.0.3', '127.0.0.4'], seed: 42 });
  browser = await launchChromium();
  h = await startHarness({ RTC_PORT: String(port), RTC_LISTEN_IP: '127.0.0.1', RTC_ANNOUNCED_ADDRESS: '127.0.0.2' }, { serve: true, ...(clientDir ? { clientDir } : {}) });
  const org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const citizenContext = await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, workerCookie));
  const workerContext = await signedInContext(browser, h.baseUrl, workerCookie);
  [worker, citizen] = await Promise.all([workerContext.newPage(), citizenContext.newPage()]);
  await meetThroughWaitingRoom(worker, citizen, h.baseUrl);
}, 180_000);

/**
 * Waits until pictures and sound arrive again: over a 2 s window the page's open connections decode new frames and
 * receive new audio. (A rejoin replaces the connections, and their counters start again from 0: totals from before it
 * mean nothing now, so each window is compared with its own start.)
 */
async function flowingAgain(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const before = await receiveStats(page);
    await page.waitForTimeout(2000);
    const after = await receiveStats(page);
    if (after.video.framesDecoded > before.video.framesDecoded + 5 && after.audio.packetsReceived > before.audio.packetsReceived) return;
    if (Date.now() > deadline) throw new Error(`media did not come back on ${page.url()}: ${JSON.stringify({ before, after })}`);
  }
}

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await lab?.close();
});

describe('a call through the impairment lab', () => {
  it('on 4G (20 ms ±10 round trip, 0.5 % loss, 8 Mbit/s): both see and hear each other, and every packet crossed the lab', { timeout: 60_000 }, async () => {
    await expectMediaFlowing(citizen, 1, 30_000);
    await expectMediaFlowing(worker, 1, 30_000);
    await expect.poll(() => citizen.evaluate(readMediaServerAddress)).toBe('127.0.0.2');
    expect(lab.up.counts.forwarded).toBeGreaterThan(100);
    expect(lab.down.counts.forwarded).toBeGreaterThan(100);
  });

  it('after the phone switches network (the server sees a new address) media flows again', { timeout: 150_000 }, async () => {
    const before = lab.up.counts.forwarded;
    lab.switchNetwork();
    // The browsers notice the stall, restart ICE, then join again with new transports (client/src/call/stats.ts).
    await flowingAgain(worker, 60_000);
    await flowingAgain(citizen, 60_000);
    expect(lab.up.counts.forwarded).toBeGreaterThan(before);
  });

  it('a 10 s outage stops the pictures, and they come back by themselves when the network does', { timeout: 150_000 }, async () => {
    lab.outage(10_000);
    expect(await videoStopped(citizen, 3000)).toBe(true);
    await flowingAgain(citizen, 60_000);
    await flowingAgain(worker, 60_000);
    const [session] = await h.admin<{ status: string }[]>`select status from call_sessions`;
    expect(session!.status).toBe('open'); // the same session goes on
  });

  it('on bad 3G (150 ms ±50 round trip, 3 % loss, 1 Mbit/s up, 2 down): pictures and sound still arrive', { timeout: 90_000 }, async () => {
    lab.setProfile(PROFILES.bad3G);
    await flowingAgain(citizen, 45_000);
    await flowingAgain(worker, 45_000);
    expect(lab.up.counts.lost + lab.down.counts.lost).toBeGreaterThan(0);
  });
});
