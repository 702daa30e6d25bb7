/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { citizenCookie, expectMediaFlowing, meetThroughWaitingRoom, signedInContext } from '../support/calls.js';
import { startHarness, type Harness, type Org } from '../support/harness.js';

/**
 * Issue 7, item 8 in real browsers: a colleague taken out of a call (by the worker) or signed out while in it stops
 * receiving video at once and is told why; the worker and the citizen go on seeing and hearing each other.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

interface Setup {
  h: Harness;
  org: Org;
  callId: string;
  workerCookie: string;
  colleagueCookie: string;
  pages: Page[];
  worker: Page;
  citizen: Page;
  colleague: Page;
}
/** What the running test opened, closed after it whether its setup finished or not. */
let opened: { h?: Harness; pages: Page[] } = { pages: [] };
afterEach(async () => {
  for (const page of opened.pages) await page.context().close();
  await opened.h?.close();
  opened = { pages: [] };
});

/** Worker and citizen through the waiting room, then the worker's colleague (a coordinator) joins: three in the call. */
async function threeInACall(): Promise<Setup> {
  const h = await startHarness({}, { serve: true });
  const org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const colleagueCookie = await h.login(org.coordinatorEmail);
  const pages: Page[] = [];
  opened = { h, pages };
  const page = async (cookie: string) => {
    const p = await (await signedInContext(browser, h.baseUrl, cookie)).newPage();
    pages.push(p);
    return p;
  };
  const worker = await page(workerCookie);
  const citizen = await page(await citizenCookie(h, org, workerCookie));
  expect(await meetThroughWaitingRoom(worker, citizen, h.baseUrl)).toBe(0);
  const callId = (await h.admin<{ id: string }[]>`select id from call_sessions`)[0]!.id;
  expect((await h.request('POST', `/api/calls/${callId}/participants`, { cookie: workerCookie, body: { userId: org.coordinatorId } })).statusCode).toBe(204);
  const colleague = await page(colleagueCookie);
  await colleague.goto(h.baseUrl);
  await colleague.getByRole('heading', { name: 'Åbne samtaler' }).waitFor();
  await colleague.getByRole('button', { name: 'Deltag' }).click();
  for (const p of [worker, citizen, colleague]) await expectMediaFlowing(p, 2);
  return { h, org, callId, workerCookie, colleagueCookie, pages, worker, citizen, colleague };
}

/** Keeps the page's incoming video tracks, to look at after the call screen has gone. */
async function holdRemoteVideoTracks(page: Page): Promise<number> {
  return page.evaluate(() => {
    const tracks = [...document.querySelectorAll<HTMLVideoElement>('video.remote-video')]
      .flatMap((v) => (v.srcObject instanceof MediaStream ? v.srcObject.getVideoTracks() : []));
    (window as unknown as { heldTracks: MediaStreamTrack[] }).heldTracks = tracks;
    return tracks.length;
  });
}
const heldTrackStates = (page: Page) => page.evaluate(() => (window as unknown as { heldTracks: MediaStreamTrack[] }).heldTracks.map((t) => t.readyState));

/** What the SFU holds for one participant of the session: a peer with transports, or nothing. */
async function sfuTransportsOf(setup: Setup, userId: string): Promise<number> {
  const [participant] = await setup.h.admin<{ id: string }[]>`select id from call_participants where session_id = ${setup.callId} and user_id = ${userId}`;
  return setup.h.media.room(setup.callId)?.peers.get(participant!.id)?.transports.size ?? 0;
}

// Three browsers with real media through the SFU: about 20 s alone, and three times that when the two test workers
// both run browser tests on a 2-core machine. The limit is a guard against hanging, not a measure of speed.
const THREE_BROWSERS_MS = 120_000;

describe('taken out of a live call', () => {
  it('removed by the worker: the colleague’s video stops, the screen says why, and the call goes on for the others', async () => {
    const setup = await threeInACall();
    const { h, org, callId, worker, citizen, colleague } = setup;
    expect(await holdRemoteVideoTracks(colleague)).toBe(2);
    expect(await sfuTransportsOf(setup, org.coordinatorId)).toBe(2);
    const [participant] = await h.admin<{ id: string }[]>`select id from call_participants where session_id = ${callId} and user_id = ${org.coordinatorId}`;

    const removed = await h.request('DELETE', `/api/calls/${callId}/participants/${participant!.id}`, { cookie: setup.workerCookie });
    expect(removed.statusCode).toBe(204);

    const ended = colleague.getByTestId('call-ended');
    await ended.waitFor();
    expect(await ended.getAttribute('data-reason')).toBe('removed');
    await colleague.getByRole('heading', { name: 'Du er taget ud af samtalen.' }).waitFor();
    // the video it was receiving has ended, and the SFU sends it nothing more: its peer and transports are gone
    await expect.poll(() => heldTrackStates(colleague)).toEqual(['ended', 'ended']);
    expect(await sfuTransportsOf(setup, org.coordinatorId)).toBe(0);

    // the worker and the citizen still see and hear each other (one remote picture each now)
    for (const page of [worker, citizen]) await expectMediaFlowing(page, 1);
    expect(await citizen.getByTestId('call-ended').count()).toBe(0);
    const segments = await h.admin`
      select s.leave_reason from call_segments s join call_participants p on p.id = s.participant_id
      where p.user_id = ${org.coordinatorId}`;
    expect(segments.map((s) => s.leave_reason)).toEqual(['removed']);

    // opening the session again does not bring them back
    await colleague.goto(h.baseUrl);
    await colleague.getByRole('heading', { name: 'Åbne samtaler' }).waitFor();
    const token = await h.request('POST', `/api/calls/${callId}/token`, { cookie: setup.colleagueCookie });
    expect(token.statusCode).toBe(410);
  }, THREE_BROWSERS_MS);

  it('signed out (in another tab): the video stops, the screen says so, and the call goes on for the others', async () => {
    const setup = await threeInACall();
    const { h, org, worker, citizen, colleague } = setup;
    expect(await holdRemoteVideoTracks(colleague)).toBe(2);

    expect((await h.request('POST', '/api/auth/logout', { cookie: setup.colleagueCookie })).statusCode).toBe(204);

    const ended = colleague.getByTestId('call-ended');
    await ended.waitFor();
    expect(await ended.getAttribute('data-reason')).toBe('signed_out');
    await colleague.getByRole('heading', { name: 'Du er blevet logget ud.' }).waitFor();
    await expect.poll(() => heldTrackStates(colleague)).toEqual(['ended', 'ended']);
    expect(await sfuTransportsOf(setup, org.coordinatorId)).toBe(0);
    for (const page of [worker, citizen]) await expectMediaFlowing(page, 1);
  }, THREE_BROWSERS_MS);
});
