/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, citizenCookie, expectMediaFlowing } from '../support/calls.js';
import { layoutSettled, localesAt } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useBrowserPages } from '../support/use-browser-pages.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 9, the call screen: the whole call fits the screen without scrolling, and nothing covers anything. On a phone
 * (portrait and on its side) and on a laptop, every control of the call — the bar, the "Mere" menu, the chat, the
 * waiting list, the citizen's waiting room, the device check before it and the worker's outcome step after it — is
 * inside the viewport, is what a finger or mouse hits at its centre (not the self-view or a sheet over it), and is at
 * least 44×44 px; axe finds nothing. In Danish, English and Swedish.
 * With SCREENSHOTS=<folder> set, each checked state is also saved there as call-*.png for a person to look at.
 */

const phone: BrowserContextOptions = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, bypassCSP: true };
const laptop: BrowserContextOptions = { viewport: { width: 1280, height: 720 }, bypassCSP: true };
/** Further sizes each device is turned to after the first: a taller phone and the phone on its side; a taller laptop. */
const moreSizes = { phone: [{ width: 360, height: 740 }, { width: 740, height: 360 }], laptop: [{ width: 1280, height: 800 }] };
/** The sizes the steps around the call (device check, outcome) are checked at. */
const stepSize = { phone: { width: 360, height: 740 }, laptop: { width: 1280, height: 800 } };

// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;
const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'], ...(clientDir ? { clientDir } : {}) });

const { newPage } = useBrowserPages(h);

async function startSession(): Promise<string> {
  const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
  expect(started.statusCode).toBe(201);
  return started.json().id;
}

/** The worker opens the session; the citizen comes through the device check into the waiting room. */
async function workerAndWaitingCitizen(callId: string, options: BrowserContextOptions, locale = 'da-DK') {
  const worker = await newPage(cookies.worker, options, locale);
  await worker.goto(`${h.baseUrl}/call/${callId}`);
  await worker.locator('.empty-stage').waitFor();
  const citizen = await newPage(await citizenCookie(h, org, cookies.worker), options, locale);
  await citizen.goto(`${h.baseUrl}/call/${callId}/check`);
  await citizen.locator('video.preview').waitFor();
  return { worker, citizen };
}

/** What is wrong with the screen as shown: page scroll, and controls off-screen, covered or too small. */
function layoutProblems(page: Page, scope = '.call'): Promise<string[]> {
  return page.evaluate((scope) => {
    const problems: string[] = [];
    const root = document.scrollingElement!;
    if (root.scrollHeight > innerHeight) problems.push(`page scrolls: ${root.scrollHeight} > ${innerHeight}`);
    if (root.scrollWidth > innerWidth) problems.push(`page scrolls sideways: ${root.scrollWidth} > ${innerWidth}`);
    const selector = ['button', 'label.choice', 'input:not([type=radio]):not([type=checkbox])', 'select'].map((s) => `${scope} ${s}`).join(', ');
    const controls = [...document.querySelectorAll<HTMLElement>(selector)].filter((b) => b.checkVisibility());
    if (controls.length === 0) problems.push('no controls');
    for (const control of controls) {
      const name = (control.getAttribute('aria-label') ?? control.textContent ?? control.outerHTML.slice(0, 60)).trim();
      // A long sheet scrolls inside itself (never the page): a control in it counts where it scrolls to.
      control.scrollIntoView({ block: 'nearest' });
      const r = control.getBoundingClientRect();
      if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) problems.push(`${name}: outside the viewport (${JSON.stringify(r)})`);
      if (r.width < 44 || r.height < 44) problems.push(`${name}: ${r.width}×${r.height} px`);
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !control.contains(hit)) problems.push(`${name}: covered by ${hit?.outerHTML.slice(0, 80)}`);
    }
    return problems;
  }, scope);
}

async function expectFits(page: Page, tag: string, options: { axe: boolean; scope?: string; scrolls?: boolean }): Promise<void> {
  await saveScreenshot(page, `call-${tag}`);
  // `scrolls`: a form longer than the screen (the note after a call) may scroll the page; every control must still be
  // big enough and uncovered where it scrolls to.
  const problems = (await layoutProblems(page, options.scope)).filter((p) => !(options.scrolls && p.startsWith('page scrolls: ')));
  expect(problems, tag).toEqual([]);
  if (options.axe) expect(await axeViolations(page), tag).toEqual([]);
}

/** The texts the checks look for, per language. */
const TEXTS = {
  'da-DK': { more: 'Mere', chat: 'Chat', back: 'Tilbage', placeholder: 'Skriv en besked', join: 'Deltag', waiting: 'Bo ved, at du venter.', admit: 'Luk Carl Borger ind', write: 'Skriv til Carl Borger', close: 'Luk', lang: 'da' },
  'en-GB': { more: 'More', chat: 'Chat', back: 'Back', placeholder: 'Write a message', join: 'Join', waiting: 'Bo knows you are waiting.', admit: 'Let Carl Borger in', write: 'Write to Carl Borger', close: 'Close', lang: 'en' },
  'sv-SE': { more: 'Mer', chat: 'Chatt', back: 'Tillbaka', placeholder: 'Skriv ett meddelande', join: 'Gå med', waiting: 'Bo vet att du väntar.', admit: 'Släpp in Carl Borger', write: 'Skriv till Carl Borger', close: 'Stäng', lang: 'sv' },
} as const;
type Locale = keyof typeof TEXTS;

/**
 * The call as it is, then with "Mere" open, then with the chat open, at its size and the further sizes (axe at the
 * first). Escape closes "Mere" and gives the focus back to it.
 */
async function expectCallFits(page: Page, name: string, sizes: { width: number; height: number }[], locale: Locale = 'da-DK'): Promise<void> {
  const text = TEXTS[locale];
  for (const [i, size] of sizes.entries()) {
    await page.setViewportSize(size);
    await layoutSettled(page);
    const tag = `${name}-${size.width}x${size.height}`;
    await expectFits(page, tag, { axe: i === 0 });

    const more = page.getByRole('button', { name: text.more, exact: true });
    await more.click();
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('region', { name: text.more }).waitFor();
    await expectFits(page, `${tag}-more`, { axe: i === 0 });
    await page.keyboard.press('Escape');
    await page.getByRole('region', { name: text.more }).waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).toBe('false');

    await more.click();
    await page.getByRole('button', { name: text.chat, exact: true }).click();
    await page.getByPlaceholder(text.placeholder).waitFor();
    await expectFits(page, `${tag}-chat`, { axe: i === 0 });
    await page.getByRole('button', { name: text.back }).click();
    await page.getByPlaceholder(text.placeholder).waitFor({ state: 'hidden' });
  }
  await page.setViewportSize(sizes[0]!);
}

describe('the call screen fits the screen and nothing covers anything', () => {
  for (const [device, options] of [['phone', phone], ['laptop', laptop]] as const) {
    it(`${device}: the worker alone in a call, then the outcome step (saved on the session)`, async () => {
      const callId = await startSession();
      const worker = await newPage(cookies.worker, options);
      await worker.goto(`${h.baseUrl}/call/${callId}`);
      await worker.getByText('Ingen andre er med endnu.').waitFor();
      await worker.locator('video.local-video').waitFor();
      expect(await worker.getByRole('banner').count()).toBe(0); // the app's header steps aside in a call
      await expectCallFits(worker, `worker-alone-${device}`, [options.viewport!, ...moreSizes[device]]);

      await worker.getByRole('button', { name: 'Afslut samtalen' }).click();
      await worker.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
      await worker.getByRole('group', { name: 'Hvordan gik det?' }).waitFor();
      await worker.setViewportSize(stepSize[device]);
      await expectFits(worker, `outcome-${device}-${stepSize[device].width}x${stepSize[device].height}`, { axe: true, scope: 'main', scrolls: true });
      // The step is the session's note (client/src/notes/): saved, it records the outcome on the session too.
      const save = worker.getByRole('button', { name: 'Gem notat' });
      expect(await save.isDisabled()).toBe(true);
      await worker.getByLabel('Holdt').check();
      await worker.getByLabel('Fritekst').fill('Vi talte om ugen.');
      await save.click();
      await worker.getByRole('status').filter({ hasText: 'Notatet er gemt.' }).waitFor();
      const [session] = await h.admin`select outcome, outcome_by from call_sessions where id = ${callId}`;
      expect(session).toEqual({ outcome: 'held', outcome_by: org.workerId });
      const [note] = await h.admin`select status, free_text from session_notes where call_session_id = ${callId}`;
      expect(note).toEqual({ status: 'final', free_text: 'Vi talte om ugen.' });
      await expectFits(worker, `outcome-saved-${device}`, { axe: true, scope: 'main', scrolls: true });
      await worker.getByRole('button', { name: 'Tilbage til I dag' }).click();
      await expect.poll(() => new URL(worker.url()).pathname).toBe('/');
    }, 120_000);

    it(`${device}: the device check, the waiting room, the waiting list, then worker and citizen in a call`, async () => {
      const callId = await startSession();
      const { worker, citizen } = await workerAndWaitingCitizen(callId, options);

      // the device check: "Deltag" whole inside the screen without scrolling
      await citizen.setViewportSize(stepSize[device]);
      await layoutSettled(citizen);
      const join = citizen.getByRole('button', { name: 'Deltag' });
      const box = (await join.boundingBox())!;
      expect(box.y + box.height, 'Deltag inside the viewport').toBeLessThanOrEqual(stepSize[device].height);
      await expectFits(citizen, `device-check-${device}-${stepSize[device].width}x${stepSize[device].height}`, { axe: true, scope: 'main' });
      await citizen.setViewportSize(options.viewport!);
      await join.click();

      // the waiting room, at every size; no "Mere" in it
      await citizen.getByRole('heading', { name: 'Bo ved, at du venter.' }).waitFor();
      for (const [i, size] of [options.viewport!, ...moreSizes[device]].entries()) {
        await citizen.setViewportSize(size);
        await layoutSettled(citizen);
        await expectFits(citizen, `waiting-room-${device}-${size.width}x${size.height}`, { axe: i === 0 });
      }
      expect(await citizen.getByRole('button', { name: 'Mere' }).count()).toBe(0);
      await citizen.setViewportSize(options.viewport!);

      // the worker's waiting list, and the sheet to write to the one waiting
      await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).waitFor();
      await expectFits(worker, `waiting-list-${device}`, { axe: true });
      await worker.getByRole('button', { name: 'Skriv til Carl Borger' }).click();
      await expectFits(worker, `waiting-list-write-${device}`, { axe: true });
      await worker.getByRole('button', { name: 'Luk', exact: true }).click();

      await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).click();
      await expectMediaFlowing(citizen);
      await expectMediaFlowing(worker);
      await expectCallFits(worker, `worker-${device}`, [options.viewport!, ...moreSizes[device]]);
      await expectCallFits(citizen, `citizen-${device}`, [options.viewport!, ...moreSizes[device]]);

      // the other person's camera off: said on their tile (axe checks its contrast)
      await citizen.getByRole('button', { name: 'Kamera' }).click();
      await worker.locator('figure.tile:not(.local)').getByText('Kameraet er slukket').waitFor();
      await expectFits(worker, `worker-${device}-camera-off`, { axe: true });
      await citizen.getByRole('button', { name: 'Kamera' }).click();

      await worker.getByRole('button', { name: 'Mere' }).click();
      await worker.getByRole('button', { name: 'Chat' }).click();
      await worker.getByPlaceholder('Skriv en besked').fill('Hej Carl');
      await worker.getByRole('button', { name: 'Send' }).click();
      await citizen.getByText('Hej Carl').waitFor();
      await saveScreenshot(citizen, `call-citizen-${device}-message`);
      expect(await layoutProblems(citizen)).toEqual([]);
      // a message while the chat is closed: a dot on "Mere" (and on "Chat" in it), said to screen readers too
      expect(await citizen.locator('.controls .unread-dot').count()).toBe(1);
      await citizen.getByRole('button', { name: 'Mere (ny besked)' }).click();
      await citizen.getByRole('button', { name: 'Chat (ny besked)' }).click();
      await citizen.getByRole('button', { name: 'Tilbage' }).click();
      expect(await citizen.locator('.controls .unread-dot').count()).toBe(0);
      await citizen.getByRole('button', { name: 'Mere', exact: true }).waitFor();

      await worker.getByRole('button', { name: 'Tilbage' }).click();
      await worker.getByRole('button', { name: 'Afslut samtalen' }).click();
      await citizen.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
      // The closing question comes with its own lazily loaded part: check the screen as the citizen ends up seeing it.
      await citizen.getByRole('group', { name: 'Hvordan var det at tale sammen i dag?' }).waitFor();
      await expectFits(citizen, `ended-citizen-${device}`, { axe: true, scope: 'main' });
    }, 180_000);
  }
});

// With SCREEN_MATRIX=full only (screen-checks.ts): without it no size has these languages, and an empty suite fails.
const otherLanguages = (['en-GB', 'sv-SE'] as const).filter((locale) => (['phone', 'laptop'] as const).some((device) => localesAt(device).includes(locale === 'en-GB' ? 'en' : 'sv')));
if (otherLanguages.length > 0) describe('in English and Swedish too', () => {
  for (const locale of otherLanguages) {
    // With SCREEN_MATRIX=full (screen-checks.ts): the call screen's words in the other languages, at both sizes.
    const language = locale === 'en-GB' ? 'en' : 'sv';
    const devices = ([['phone', { ...phone, viewport: stepSize.phone }], ['laptop', { ...laptop, viewport: stepSize.laptop }]] as const).filter(([device]) => localesAt(device).includes(language));
    for (const [device, options] of devices) {
      it(`${locale}, ${device}: the waiting room and the call`, async () => {
        const text = TEXTS[locale];
        const callId = await startSession();
        const { worker, citizen } = await workerAndWaitingCitizen(callId, options, locale);
        expect(await citizen.evaluate(() => document.documentElement.lang)).toBe(text.lang);
        await citizen.getByRole('button', { name: text.join }).click();
        await citizen.getByRole('heading', { name: text.waiting }).waitFor();
        await expectFits(citizen, `waiting-room-${locale}-${device}`, { axe: true });
        await worker.getByRole('button', { name: text.write }).click();
        await expectFits(worker, `waiting-list-write-${locale}-${device}`, { axe: true });
        await worker.getByRole('button', { name: text.close, exact: true }).click();

        await worker.getByRole('button', { name: text.admit }).click();
        await expectMediaFlowing(citizen);
        await expectCallFits(citizen, `citizen-${locale}-${device}`, [options.viewport!], locale);
        await expectCallFits(worker, `worker-${locale}-${device}`, [options.viewport!], locale);
      }, 120_000);
    }
  }
});
