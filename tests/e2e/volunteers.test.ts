/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser, so this file also sees DOM types.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, signedInContext } from '../support/calls.js';
import { controlProblems, LOCALE, SIZES } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 12 in a browser: the coordinator creates an IT volunteer under Frivillige; the citizen's worker proposes her;
 * the citizen accepts on a 360×740 phone and sees only her chosen name; the volunteer's home then shows the citizen,
 * her contact person and her task; the contact person writes a supervision note; the coordinator reads the hours.
 * Every screen at 360×740 (touch) and 1280×800, axe clean, controls big enough and uncovered.
 */
// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;
const { h, org, cookies } = useHarness({ serve: true, signIn: ['coordinator', 'worker'], ...(clientDir ? { clientDir } : {}) });
let browser: Browser;
const VOLUNTEER_EMAIL = 'mona.hansen@frivillig.dk';
const VOLUNTEER_PASSWORD = 'mona har en lang adgangskode';

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

async function openPage(cookie: string, size: keyof typeof SIZES): Promise<Page> {
  const context = await signedInContext(browser, h.baseUrl, cookie, { ...SIZES[size], locale: LOCALE.da, bypassCSP: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

/** What a person would notice is wrong with the screen as it is now. */
async function checkScreen(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name, { fullPage: true });
  expect(await axeViolations(page), name).toEqual([]);
  expect(await controlProblems(page), name).toEqual([]);
}

// Each step opens two browser pages and runs axe on each: minutes on a loaded 2-core machine, not seconds.
const STEP_MS = 240_000;

describe.sequential('a volunteer from profile to match', () => {
  it('the coordinator creates an IT volunteer under Frivillige', async () => {
    const page = await openPage(cookies.coordinator, 'laptop');
    try {
      await page.goto(h.baseUrl);
      await page.getByRole('link', { name: 'Frivillige' }).click();
      await page.getByRole('heading', { name: 'Frivillige', level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/volunteers');
      await page.getByLabel('Fulde navn (kun for personalet)').fill('Mona Hansen');
      await page.getByLabel('E-mail (til at logge ind)').fill(VOLUNTEER_EMAIL);
      await page.getByLabel('Adgangskode (mindst 12 tegn)').fill(VOLUNTEER_PASSWORD);
      await page.getByLabel('Type').selectOption('it_helper');
      await page.getByLabel('Navn over for borgere').fill('Mona');
      await page.getByLabel('Præsentation (borgeren ser den)').fill('Jeg hjælper gerne med telefonen og med at komme i gang med video.');
      await page.getByLabel('Opgavebeskrivelse: hvad den frivillige må og ikke må').fill('Hjælper med telefon og video. Giver ikke råd om behandling.');
      await page.getByLabel('Kontaktperson').selectOption({ label: 'Bo Bostøtte' });
      await page.getByRole('button', { name: 'Opret den frivillige' }).click();
      await page.getByRole('status').filter({ hasText: 'Mona Hansen er oprettet.' }).waitFor();
      await page.getByRole('heading', { name: 'Mona Hansen', level: 3 }).waitFor();
      await checkScreen(page, 'volunteers-coordinator-laptop');
    } finally {
      await page.context().close();
    }
    const [row] = await h.admin`select p.kind, p.chosen_name, p.contact_person_id from volunteer_profiles p join users u on u.id = p.volunteer_id where u.email = ${VOLUNTEER_EMAIL}`;
    expect(row).toEqual({ kind: 'it_helper', chosen_name: 'Mona', contact_person_id: org.workerId });

    const phone = await openPage(cookies.coordinator, 'phone');
    try {
      await phone.goto(`${h.baseUrl}/volunteers`);
      await phone.getByRole('heading', { name: 'Mona Hansen', level: 3 }).waitFor();
      await phone.getByRole('heading', { name: 'Timer og kontakter pr. måned' }).waitFor();
      await checkScreen(phone, 'volunteers-coordinator-phone');
    } finally {
      await phone.context().close();
    }
  }, STEP_MS);

  it('the worker proposes her to a citizen in the caseload', async () => {
    for (const size of ['phone', 'laptop'] as const) {
      const page = await openPage(cookies.worker, size);
      try {
        await page.goto(`${h.baseUrl}/volunteers`);
        await page.getByRole('heading', { name: 'Foreslå en frivillig' }).waitFor();
        // (A label around a select also reads out the chosen option: the name starts with the label's text.)
        await page.getByRole('combobox', { name: /^Borger/ }).selectOption({ label: 'Carl Borger' });
        await page.getByRole('combobox', { name: /^Frivillig/ }).selectOption({ label: 'Mona (Mona Hansen) · IT-frivillig' });
        if (size === 'laptop') {
          await page.getByRole('button', { name: 'Foreslå', exact: true }).click();
          await page.getByRole('status').filter({ hasText: 'Forslaget er sendt til borgeren.' }).waitFor();
        }
        await checkScreen(page, `volunteers-worker-${size}`);
      } finally {
        await page.context().close();
      }
    }
  }, STEP_MS);

  it('the citizen accepts on a phone and sees only the chosen name', async () => {
    const page = await openPage(await citizenCookie(h, org, cookies.worker), 'phone');
    try {
      await page.goto(h.baseUrl);
      await page.getByRole('heading', { name: 'Vil du tale med Mona?' }).waitFor();
      await page.getByText('Hjælper med telefon og video', { exact: true }).waitFor();
      const text = await page.locator('main').innerText();
      expect(text).not.toContain('Hansen');
      expect(text).not.toContain('@');
      await checkScreen(page, 'volunteers-citizen-proposal-phone');
      await page.getByRole('button', { name: 'Ja tak' }).click();
      await page.getByText('Mona er din frivillige').waitFor();
      await page.getByRole('status').filter({ hasText: 'Godt. Mona hører fra dig.' }).waitFor();
      await checkScreen(page, 'volunteers-citizen-accepted-phone');
    } finally {
      await page.context().close();
    }
    const [match] = await h.admin`select status from volunteer_matches where citizen_id = ${org.citizenId}`;
    expect(match!.status).toBe('active');

    const laptop = await openPage(await citizenCookie(h, org, cookies.worker), 'laptop');
    try {
      await laptop.goto(h.baseUrl);
      await laptop.getByText('Mona er din frivillige').waitFor();
      await checkScreen(laptop, 'volunteers-citizen-laptop');
    } finally {
      await laptop.context().close();
    }
  }, STEP_MS);

  it('the volunteer’s home shows the citizen’s first name (not her full name), her contact person and her task', async () => {
    for (const size of ['phone', 'laptop'] as const) {
      const page = await openPage(await h.login(VOLUNTEER_EMAIL, VOLUNTEER_PASSWORD), size);
      try {
        await page.goto(h.baseUrl);
        await page.getByRole('heading', { name: 'Dine borgere' }).waitFor();
        await page.getByText('Carl', { exact: true }).waitFor();
        expect(await page.getByText('Carl Borger').count()).toBe(0);
        await page.getByText('Din kontaktperson er Bo Bostøtte.', { exact: false }).waitFor();
        await page.getByText('Giver ikke råd om behandling.', { exact: false }).waitFor();
        await checkScreen(page, `volunteers-volunteer-home-${size}`);
      } finally {
        await page.context().close();
      }
    }
  }, STEP_MS);

  it('the contact person writes a supervision note; the coordinator reads the hours', async () => {
    const page = await openPage(cookies.worker, 'phone');
    try {
      await page.goto(`${h.baseUrl}/volunteers`);
      await page.getByRole('button', { name: 'Opfølgning' }).click();
      await page.getByText('Skriv intet om borgerne her', { exact: false }).waitFor();
      await page.getByLabel('Ny note').fill('Mona er glad for opgaven. Aftalt at tale igen om en måned.');
      await page.getByRole('button', { name: 'Gem noten' }).click();
      await page.getByRole('status').filter({ hasText: 'Noten er gemt.' }).waitFor();
      await checkScreen(page, 'volunteers-follow-up-phone');
    } finally {
      await page.context().close();
    }
    const laptop = await openPage(cookies.coordinator, 'laptop');
    try {
      await laptop.goto(`${h.baseUrl}/volunteers`);
      await laptop.getByRole('button', { name: 'Opfølgning' }).click();
      await laptop.getByText('Mona er glad for opgaven.', { exact: false }).waitFor();
      await checkScreen(laptop, 'volunteers-follow-up-laptop');
    } finally {
      await laptop.context().close();
    }
  }, STEP_MS);
});
