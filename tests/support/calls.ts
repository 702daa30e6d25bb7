/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { SESSION_COOKIE } from '../../server/auth/session.js';
import type { Harness, Org } from './harness.js';

/** A browser context already signed in with the given session cookie value. */
export async function signedInContext(browser: Browser, baseUrl: string, cookieHeader: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'da-DK', permissions: ['camera', 'microphone'], ...options });
  await context.addCookies([{ name: SESSION_COOKIE, value: cookieHeader.split('=')[1]!, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

export async function citizenCookie(h: Harness, org: Org, workerCookie: string): Promise<string> {
  const link = await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie: workerCookie });
  const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(link.json().url).hash.slice(1) } });
  return `${SESSION_COOKIE}=${exchanged.cookies.find((c) => c.name === SESSION_COOKIE)!.value}`;
}

export interface ReceiveStats {
  video: { framesDecoded: number; packetsReceived: number };
  audio: { packetsReceived: number };
}

export function receiveStats(page: Page): Promise<ReceiveStats> {
  return page.evaluate(() => (window as unknown as { naervaerCall: { receiveStats(): Promise<ReceiveStats> } }).naervaerCall.receiveStats());
}

/** Waits until this page decodes remote video (frames rising, a sized <video>) and receives audio packets. */
export async function expectMediaFlowing(page: Page, remoteVideos = 1, timeoutMs = 20_000): Promise<ReceiveStats> {
  const deadline = Date.now() + timeoutMs;
  let first: ReceiveStats | undefined;
  for (;;) {
    const stats = await receiveStats(page);
    const sized = await page.evaluate(() => [...document.querySelectorAll<HTMLVideoElement>('video.remote-video')].filter((v) => v.videoWidth > 0).length);
    if (first && stats.video.framesDecoded > first.video.framesDecoded + 5 && stats.audio.packetsReceived > first.audio.packetsReceived && sized >= remoteVideos) {
      return stats;
    }
    if (!first && stats.video.framesDecoded > 0) first = stats;
    if (Date.now() > deadline) throw new Error(`media not flowing on ${page.url()}: ${JSON.stringify({ first, stats, sized })}`);
    await page.waitForTimeout(250);
  }
}

/** True when no (or almost no) new video frames were decoded over the interval. */
export async function videoStopped(page: Page, intervalMs = 2000): Promise<boolean> {
  const before = await receiveStats(page);
  await page.waitForTimeout(intervalMs);
  const after = await receiveStats(page);
  return after.video.framesDecoded - before.video.framesDecoded <= 2;
}

/**
 * The worker starts a session from their caseload; the citizen passes the device check into the waiting room
 * (seeing nobody); the worker admits them. Returns how many remote tiles the waiting citizen could see (must be 0).
 */
export async function meetThroughWaitingRoom(worker: Page, citizen: Page, baseUrl: string): Promise<number> {
  await worker.goto(baseUrl);
  await worker.getByRole('button', { name: 'Start video' }).click();
  await worker.getByText('Ingen andre er med endnu.').waitFor();

  await citizen.goto(baseUrl);
  await citizen.getByRole('button', { name: 'Deltag' }).click();
  await citizen.getByRole('heading', { name: 'Tjek kamera og mikrofon' }).waitFor();
  await citizen.locator('video.preview').waitFor();
  await citizen.getByRole('button', { name: 'Deltag' }).click();
  await citizen.getByText('Vent et øjeblik. Din medarbejder lukker dig ind.').waitFor();
  const visibleWhileWaiting = await citizen.locator('figure.tile:not(.local)').count();

  await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).click();
  return visibleWhileWaiting;
}

/** axe-core's WCAG 2.1 A/AA violations on the page (the context must bypass CSP: axe is injected inline). */
export async function axeViolations(page: Page): Promise<string[]> {
  const { createRequire } = await import('node:module');
  const fs = await import('node:fs');
  await page.addScriptTag({ content: fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
}
