/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * A call that can reach the media server only through TURN over TCP — the municipal network that blocks UDP and every
 * port but one — with a real coturn. The browsers are told to use relayed candidates only (their RTCPeerConnection
 * is given iceTransportPolicy 'relay'), so no direct path is tried; the server hands out TURN REST API credentials
 * signed with coturn's shared secret, and media must flow through coturn both ways.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { citizenCookie, expectMediaFlowing, meetThroughWaitingRoom, signedInContext } from '../support/calls.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { startHarness, type Harness, type Org } from '../support/harness.js';

/** In the page, before its scripts: every RTCPeerConnection may use relayed (TURN) candidates only. */
function relayOnly(): void {
  const Native = window.RTCPeerConnection;
  // Anonymous on purpose: a runner that keeps function names would add a helper call the page does not have.
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super({ ...configuration, iceTransportPolicy: 'relay' });
    }
  };
}

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
beforeAll(async () => {
  [browser, coturn] = await Promise.all([launchChromium(), startCoturn()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await coturn?.stop();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * A worker and a citizen, both allowed relayed candidates only, meet through the waiting room on a server that hands out
 * credentials signed with `secret`; `check` looks at the call, then both browsers' contexts close.
 */
async function relayOnlyCall(secret: string, check: (pages: { worker: Page; citizen: Page }, org: Org) => Promise<void>): Promise<void> {
  h = await startHarness({ TURN_URLS: coturn.url, TURN_SECRET: secret }, serve);
  const org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const contexts = [await signedInContext(browser, h.baseUrl, workerCookie), await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, workerCookie))];
  try {
    for (const context of contexts) await context.addInitScript(relayOnly);
    const [worker, citizen] = await Promise.all(contexts.map((context) => context.newPage()));
    await meetThroughWaitingRoom(worker!, citizen!, h.baseUrl);
    await check({ worker: worker!, citizen: citizen! }, org);
  } finally {
    for (const context of contexts) await context.close();
  }
}

describe('TURN', () => {
  it('a worker and a citizen who may use relayed candidates only meet through coturn over TCP: video and audio both ways', { timeout: 120_000 }, async () => {
    await relayOnlyCall(coturn.secret, async ({ worker, citizen }, org) => {
      await expectMediaFlowing(citizen, 1, 45_000);
      await expectMediaFlowing(worker, 1, 45_000);
      for (const page of [worker, citizen]) {
        const candidates = await page.evaluate(selectedLocalCandidates);
        expect(candidates.length).toBeGreaterThan(0);
        for (const candidate of candidates) expect(candidate).toEqual({ candidateType: 'relay', relayProtocol: 'tcp' });
      }
      // coturn accepted the credentials the server signed (its first answer to any allocation is a 401 challenge), and
      // the user names it logged carry an expiry and a random tag, nothing of the person.
      expect(coturn.log()).toMatch(/user <\d{10}:[0-9a-f]{12}>: incoming packet ALLOCATE processed, success/);
      expect(coturn.log()).not.toContain(org.workerEmail);
    });
  });

  it('with a secret coturn does not know, no relayed path opens and no media flows: the credentials are what lets a browser through', { timeout: 90_000 }, async () => {
    await relayOnlyCall('not-the-secret-coturn-was-given', async ({ citizen }) => {
      await expect(expectMediaFlowing(citizen, 1, 10_000)).rejects.toThrow(/media not flowing/);
      expect(await citizen.evaluate(selectedLocalCandidates)).toEqual([]);
    });
  });
});
