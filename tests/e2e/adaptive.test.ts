/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Three people in one call, and video that adapts to each person's network (issue 13), in three real Chromiums
 * through the impairment lab: the
 * worker and a colleague on a good line, the citizen on a weak one of her own. The camera is sent in temporal layers
 * (client/src/call/media.ts), so the media server forwards the citizen fewer frames of the worker's picture while the
 * colleague keeps them all. When the citizen's line gets so bad that no picture can be had, her call screen suggests
 * sound only; she takes it, and the sound goes on. Screens at 360×740 and 1280×800, axe finds nothing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/db/embedded.js';
import type { types } from 'mediasoup';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, expectMediaFlowing, receiveStats, signedInContext } from '../support/calls.js';
import { startHarness, type Harness, type Org } from '../support/harness.js';
import { NetLab, PROFILES, type NetworkProfile, type OwnLine } from '../support/netlab.js';
import { layoutSettled } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';

// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;

/**
 * The citizen's line: fine up, and down a third more than one picture as the worker's camera sends it now, plus the
 * sound — too little for two pictures at full frame rate, enough for both at a lower one. Measured, not fixed: how
 * many bits the fake camera's picture takes depends on the encoder and on how busy the machine is.
 */
const weakDown = (pictureKbps: number): NetworkProfile => ({
  name: 'weak downlink',
  up: { delayMs: 20, jitterMs: 5, lossPct: 0, kbps: 2_000, queueMs: 400 },
  down: { delayMs: 20, jitterMs: 5, lossPct: 0, kbps: Math.max(60, Math.round(pictureKbps * 1.3)) + 100, queueMs: 400 },
});
let citizenWeakDown: NetworkProfile;
/** Then a line no picture gets through: 40 kbit/s down with loss. */
const hopeless: NetworkProfile = { name: 'hopeless downlink', up: { delayMs: 150, jitterMs: 50, lossPct: 5, kbps: 100, queueMs: 400 }, down: { delayMs: 150, jitterMs: 50, lossPct: 8, kbps: 40, queueMs: 400 } };

let browser: Browser;
let h: Harness;
let lab: NetLab;
let org: Org;
let callId: string;
let worker: Page;
let colleague: Page;
let citizen: Page;
let citizenLine: OwnLine;

beforeAll(async () => {
  const port = await freePort();
  lab = await NetLab.start({ listenHost: '127.0.0.2', targetHost: '127.0.0.1', ports: [port], profile: PROFILES.goodWifi, seed: 13 });
  // Chromium's own 640×480 camera: the tests' small one (tests/support/browser.ts) needs so few bits that two of its
  // pictures fit any line that still carries sound.
  browser = await launchChromium({ camera: 'vga' });
  h = await startHarness({ RTC_PORT: String(port), RTC_LISTEN_IP: '127.0.0.1', RTC_ANNOUNCED_ADDRESS: '127.0.0.2' }, { serve: true, ...(clientDir ? { clientDir } : {}) });
  org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const started = await h.request('POST', '/api/calls', { cookie: workerCookie, body: { citizenId: org.citizenId } });
  expect(started.statusCode).toBe(201);
  callId = started.json().id;
  const invited = await h.request('POST', `/api/calls/${callId}/participants`, { cookie: workerCookie, body: { userId: org.coordinatorId } });
  expect(invited.statusCode).toBeLessThan(300);

  // The worker and the colleague, on the shared good line.
  worker = await (await signedInContext(browser, h.baseUrl, workerCookie, { viewport: { width: 1280, height: 800 } })).newPage();
  colleague = await (await signedInContext(browser, h.baseUrl, await h.login(org.coordinatorEmail), { viewport: { width: 1280, height: 800 } })).newPage();
  await worker.goto(`${h.baseUrl}/call/${callId}`);
  // The colleague finds the session among their open ones.
  await colleague.goto(h.baseUrl);
  await colleague.getByRole('heading', { name: 'Åbne samtaler' }).waitFor();
  await colleague.getByRole('button', { name: 'Deltag' }).click();
  await expectMediaFlowing(colleague, 1, 30_000);
  await expectMediaFlowing(worker, 1, 30_000);

  // The citizen, on a phone, on a line of her own.
  citizenWeakDown = weakDown(await videoSendKbps(worker));
  citizenLine = lab.ownLineForNewFlows(citizenWeakDown)!;
  citizen = await (await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, workerCookie), { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true })).newPage();
  await citizen.goto(`${h.baseUrl}/call/${callId}/check`);
  await citizen.locator('video.preview').waitFor();
  await citizen.getByRole('button', { name: 'Deltag' }).click();
  await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).click();
  await expectMediaFlowing(citizen, 2, 45_000);
  lab.ownLineForNewFlows(null);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await lab?.close();
});

/** The media server's consumers of the worker's camera, by the user who receives it. */
async function consumersOfWorkerCamera(): Promise<Map<string, types.Consumer>> {
  const participants = await h.admin<{ id: string; user_id: string }[]>`select id, user_id from call_participants where session_id = ${callId}`;
  const userOf = new Map(participants.map((p) => [p.id, p.user_id]));
  const room = h.media.room(callId)!;
  const workerPeer = [...room.peers.values()].find((p) => userOf.get(p.id) === org.workerId)!;
  const camera = [...workerPeer.producers.values()].find((p) => p.kind === 'video')!;
  const byUser = new Map<string, types.Consumer>();
  for (const peer of room.peers.values()) {
    for (const consumer of peer.consumers.values()) if (consumer.producerId === camera.id) byUser.set(userOf.get(peer.id)!, consumer);
  }
  return byUser;
}

describe('three people in one call', () => {
  it('worker, citizen and a colleague all see and hear each other', async () => {
    for (const page of [worker, colleague, citizen]) await expectMediaFlowing(page, 2, 30_000);
    const participants = await h.admin<{ role: string }[]>`select role from call_participants where session_id = ${callId} order by role`;
    expect(participants.map((p) => p.role)).toEqual(['citizen', 'coordinator', 'worker']);
  });
});

describe('each person gets the picture their line carries', () => {
  it('the worker’s camera goes out in three temporal layers; the citizen on the weak line gets fewer of them, the colleague all', { timeout: 150_000 }, async () => {
    const first = await consumersOfWorkerCamera();
    expect(first.get(org.coordinatorId)!.type).not.toBe('simple');
    expect(first.get(org.coordinatorId)!.rtpParameters.encodings![0]!.scalabilityMode).toBe('L1T3');
    // mediasoup settles each receiver's layers from its bandwidth estimate, and moves them as the estimate moves: what
    // is awaited is a moment when the citizen gets fewer layers than the colleague ("colleague's layer / citizen's
    // layer"; none: no layer at all just now) and, over the next 3 s, what the people see follows — the colleague's
    // picture keeps its frame rate, the citizen's moves at a lower one.
    await expect.poll(async () => {
      // The line follows the worker's picture as it is sent now: a busy machine's encoder sends less, and a line
      // measured before would then carry both pictures whole.
      citizenWeakDown = weakDown(await videoSendKbps(worker));
      citizenLine.setProfile(citizenWeakDown);
      const now = await consumersOfWorkerCamera();
      const layers = `${now.get(org.coordinatorId)!.currentLayers?.temporalLayer ?? 'none'}/${now.get(org.citizenId)!.currentLayers?.temporalLayer ?? 'none'}`;
      if (!/^2\/(0|1)$/.test(layers)) return `layers ${layers}`;
      const [colleagueFps, citizenFps] = await Promise.all([framesPerSecond(colleague), framesPerSecond(citizen)]);
      return colleagueFps > citizenFps && citizenFps > 0 ? 'fewer frames for the citizen' : `layers ${layers}, frames a second ${colleagueFps}/${citizenFps}`;
    }, { timeout: 90_000, interval: 1000 }).toBe('fewer frames for the citizen');
    expect(citizenLine.forwardedDown).toBeGreaterThan(100);
  });

  it('on a line no picture gets through, the citizen is offered sound only; she takes it and the sound goes on', { timeout: 150_000 }, async () => {
    citizenLine.setProfile(hopeless);
    const suggestion = citizen.getByTestId('suggest-audio-only');
    await suggestion.waitFor({ timeout: 90_000 });
    await citizen.getByText('Billedet hakker. Vil du skifte til kun lyd? Så bliver lyden bedre.').waitFor();
    await checkScreen(citizen, 'call-suggest-audio-only-360');
    await citizen.setViewportSize({ width: 1280, height: 800 });
    await checkScreen(citizen, 'call-suggest-audio-only-1280');
    await citizen.setViewportSize({ width: 360, height: 740 });

    citizenLine.setProfile(citizenWeakDown);
    await citizen.getByRole('button', { name: 'Kun lyd' }).click();
    await suggestion.waitFor({ state: 'detached' });
    await expect.poll(async () => (await h.admin<{ audio_only_used: boolean }[]>`select audio_only_used from call_participants where session_id = ${callId} and user_id = ${org.citizenId}`)[0]?.audio_only_used, { timeout: 10_000 }).toBe(true);
    const before = await receiveStats(citizen);
    await citizen.waitForTimeout(2000);
    const after = await receiveStats(citizen);
    expect(after.audio.packetsReceived).toBeGreaterThan(before.audio.packetsReceived);
  });
});

/** The page's camera as sent now, in kbit/s over 3 s. */
async function videoSendKbps(page: Page): Promise<number> {
  const bytesSent = () =>
    page.evaluate(async () => {
      let total = 0;
      for (const pc of (window.callProbe?.connections ?? []).filter((c) => c.signalingState !== 'closed')) {
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') total += Number(s.bytesSent ?? 0);
        });
      }
      return total;
    });
  const before = await bytesSent();
  await page.waitForTimeout(3000);
  return ((await bytesSent()) - before) * 8 / 3 / 1000;
}

/** Decoded frames a second over 3 s, all the page's pictures together (each of the three receives two). */
async function framesPerSecond(page: Page): Promise<number> {
  const before = await receiveStats(page);
  await page.waitForTimeout(3000);
  const after = await receiveStats(page);
  return (after.video.framesDecoded - before.video.framesDecoded) / 3;
}

/** Nothing covered or off screen in the suggestion; axe finds nothing; saved for a person to look at. */
async function checkScreen(page: Page, name: string): Promise<void> {
  await layoutSettled(page);
  for (const button of await page.getByTestId('suggest-audio-only').getByRole('button').all()) {
    const box = (await button.boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(box.y + box.height, name).toBeLessThanOrEqual(viewport.height);
    expect(box.height, name).toBeGreaterThanOrEqual(44);
    const hit = await button.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return !!top && el.contains(top);
    });
    expect(hit, name).toBe(true);
  }
  expect(await axeViolations(page), name).toEqual([]);
  await saveScreenshot(page, name);
}
