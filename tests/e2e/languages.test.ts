/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser, so this file also sees DOM types.
import fs from 'node:fs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDayHeading, organisationToday, shiftDate } from '../../client/src/i18n/locale.js';
import { CLIENT_DIR } from '../../server/paths.js';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, signedInContext } from '../support/calls.js';
import { PASSWORD } from '../support/harness.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useHarness } from '../support/use-harness.js';

/** Issue 9, languages: Swedish beside Danish and English, on a phone and a laptop, chosen by the browser or the user. */

const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] });
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(`${CLIENT_DIR}/index.html`)) throw new Error('build the client first: npm run build');
  browser = await launchChromium();
  // Tomorrow at 10: an appointment on the worker's calendar and on the citizen's home.
  const tomorrow = shiftDate(organisationToday(), 1);
  const booked = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId: org.citizenId, start: `${tomorrow}T10:00`, durationMinutes: 20, modality: 'video' } });
  if (booked.statusCode !== 201) throw new Error(`booking: ${booked.statusCode} ${booked.body}`);
});
afterAll(() => browser?.close());

const SIZES = {
  phone: { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true },
  laptop: { viewport: { width: 1280, height: 800 } },
} satisfies Record<string, BrowserContextOptions>;


const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe.each(Object.entries(SIZES))('in Swedish, %s', (size, options) => {
  // A Swedish browser: nothing chosen yet, so the browser's language decides. axe's inline script needs bypassCSP.
  const swedish = { ...options, locale: 'sv-SE', bypassCSP: true };

  it('the sign-in page is Swedish, says so to assistive technology, and has no axe violations', async () => {
    const context = await browser.newContext(swedish);
    try {
      const page = await context.newPage();
      await page.goto(h.baseUrl);
      await page.getByRole('heading', { name: 'Inloggning för personal' }).waitFor();
      expect(await htmlLang(page)).toBe('sv');
      await page.getByLabel('E-post').waitFor();
      await page.getByLabel('Lösenord').waitFor();
      expect(await page.getByLabel('Språk').inputValue()).toBe('sv');
      expect(await fitsWidth(page)).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, `sv-signin-${size}`, { fullPage: true });

      // Signing in through the Swedish form lands on the Swedish home.
      await page.getByLabel('E-post').fill(org.workerEmail);
      await page.getByLabel('Lösenord').fill(PASSWORD);
      await page.getByRole('button', { name: 'Logga in' }).click();
      await page.getByRole('heading', { name: 'Hej Bo Bostøtte' }).waitFor();
      await page.getByRole('navigation').getByRole('link', { name: 'Idag' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('the worker\'s calendar and citizens are Swedish, dates included, and have no axe violations', async () => {
    const context = await signedInContext(browser, h.baseUrl, cookies.worker, swedish);
    try {
      const page = await context.newPage();
      await page.goto(`${h.baseUrl}/agenda`);
      await page.getByRole('heading', { name: 'Kalender', level: 1 }).waitFor();
      expect(await htmlLang(page)).toBe('sv');
      // The day heading as Intl writes it in Swedish (month and weekday in lower case), only its first letter a capital.
      const heading = formatDayHeading(organisationToday(), 'sv');
      expect(heading).toMatch(/^[A-ZÅÄÖ][a-zåäö]+dag \d{1,2} [a-zåäö]+$/);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      // As drawn, too: no style may capitalise the month (the accessible name does not see CSS).
      expect(await page.getByRole('heading', { name: heading, exact: true }).innerText()).toBe(heading);
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole('navigation').getByRole('link', { name: 'Medborgare' }).click();
      await page.getByRole('heading', { name: 'Mina medborgare' }).waitFor();
      // The caseload arrives after the heading: wait for its first row rather than counting an empty list.
      await page.getByRole('button', { name: 'Starta video' }).first().waitFor();
      await page.getByRole('button', { name: 'Inloggningslänk', exact: true }).click();
      await page.getByRole('button', { name: 'Skapa inloggningslänk' }).click();
      const linkText = page.getByText(/^Skicka den här länken till Carl Borger\. Den fungerar en gång och slutar gälla /);
      await linkText.waitFor();
      expect(await fitsWidth(page)).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, `sv-worker-${size}`, { fullPage: true });

      // No stale text after a switch: the message already shown, its date too, now reads in Danish.
      await page.getByLabel('Språk').selectOption('da');
      await page.getByRole('heading', { name: 'Mine borgere' }).waitFor();
      await page.getByText(/^Send dette link til Carl Borger\. Det virker én gang og udløber /).waitFor();
      await page.getByRole('navigation').getByRole('link', { name: 'Kalender' }).click();
      await page.getByRole('heading', { name: formatDayHeading(organisationToday(), 'da'), exact: true }).waitFor();
      expect(await htmlLang(page)).toBe('da');
    } finally {
      await context.close();
    }
  });

  it('the citizen home is Swedish', async () => {
    const context = await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, cookies.worker), swedish);
    try {
      const page = await context.newPage();
      await page.goto(h.baseUrl);
      await page.getByRole('heading', { name: 'Hej Carl Borger' }).waitFor();
      await page.getByRole('heading', { name: 'Mina tider' }).waitFor();
      await page.getByRole('button', { name: 'Ändra eller avboka' }).waitFor();
      expect(await htmlLang(page)).toBe('sv');
      expect(await fitsWidth(page)).toBe(true);
      await saveScreenshot(page, `sv-citizen-${size}`, { fullPage: true });
    } finally {
      await context.close();
    }
  });
});

describe('the chosen language', () => {
  it('survives a reload, and wins over the browser’s language', async () => {
    // A Danish browser: Danish until the user picks Swedish, then Swedish after a reload too.
    const context = await browser.newContext({ ...SIZES.phone, locale: 'da-DK' });
    try {
      const page = await context.newPage();
      await page.goto(h.baseUrl);
      await page.getByRole('heading', { name: 'Log ind for medarbejdere' }).waitFor();
      await page.getByLabel('Sprog').selectOption('sv');
      await page.getByRole('heading', { name: 'Inloggning för personal' }).waitFor();
      expect(await htmlLang(page)).toBe('sv');
      await page.reload();
      await page.getByRole('heading', { name: 'Inloggning för personal' }).waitFor();
      expect(await htmlLang(page)).toBe('sv');
    } finally {
      await context.close();
    }
  });

  it('follows an English browser when nothing is chosen', async () => {
    const context = await browser.newContext({ ...SIZES.laptop, locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await page.goto(h.baseUrl);
      await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
      expect(await htmlLang(page)).toBe('en');
    } finally {
      await context.close();
    }
  });
});
