/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, expectMediaFlowing, meetThroughWaitingRoom, signedInContext } from '../support/calls.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 9, the call screen: the whole call fits the screen without scrolling, and nothing covers anything. On a phone
 * (portrait and on its side) and on a laptop, every button of the call is inside the viewport, is what a finger or
 * mouse hits at its centre (not the self-view or a sheet over it), and is at least 44×44 px; axe finds nothing.
 * With SCREENSHOTS=<folder> set, each checked state is also saved there as call-*.png for a person to look at.
 */

const phone: BrowserContextOptions = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, bypassCSP: true };
const laptop: BrowserContextOptions = { viewport: { width: 1280, height: 720 }, bypassCSP: true };
/** Further sizes each device is turned to after the first: a taller phone and the phone on its side; a taller laptop. */
const moreSizes = { phone: [{ width: 360, height: 740 }, { width: 740, height: 360 }], laptop: [{ width: 1280, height: 800 }] };

const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] });

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** What is wrong with the call screen as shown: page scroll, and buttons off-screen, covered or too small. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.scrollingElement!;
    if (root.scrollHeight > innerHeight) problems.push(`page scrolls: ${root.scrollHeight} > ${innerHeight}`);
    if (root.scrollWidth > innerWidth) problems.push(`page scrolls sideways: ${root.scrollWidth} > ${innerWidth}`);
    const buttons = [...document.querySelectorAll<HTMLButtonElement>('.call button')].filter((b) => b.checkVisibility());
    if (buttons.length === 0) problems.push('no buttons');
    for (const button of buttons) {
      const name = (button.getAttribute('aria-label') ?? button.textContent ?? '').trim();
      // A long chat sheet scrolls inside itself (never the page): a button in it counts where it scrolls to.
      button.scrollIntoView({ block: 'nearest' });
      const r = button.getBoundingClientRect();
      if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) problems.push(`${name}: outside the viewport (${JSON.stringify(r)})`);
      if (r.width < 44 || r.height < 44) problems.push(`${name}: ${r.width}×${r.height} px`);
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !button.contains(hit)) problems.push(`${name}: covered by ${hit?.outerHTML.slice(0, 80)}`);
    }
    return problems;
  });
}

/** Checks the screen as it is (and with the chat sheet open) at its size and the further sizes; axe at the first. */
async function expectCallFits(page: Page, name: string, device: 'phone' | 'laptop'): Promise<void> {
  const first = page.viewportSize()!;
  for (const [i, size] of [first, ...moreSizes[device]].entries()) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200); // layout and video sizes settle
    const tag = `${name}-${size.width}x${size.height}`;
    await saveScreenshot(page, `call-${tag}`);
    expect(await layoutProblems(page), tag).toEqual([]);
    if (i === 0) expect(await axeViolations(page), tag).toEqual([]);

    await page.getByRole('button', { name: 'Chat' }).click();
    await page.getByPlaceholder('Skriv en besked').waitFor();
    await saveScreenshot(page, `call-${tag}-chat`);
    expect(await layoutProblems(page), `${tag} chat`).toEqual([]);
    if (i === 0) expect(await axeViolations(page), `${tag} chat`).toEqual([]);
    await page.getByRole('button', { name: 'Tilbage' }).click();
    await page.getByPlaceholder('Skriv en besked').waitFor({ state: 'hidden' });
  }
  await page.setViewportSize(first);
}

describe('the call screen fits the screen and nothing covers anything', () => {
  for (const [device, options] of [['phone', phone], ['laptop', laptop]] as const) {
    it(`${device}: the worker alone in a call`, async () => {
      const worker = await (await signedInContext(browser, h.baseUrl, cookies.worker, options)).newPage();
      try {
        await worker.goto(h.baseUrl);
        await worker.getByRole('button', { name: 'Start video' }).click();
        await worker.getByText('Ingen andre er med endnu.').waitFor();
        await worker.locator('video.local-video').waitFor();
        await expectCallFits(worker, `worker-alone-${device}`, device);
        await worker.getByRole('button', { name: 'Afslut samtalen' }).click();
        await worker.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
      } finally {
        await worker.context().close();
      }
    }, 90_000);

    it(`${device}: worker and citizen in a call, a chat message on the citizen's stage`, async () => {
      const worker = await (await signedInContext(browser, h.baseUrl, cookies.worker, options)).newPage();
      const citizen = await (await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, cookies.worker), options)).newPage();
      try {
        expect(await meetThroughWaitingRoom(worker, citizen, h.baseUrl)).toBe(0);
        await expectMediaFlowing(citizen);
        await expectMediaFlowing(worker);
        await expectCallFits(worker, `worker-${device}`, device);
        await expectCallFits(citizen, `citizen-${device}`, device);

        await worker.getByRole('button', { name: 'Chat' }).click();
        await worker.getByPlaceholder('Skriv en besked').fill('Hej Carl');
        await worker.getByRole('button', { name: 'Send' }).click();
        await citizen.getByText('Hej Carl').waitFor();
        await saveScreenshot(citizen, `call-citizen-${device}-message`);
        expect(await layoutProblems(citizen)).toEqual([]);

        await worker.getByRole('button', { name: 'Tilbage' }).click();
        await worker.getByRole('button', { name: 'Afslut samtalen' }).click();
        await citizen.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
      } finally {
        await worker.context().close();
        await citizen.context().close();
      }
    }, 120_000);
  }
});
