/// <reference lib="dom" />
/**
 * Issue 9, "Bo er klar" in the browser. The worker presses "Start video" and, on the call screen while nobody has
 * come yet, reads how the citizen was told ("Carl har fået besked på SMS."), or that they were not. The citizen's
 * open home screen shows "Deltag" when the server says so over the live connection (/events), not at its next poll.
 * At 360×740 (touch, Danish) and 1280×800; axe finds nothing. With SCREENSHOTS=<folder>, each state is saved there.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, signedInContext } from '../support/calls.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useHarness } from '../support/use-harness.js';

const sizes: Record<string, BrowserContextOptions> = {
  phone: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true },
  laptop: { viewport: { width: 1280, height: 800 }, bypassCSP: true },
};

const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] });

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  const consent = await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { smsReminders: true } });
  expect(consent.statusCode).toBe(200);
});
afterAll(() => browser?.close());
const opened: Page[] = [];
afterEach(async () => {
  for (const page of opened.splice(0)) await page.context().close();
  await h.admin`update call_sessions set status = 'ended', ended_at = now(), end_reason = 'ended_by_staff' where status = 'open'`;
});

async function newPage(cookie: string, options: BrowserContextOptions): Promise<Page> {
  const page = await (await signedInContext(browser, h.baseUrl, cookie, { ...options, locale: 'da-DK' })).newPage();
  opened.push(page);
  return page;
}

/** The organisation's quiet hours around this moment, or well away from it (in its own zone). */
async function quietHours(now: 'quiet' | 'not quiet'): Promise<void> {
  const [from, to] = now === 'quiet' ? ['-1 hour', '1 hour'] : ['2 hours', '3 hours'];
  await h.admin`
    update organisations set quiet_hours_start = ((now() at time zone time_zone) + ${from}::interval)::time,
                             quiet_hours_end = ((now() at time zone time_zone) + ${to}::interval)::time
    where id = ${org.id}`;
}

/** Inside the viewport, at least 44×44, and what a tap at its centre hits. */
async function expectReachable(page: Page, selector: string): Promise<void> {
  const element = page.locator(selector).first();
  const box = (await element.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(box.y + box.height, selector).toBeLessThanOrEqual(viewport.height);
  const topmost = await element.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && (hit === el || el.contains(hit));
  });
  expect(topmost, selector).toBe(true);
}

for (const [device, options] of Object.entries(sizes)) {
  describe(`on a ${device}`, () => {
    it('the worker starts a video from Borgere and reads on the call screen that Carl was told by SMS', async () => {
      await quietHours('not quiet');
      const worker = await newPage(cookies.worker, options);
      await worker.goto(`${h.baseUrl}/people`);
      await worker.getByRole('button', { name: 'Start video' }).first().click();
      await worker.getByText('Ingen andre er med endnu.').waitFor();
      const line = worker.getByTestId('ready-told');
      await expect.poll(() => line.textContent()).toBe('Carl har fået besked på SMS.');
      const box = (await line.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(options.viewport!.height);
      expect(await axeViolations(worker)).toEqual([]);
      await saveScreenshot(worker, `ready-told-sms-${device}`);
    });

    it('in the quiet hours the worker reads that Carl was not told', async () => {
      await quietHours('quiet');
      const worker = await newPage(cookies.worker, options);
      await worker.goto(`${h.baseUrl}/people`);
      await worker.getByRole('button', { name: 'Start video' }).first().click();
      await expect.poll(() => worker.getByTestId('ready-told').textContent()).toBe('Carl har ikke fået besked (stille timer).');
      expect(await axeViolations(worker)).toEqual([]);
      await saveScreenshot(worker, `ready-told-quiet-${device}`);
    });

    it('the citizen\'s open home shows "Deltag" when the server says the session opened', async () => {
      const citizen = await newPage(await citizenCookie(h, org, cookies.worker), options);
      const said: string[] = [];
      citizen.on('websocket', (socket) => {
        if (socket.url().includes('/socket.io/')) socket.on('framereceived', ({ payload }) => said.push(String(payload)));
      });
      await citizen.goto(h.baseUrl);
      // Connected to /events (socket.io's namespace connect reply), and no session open yet.
      await expect.poll(() => said.some((frame) => frame.startsWith('40/events'))).toBe(true);
      expect(await citizen.getByRole('button', { name: 'Deltag' }).count()).toBe(0);

      const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
      expect(started.statusCode).toBe(201);
      await expect.poll(() => said.some((frame) => frame.includes('openCallsChanged'))).toBe(true);
      await citizen.getByRole('button', { name: 'Deltag' }).first().waitFor();
      await expectReachable(citizen, 'button:has-text("Deltag")');
      expect(await axeViolations(citizen)).toEqual([]);
      await saveScreenshot(citizen, `citizen-ready-${device}`);
    });
  });
}
