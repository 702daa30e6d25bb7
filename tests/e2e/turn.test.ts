/**
 * A call that can reach the media server only through TURN over TCP — the municipal network that blocks UDP and every
 * port but one — with a real coturn. The media server listens on 127.0.0.1 and announces 127.0.0.2, where the
 * impairment lab stands with the direct path closed: only coturn's relay address (127.0.0.5) gets through. The browsers
 * are not told to use TURN; they try the direct path first, as every browser does, find it closed, and take the
 * relayed one with the TURN REST API credentials the server signed with coturn's shared secret. Media flows through
 * coturn both ways.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/db/embedded.js';
import { launchChromium } from '../support/browser.js';
import { citizenCookie, expectMediaFlowing, meetThroughWaitingRoom, signedInContext } from '../support/calls.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { turnIceServers } from '../../server/calls/turn.js';
import { startHarness, type Harness, type Org } from '../support/harness.js';
import { NetLab } from '../support/netlab.js';

/** The address coturn relays from: the only one the lab lets through to the media server. */
const COTURN_RELAY = '127.0.0.5';

/** In the page: the local end of the ICE pair each open connection uses (type, and how it reaches its TURN server). */
async function selectedLocalCandidates(): Promise<{ candidateType: string; relayProtocol: string | undefined }[]> {
  const found: { candidateType: string; relayProtocol: string | undefined }[] = [];
  for (const pc of window.callProbe?.connections ?? []) {
    if (pc.signalingState === 'closed') continue;
    const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
    const pair = stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
    const local = stats.find((s) => s.id === pair?.localCandidateId);
    if (local) found.push({ candidateType: String(local.candidateType), relayProtocol: local.relayProtocol as string | undefined });
  }
  return found;
}

// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;
const serve = { serve: true, ...(clientDir ? { clientDir } : {}) };

let browser: Browser;
let coturn: Coturn;
let h: Harness | undefined;
let lab: NetLab | undefined;
beforeAll(async () => {
  [browser, coturn] = await Promise.all([launchChromium(), startCoturn(undefined, COTURN_RELAY)]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await coturn?.stop();
});
afterEach(async () => {
  await h?.close();
  await lab?.close();
  h = undefined;
  lab = undefined;
});

/**
 * A worker and a citizen meet through the waiting room on a server behind a closed direct path, which hands out
 * credentials signed with `secret`; `check` looks at the call, then both browsers' contexts close.
 */
async function callBehindClosedDirectPath(secret: string, check: (pages: { worker: Page; citizen: Page }, org: Org) => Promise<void>): Promise<void> {
  const port = await freePort();
  lab = await NetLab.start({ listenHost: '127.0.0.2', targetHost: '127.0.0.1', ports: [port], onlyFrom: [COTURN_RELAY] });
  h = await startHarness({ TURN_URLS: coturn.url, TURN_SECRET: secret, RTC_PORT: String(port), RTC_LISTEN_IP: '127.0.0.1', RTC_ANNOUNCED_ADDRESS: '127.0.0.2' }, serve);
  const org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const contexts = [await signedInContext(browser, h.baseUrl, workerCookie), await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, workerCookie))];
  try {
    const [worker, citizen] = await Promise.all(contexts.map((context) => context.newPage()));
    await meetThroughWaitingRoom(worker!, citizen!, h.baseUrl);
    await check({ worker: worker!, citizen: citizen! }, org);
  } finally {
    for (const context of contexts) await context.close();
  }
}

describe('TURN', () => {
  it('with the direct path closed, a worker and a citizen meet through coturn over TCP: video and audio both ways', { timeout: 120_000 }, async () => {
    await callBehindClosedDirectPath(coturn.secret, async ({ worker, citizen }, org) => {
      await expectMediaFlowing(citizen, 1, 45_000);
      await expectMediaFlowing(worker, 1, 45_000);
      for (const page of [worker, citizen]) {
        const candidates = await page.evaluate(selectedLocalCandidates);
        expect(candidates.length).toBeGreaterThan(0);
        // Relayed, and reaching coturn over TCP. (Chromium may call it 'prflx': the lab forwards coturn's packets from
        // an address of its own, so the media server answers with a mapped address that is not the relay's.)
        for (const candidate of candidates) {
          expect(candidate.relayProtocol).toBe('tcp');
          expect(['relay', 'prflx']).toContain(candidate.candidateType);
        }
      }
      // The browsers did try the direct path, and the lab turned them away; what got through came from coturn.
      expect(lab!.blocked).toBeGreaterThan(0);
      expect(lab!.up.counts.forwarded).toBeGreaterThan(100);
      // coturn accepted the credentials the server signed (its first answer to any allocation is a 401 challenge), and
      // the user names it logged carry an expiry and a random tag, nothing of the person.
      expect(coturn.log()).toMatch(/user <\d{10}:[0-9a-f]{12}>: incoming packet ALLOCATE processed, success/);
      expect(coturn.log()).not.toContain(org.workerEmail);
    });
  });

  it('with credentials signed by a secret coturn does not know, the browser gets no relayed address; with the right one it does', { timeout: 60_000 }, async () => {
    // What a browser makes of the ICE servers the server hands out (server/calls/turn.ts), in a page of its own: the
    // relayed address it gathers is the path the call above took. No call is needed to see that the secret decides.
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const relayed = (iceServers: ReturnType<typeof turnIceServers>) => page.evaluate(gatherRelayCandidates, iceServers);
      const settings = { urls: [coturn.url], credentialHours: 1 };
      expect(await relayed(turnIceServers({ ...settings, secret: 'not-the-secret-coturn-was-given' }))).toEqual([]);
      const withTheSecret = await relayed(turnIceServers({ ...settings, secret: coturn.secret }));
      expect(withTheSecret).toEqual([COTURN_RELAY]);
    } finally {
      await context.close();
    }
  });
});

/** In the page: the addresses of the relayed candidates gathered with these ICE servers, relayed ones only. */
async function gatherRelayCandidates(iceServers: RTCIceServer[]): Promise<string[]> {
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
  const found: string[] = [];
  pc.addEventListener('icecandidate', (event) => {
    if (event.candidate?.type === 'relay' && event.candidate.address) found.push(event.candidate.address);
  });
  const complete = new Promise<void>((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()));
  pc.createDataChannel('gather');
  await pc.setLocalDescription(await pc.createOffer());
  await Promise.race([complete, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  pc.close();
  return found;
}
