/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser, so this file also sees DOM types.
import fs from 'node:fs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CrisisPlanFields } from '../../protocol/crisis.js';
import { CLIENT_DIR } from '../../server/paths.js';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, signedInContext } from '../support/calls.js';
import { controlProblems, type Locale, LOCALE, localesAt, SIZES } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 10, the crisis plan in a browser: the citizen opens "Min kriseplan" from home — one tap — reads it with the
 * people to call as big tel: links, proposes a change and chooses who may read it; the plan opens offline on the
 * phone after a first visit (the service worker keeps it); the worker reaches it from Borgere, accepts the proposal
 * as a new version and sees who changed what. On a 360×740 touch phone and a 1280×800 laptop, in Danish, English
 * and Swedish, with axe clean and every control big enough and uncovered.
 */
const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] });
let browser: Browser;


const PLAN: CrisisPlanFields = {
  warningSigns: 'Jeg sover dårligt og trækker gardinerne for.',
  whatHelps: 'En gåtur. Musik.',
  whatIDo: 'Jeg ringer til min søster.',
  contacts: [{ name: 'Lise (søster)', phone: '+45 12 34 56 78' }, { name: 'Psykiatrisk akutmodtagelse', phone: '38 64 00 00' }],
  staffShould: 'Ring til mig, også om natten.',
  doNotWant: 'Ingen besøg uden at ringe først.',
};

const TEXT = {
  da: { home: 'Min kriseplan', title: 'Min kriseplan', contacts: 'Dem kan jeg ringe til', propose: 'Foreslå en ændring', share: 'Hvem må læse planen?', staffAction: 'Kriseplan', staffTitle: 'Kriseplan for Carl Borger', tab: 'Borgere' },
  en: { home: 'My crisis plan', title: 'My crisis plan', contacts: 'People I can call', propose: 'Suggest a change', share: 'Who may read the plan?', staffAction: 'Crisis plan', staffTitle: 'Crisis plan for Carl Borger', tab: 'Citizens' },
  sv: { home: 'Min krisplan', title: 'Min krisplan', contacts: 'Dem kan jag ringa till', propose: 'Föreslå en ändring', share: 'Vem får läsa planen?', staffAction: 'Krisplan', staffTitle: 'Krisplan för Carl Borger', tab: 'Medborgare' },
} as const;

beforeAll(async () => {
  if (!fs.existsSync(`${CLIENT_DIR}/sw.js`)) throw new Error('build the client first: npm run build');
  browser = await launchChromium();
  const saved = await h.request('PUT', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: cookies.worker, body: { baseVersion: 0, plan: PLAN } });
  if (saved.statusCode !== 200) throw new Error(`saving the plan: ${saved.statusCode} ${saved.body}`);
});
afterAll(() => browser?.close());

/** Script errors of the pages opened here; checked after each test. */
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

async function openPage(cookie: string, size: keyof typeof SIZES, locale: Locale, options: BrowserContextOptions = { bypassCSP: true }): Promise<Page> {
  const context = await signedInContext(browser, h.baseUrl, cookie, { ...SIZES[size], locale: LOCALE[locale], ...options });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

/** Whether the element's bottom is on screen with the page at its top (nothing that matters below the fold). */
const aboveTheFold = (page: Page, selector: string) =>
  page.evaluate((s) => {
    window.scrollTo(0, 0);
    return document.querySelector(s)!.getBoundingClientRect().bottom <= innerHeight;
  }, selector);

describe.each(Object.keys(SIZES) as (keyof typeof SIZES)[])('the citizen’s plan on a %s', (size) => {
  it.each(localesAt(size))('in %s: one tap from home, the numbers to tap first, axe clean', async (locale) => {
    const words = TEXT[locale];
    const page = await openPage(await citizenCookie(h, org, cookies.worker), size, locale);
    try {
      await page.goto(h.baseUrl);
      await page.getByRole('link', { name: words.home }).click();
      await page.getByRole('heading', { name: words.title, level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/crisis-plan');
      await page.getByRole('heading', { name: words.contacts }).waitFor();
      // Each person a tel: link of the digits; 112 is always there, last.
      const calls = page.locator('.crisis-call');
      expect(await calls.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['tel:+4512345678', 'tel:38640000', 'tel:112']);
      expect(await calls.first().innerText()).toContain('+45 12 34 56 78');
      await page.getByText('Jeg sover dårligt og trækker gardinerne for.').waitFor();
      // The first number is on screen at once, even on the phone.
      expect(await aboveTheFold(page, '.crisis-call')).toBe(true);
      await page.getByRole('button', { name: words.propose }).waitFor();
      await page.getByRole('group', { name: words.share }).waitFor();
      expect(await controlProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, `citizen-plan-${locale}-${size}`, { fullPage: true });

      await page.getByRole('button', { name: words.propose }).click();
      await page.locator('.crisis-editor textarea').first().waitFor();
      expect(await controlProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, `citizen-propose-${locale}-${size}`, { fullPage: true });
    } finally {
      await page.context().close();
    }
  });
});

describe('the citizen proposes a change and chooses who may read the plan', () => {
  it('the proposal is stored for the worker to decide; "also duty staff" is the citizen’s consent, and can be taken back', async () => {
    const page = await openPage(await citizenCookie(h, org, cookies.worker), 'phone', 'da');
    try {
      await page.goto(`${h.baseUrl}/crisis-plan`);
      await page.getByRole('button', { name: 'Foreslå en ændring' }).click();
      await page.getByLabel('Det hjælper mig').fill('En gåtur. Musik. Kaffe med Jens.');
      await page.getByRole('button', { name: 'Tilføj en person' }).click();
      await page.getByLabel('Navn').last().fill('Jens (nabo)');
      await page.getByLabel('Telefonnummer').last().fill('20 30 40 50');
      await page.getByRole('button', { name: 'Send forslaget' }).click();
      await page.getByText('Sendt. Du ser på det sammen med Bo.').waitFor();
      await page.getByText('Du har sendt et forslag. Det venter på Bo.').waitFor();
      const [proposal] = await h.admin<{ what_helps: string; contacts: unknown }[]>`select what_helps, contacts from crisis_plan_proposals where citizen_id = ${org.citizenId} and status = 'open'`;
      expect(proposal).toEqual({ what_helps: 'En gåtur. Musik. Kaffe med Jens.', contacts: [...PLAN.contacts, { name: 'Jens (nabo)', phone: '20 30 40 50' }] });
      // Nothing changed in the plan itself: the worker decides.
      expect(await page.locator('.crisis-call').count()).toBe(3);

      const consent = async () => (await h.admin<{ consent: string }[]>`select consent from crisis_plans where citizen_id = ${org.citizenId}`)[0]!.consent;
      expect(await page.getByLabel('Kun Bo').isChecked()).toBe(true);
      await page.getByText('Også den, der har vagt om aftenen og natten').click();
      await page.getByRole('status').filter({ hasText: 'Gemt.' }).waitFor();
      expect(await consent()).toBe('duty_too');
      await saveScreenshot(page, 'citizen-consent-da-phone', { fullPage: true });
      await page.getByText('Kun Bo').click();
      await expect.poll(consent).toBe('own_worker');
    } finally {
      await page.context().close();
    }
  });
});

describe('offline on the phone', () => {
  it('after a first visit the plan opens with no network — from the plan’s address and from home — saying so; the kept copy goes at log-out', async () => {
    // The page's Content-Security-Policy is in force: the service worker must be let in by it.
    const page = await openPage(await citizenCookie(h, org, cookies.worker), 'phone', 'da', {});
    try {
      await page.goto(h.baseUrl);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
      await page.getByRole('link', { name: 'Min kriseplan' }).click();
      await page.getByRole('heading', { name: 'Dem kan jeg ringe til' }).waitFor();
      await expect
        .poll(() => page.evaluate(async () => (await (await caches.open('naervaer-crisis-plan')).keys()).map((r) => new URL(r.url).pathname)))
        .toEqual(['/api/my/crisis-plan']);

      await page.context().setOffline(true);
      await page.reload();
      await page.getByText('Du har ikke net lige nu. Du ser planen, som den var sidst.').waitFor();
      await page.getByText('Jeg sover dårligt og trækker gardinerne for.').waitFor();
      expect(await page.locator('.crisis-call').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['tel:+4512345678', 'tel:38640000', 'tel:112']);
      expect(await aboveTheFold(page, '.crisis-call')).toBe(true);
      // Offline there is nothing to send: proposing and consent need the server.
      expect(await page.getByRole('button', { name: 'Foreslå en ændring' }).count()).toBe(0);
      expect(await page.getByRole('group', { name: 'Hvem må læse planen?' }).count()).toBe(0);
      await saveScreenshot(page, 'citizen-offline-da-phone', { fullPage: true });

      // Opened from the home screen icon with no network: home (the kept appointments), then one tap to the plan.
      await page.goto(h.baseUrl);
      await page.getByRole('link', { name: 'Min kriseplan' }).click();
      await page.getByText('Du har ikke net lige nu. Du ser planen, som den var sidst.').waitFor();
      await page.getByText('Psykiatrisk akutmodtagelse').waitFor();

      // Back online, the citizen logs out on this phone: the kept plan goes with the session.
      await page.context().setOffline(false);
      await page.goto(`${h.baseUrl}/more`);
      await page.getByRole('button', { name: 'Log ud' }).click();
      await page.getByRole('button', { name: 'Ja, log ud' }).click();
      await page.getByRole('heading', { name: 'Log ind for medarbejdere' }).waitFor();
      expect(await page.evaluate(() => caches.has('naervaer-crisis-plan'))).toBe(false);
    } finally {
      await page.context().close();
    }
  });
});

describe('the worker’s view, from Borgere', () => {
  it.each(Object.keys(LOCALE) as Locale[])('in %s: the plan, the open proposal, versions — axe clean on phone and laptop', async (locale) => {
    const words = TEXT[locale];
    for (const size of (Object.keys(SIZES) as (keyof typeof SIZES)[]).filter((s) => localesAt(s).includes(locale))) {
      const page = await openPage(cookies.worker, size, locale);
      try {
        await page.goto(`${h.baseUrl}/people`);
        await page.locator('.person-row', { hasText: 'Carl Borger' }).getByRole('button', { name: words.staffAction }).click();
        await page.getByRole('heading', { name: words.staffTitle, level: 1 }).waitFor();
        expect(new URL(page.url()).pathname).toBe(`/citizens/${org.citizenId}/crisis-plan`);
        // The worker is still "in" Borgere: its tab says so.
        expect(await page.locator('nav a[aria-current="page"]').innerText()).toBe(words.tab);
        await page.locator('.crisis-call').first().waitFor();
        expect(await controlProblems(page)).toEqual([]);
        expect(await axeViolations(page)).toEqual([]);
        await saveScreenshot(page, `staff-plan-${locale}-${size}`, { fullPage: true });
      } finally {
        await page.context().close();
      }
    }
  });

  it('accepts the citizen’s proposal as the next version, edits the plan, and shows who changed which sections', async () => {
    await h.request('POST', '/api/my/crisis-plan/proposals', { cookie: await citizenCookie(h, org, cookies.worker), body: { ...PLAN, whatIDo: 'Jeg går en tur ved søen.' } });
    const page = await openPage(cookies.worker, 'laptop', 'da');
    try {
      await page.goto(`${h.baseUrl}/citizens/${org.citizenId}/crisis-plan`);
      await page.getByRole('heading', { name: /^Borgerens forslag, sendt/ }).waitFor();
      await page.getByRole('button', { name: 'Godkend', exact: true }).click();
      const accepted = page.getByText(/^Godkendt\. Planen er nu version \d+\.$/);
      await accepted.waitFor();
      const version = Number(/version (\d+)/.exec(await accepted.innerText())![1]);
      const [row] = await h.admin<{ current_version: number }[]>`select current_version from crisis_plans where citizen_id = ${org.citizenId}`;
      expect(row!.current_version).toBe(version);
      await page.getByText('Jeg går en tur ved søen.').waitFor();

      await page.getByRole('button', { name: 'Ret planen' }).click();
      await page.getByLabel('Det vil jeg ikke have').fill('Ingen besøg uden at ringe først. Ingen politi.');
      await page.getByRole('button', { name: 'Gem som ny version' }).click();
      await page.getByText(`Gemt som version ${version + 1}.`).waitFor();

      await page.getByRole('button', { name: 'Vis versioner' }).click();
      const newest = page.locator('.crisis-version-list li').first();
      await newest.getByText(`Version ${version + 1},`, { exact: false }).waitFor();
      expect(await newest.innerText()).toContain('Ændret: Det vil jeg ikke have.');
      expect(await page.locator('.crisis-version-list li').nth(1).innerText()).toContain('(borgerens forslag)');
      expect(await controlProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'staff-versions-da-laptop', { fullPage: true });
    } finally {
      await page.context().close();
    }
  });
});

describe('inside a call', () => {
  it('the citizen opens "Min kriseplan" from the call’s "Mere" menu, over the call, which goes on', async () => {
    const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    expect(started.statusCode).toBe(201);
    const callId = started.json().id as string;
    const worker = await openPage(cookies.worker, 'laptop', 'da', { bypassCSP: true, permissions: ['camera', 'microphone'] });
    const citizen = await openPage(await citizenCookie(h, org, cookies.worker), 'phone', 'da', { bypassCSP: true, permissions: ['camera', 'microphone'] });
    try {
      await worker.goto(`${h.baseUrl}/call/${callId}`);
      await worker.locator('.empty-stage').waitFor();
      await citizen.goto(`${h.baseUrl}/call/${callId}/check`);
      await citizen.getByRole('button', { name: 'Deltag' }).click();
      await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).click();
      await citizen.getByRole('button', { name: 'Mere', exact: true }).click();
      await citizen.getByRole('button', { name: 'Min kriseplan' }).click();
      const sheet = citizen.getByRole('region', { name: 'Min kriseplan' });
      await sheet.getByRole('heading', { name: 'Dem kan jeg ringe til' }).waitFor();
      expect(await sheet.locator('.crisis-call').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['tel:+4512345678', 'tel:38640000', 'tel:112']);
      expect(await axeViolations(citizen)).toEqual([]);
      await saveScreenshot(citizen, 'citizen-in-call-da-phone');
      // The call is still on underneath: closing the sheet shows it again.
      await sheet.getByRole('button', { name: 'Luk' }).click();
      await citizen.getByRole('button', { name: 'Mere', exact: true }).waitFor();
      const [session] = await h.admin<{ status: string }[]>`select status from call_sessions where id = ${callId}`;
      expect(session!.status).toBe('open');
    } finally {
      await worker.context().close();
      await citizen.context().close();
      await h.admin`update call_sessions set status = 'ended', ended_at = now(), end_reason = 'ended_by_staff' where id = ${callId} and status = 'open'`;
    }
  });
});

describe('the plan-review reminder on I dag', () => {
  it('a plan untouched for 92 days is named on the worker’s I dag, one press from the plan', async () => {
    await h.admin`update crisis_plan_versions set changed_at = now() - interval '92 days' where citizen_id = ${org.citizenId}`;
    const page = await openPage(cookies.worker, 'phone', 'da');
    try {
      await page.goto(h.baseUrl);
      const line = page.locator('.crisis-review li', { hasText: 'Kriseplanen for Carl Borger er 92 dage gammel.' });
      await line.waitFor();
      expect(await controlProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'staff-review-due-da-phone', { fullPage: true });
      await line.getByRole('button', { name: 'Kriseplan' }).click();
      await page.getByText('Planen er 92 dage gammel. Gennemgå den med borgeren.').waitFor();
    } finally {
      await page.context().close();
    }
  });
});
