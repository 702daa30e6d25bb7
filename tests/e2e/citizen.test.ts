/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser, so this file also sees DOM types.
import fs from 'node:fs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIR } from '../../server/paths.js';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, signedInContext } from '../support/calls.js';
import { controlProblems, localesAt } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 9, the citizen app: plain words and one main thing per screen, "I dag kl. 12.45", a question and an undo
 * before anything is asked of the worker, nothing to change once an appointment has begun, and "Mere" with the
 * language, reminders and a log-out that warns first — on a 360×740 touch phone and a 1280×800 laptop, in Danish,
 * English and Swedish, with axe clean and every control reachable, big enough and not covered.
 */
const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] });
let browser: Browser;
/** Today's appointment (its start a minute or two from now) and one three days on. */
let today: { id: string; local: string };
let later: { id: string };

const SIZES = {
  phone: { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true },
  laptop: { viewport: { width: 1280, height: 800 } },
} satisfies Record<string, BrowserContextOptions>;
const LOCALE = { da: 'da-DK', en: 'en-GB', sv: 'sv-SE' } as const;

async function book(start: string, modality: string): Promise<{ id: string }> {
  const booked = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId: org.citizenId, start, durationMinutes: 30, modality } });
  if (booked.statusCode !== 201) throw new Error(`booking: ${booked.statusCode} ${booked.body}`);
  return booked.json()[0];
}

beforeAll(async () => {
  if (!fs.existsSync(`${CLIENT_DIR}/index.html`)) throw new Error('build the client first: npm run build');
  browser = await launchChromium();
  const copenhagenDay = (offsetDays: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(new Date(Date.now() + offsetDays * 86_400_000));
  const first = await book(`${copenhagenDay(1)}T08:00`, 'video');
  // Moved (in the database: the API books only on whole minutes ahead) to start on the next whole minute but one.
  const [moved] = await h.admin<{ local: string }[]>`
    update appointments set starts_at = date_trunc('minute', now()) + interval '2 minutes', ends_at = date_trunc('minute', now()) + interval '32 minutes'
    where id = ${first.id} returning to_char(starts_at at time zone 'Europe/Copenhagen', 'YYYY-MM-DD"T"HH24:MI') as local`;
  today = { id: first.id, local: moved!.local };
  later = await book(`${copenhagenDay(3)}T10:00`, 'phone');
});
afterAll(() => browser?.close());

/** The clock time as each language writes it on these screens (no leading zero, "." in Danish). */
const clock = (local: string, locale: keyof typeof LOCALE) => `${Number(local.slice(11, 13))}${locale === 'da' ? '.' : ':'}${local.slice(14, 16)}`;

/** The bottom of an element with the page scrolled to the top: the main action must be above the fold. */
const bottomAtTop = (page: Page, selector: string) =>
  page.evaluate((s) => {
    window.scrollTo(0, 0);
    return { bottom: document.querySelector(s)!.getBoundingClientRect().bottom, height: innerHeight };
  }, selector);

/** Script errors of the pages opened by citizenPage(); checked after each test. */
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

async function citizenPage(size: keyof typeof SIZES, locale: keyof typeof LOCALE): Promise<Page> {
  const context = await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, cookies.worker), { ...SIZES[size], locale: LOCALE[locale], bypassCSP: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

const TEXT = {
  da: { hello: 'Hej Carl Borger', mine: 'Mine aftaler', next: 'Din næste aftale', today: 'I dag kl.', how: 'Video med Bo', more: 'Mere', change: 'Skift eller aflys', language: 'Sprog', logout: 'Log ud' },
  en: { hello: 'Hello Carl Borger', mine: 'My appointments', next: 'Your next appointment', today: 'Today at', how: 'Video with Bo', more: 'More', change: 'Change or cancel', language: 'Language', logout: 'Sign out' },
  sv: { hello: 'Hej Carl Borger', mine: 'Mina tider', next: 'Din nästa tid', today: 'I dag kl.', how: 'Video med Bo', more: 'Mer', change: 'Ändra eller avboka', language: 'Språk', logout: 'Logga ut' },
} as const;

describe.each(Object.keys(SIZES) as (keyof typeof SIZES)[])('the citizen app on a %s', (size) => {
  it.each(localesAt(size))('in %s: home with today\'s appointment first, then "Mere"', async (locale) => {
    // The language is chosen on "Mere" (below); here the browser's language decides, as for a first visit.
    const words = TEXT[locale];
    const page = await citizenPage(size, locale);
    try {
      await page.goto(h.baseUrl);
      await page.getByRole('heading', { name: words.hello }).waitFor();
      await page.getByRole('heading', { name: words.mine }).waitFor();
      await page.getByRole('heading', { name: words.next }).waitFor();
      const next = page.locator('.appointment-card.next');
      // Today's appointment, in the reader's language and with the time as they write it.
      expect(await next.locator('.appointment-when').innerText()).toBe(`${words.today} ${clock(today.local, locale)}`);
      expect(await next.locator('.appointment-how').innerText()).toBe(words.how);
      // No admin words anywhere, and the top bar holds "Mere" only (no "Log ud", no language select).
      const text = (await page.locator('body').innerText()).replaceAll('Carl Borger', '');
      expect(text).not.toMatch(/borger|organisation|Testkommune|enhed|enhet|device/i);
      expect(await page.locator('header').getByRole('button').allInnerTexts()).toEqual([words.more]);
      expect(await page.locator('header select').count()).toBe(0);
      expect(await page.getByRole('button', { name: words.logout }).count()).toBe(0);
      // The main thing is above the fold, everything is big enough and uncovered, axe is clean.
      const main = await bottomAtTop(page, '.appointment-card.next');
      expect(main.bottom).toBeLessThanOrEqual(main.height);
      expect(await controlProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, `home-${locale}-${size}`, { fullPage: true });

      await page.getByRole('button', { name: words.more }).click();
      await page.getByRole('heading', { name: words.more, level: 1 }).waitFor();
      expect(await page.getByLabel(words.language).inputValue()).toBe(locale);
      await page.getByRole('button', { name: words.logout }).waitFor();
      expect(await controlProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, `more-${locale}-${size}`, { fullPage: true });
    } finally {
      await page.context().close();
    }
  });
});

const requestRows = (id: string) => h.admin<{ kind: string; status: string }[]>`select kind, status from change_requests where appointment_id = ${id} order by created_at`;
const workerSees = async (id: string) => {
  const day = today.local.slice(0, 10);
  const list = (await h.request('GET', `/api/appointments?from=${day}&days=1`, { cookie: cookies.worker })).json() as { id: string; openRequest: unknown }[];
  return list.find((a) => a.id === id)!;
};

describe('asking the worker for a change, on a phone in Danish', () => {
  it('"Jeg kan ikke komme" asks first, and "Fortryd" really takes it back: the worker no longer sees it', async () => {
    const page = await citizenPage('phone', 'da');
    try {
      await page.goto(h.baseUrl);
      const card = page.locator('.appointment-card.next');
      await card.getByRole('button', { name: 'Skift eller aflys' }).click();
      await card.getByRole('button', { name: 'Jeg kan ikke komme' }).click();
      // A question that says what will happen, and nothing is sent yet.
      await card.getByText(`Vil du aflyse tiden i dag kl. ${clock(today.local, 'da')}? Bo får besked.`).waitFor();
      expect(await requestRows(today.id)).toEqual([]);
      expect(await controlProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'confirm-da-phone');
      // "Nej, tilbage" leaves everything as it was.
      await card.getByRole('button', { name: 'Nej, tilbage' }).click();
      await card.getByRole('button', { name: 'Skift eller aflys' }).click();
      await card.getByRole('button', { name: 'Jeg kan ikke komme' }).click();
      await card.getByRole('button', { name: 'Ja, aflys' }).click();

      await card.getByRole('status').getByText('Bo har fået besked.').waitFor();
      expect(await requestRows(today.id)).toEqual([{ kind: 'cancel', status: 'open' }]);
      expect((await workerSees(today.id)).openRequest).toMatchObject({ kind: 'cancel' });
      await saveScreenshot(page, 'sent-da-phone');

      await card.getByRole('button', { name: 'Fortryd' }).click();
      await card.getByText('Fortrudt. Din aftale er som før.').waitFor();
      expect(await requestRows(today.id)).toEqual([{ kind: 'cancel', status: 'withdrawn' }]);
      expect((await workerSees(today.id)).openRequest).toBeNull();
      // …and the citizen may ask again.
      await card.getByRole('button', { name: 'Skift eller aflys' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('"Hellere video" on the phone appointment: asked, then shown as asked after a reload', async () => {
    const page = await citizenPage('phone', 'da');
    try {
      await page.goto(h.baseUrl);
      const card = page.locator('.appointment-card').filter({ hasText: 'Telefon med Bo' });
      await card.getByRole('button', { name: 'Skift eller aflys' }).click();
      expect(await card.getByRole('button', { name: 'Hellere telefon' }).count()).toBe(0); // it is by phone already
      await card.getByRole('button', { name: 'Hellere video' }).click();
      await card.getByText(/^Vil du hellere have video \S+ \d+\. \S+ kl\. 10\.00\? Bo får besked\.$/).waitFor();
      await card.getByRole('button', { name: 'Ja', exact: true }).click();
      await card.getByText('Bo har fået besked.').waitFor();
      expect(await requestRows(later.id)).toEqual([{ kind: 'modality', status: 'open' }]);
      await page.reload();
      await page.locator('.appointment-card').filter({ hasText: 'Telefon med Bo' }).getByText('Du har bedt om at mødes på en anden måde. Bo svarer dig.').waitFor();
      expect(await page.locator('.appointment-card').filter({ hasText: 'Telefon med Bo' }).getByRole('button', { name: 'Skift eller aflys' }).count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });

  it('an appointment that has begun offers nothing to change', async () => {
    // Today's appointment, moved so it began a few minutes ago (it has not ended, so it is still on the list).
    await h.admin`update appointments set starts_at = now() - interval '5 minutes', ends_at = now() + interval '25 minutes' where id = ${today.id}`;
    const page = await citizenPage('phone', 'da');
    try {
      await page.goto(h.baseUrl);
      const card = page.locator('.appointment-card.next');
      await card.getByText('Video med Bo').waitFor();
      await card.getByRole('link', { name: 'Gem i kalender' }).waitFor();
      expect(await card.getByRole('button').count()).toBe(0);
      await saveScreenshot(page, 'begun-da-phone');
    } finally {
      await page.context().close();
      // Back to today's slot for the tests after this one.
      await h.admin`update appointments set starts_at = date_trunc('minute', now()) + interval '2 minutes', ends_at = date_trunc('minute', now()) + interval '32 minutes' where id = ${today.id}`;
      today.local = (await h.admin<{ local: string }[]>`select to_char(starts_at at time zone 'Europe/Copenhagen', 'YYYY-MM-DD"T"HH24:MI') as local from appointments where id = ${today.id}`)[0]!.local;
    }
  });
});

describe('"Mere"', () => {
  it('the language chosen there is the app\'s and the reminders\' (saved on the server)', async () => {
    const page = await citizenPage('phone', 'da');
    try {
      await page.goto(`${h.baseUrl}/more`);
      // The screen's own choice (while the app is still asking who is signed in, the top bar has a language select too).
      await page.getByRole('heading', { name: 'Mere', level: 1 }).waitFor();
      await page.locator('main').getByLabel('Sprog').selectOption('sv');
      await page.getByRole('heading', { name: 'Mer', level: 1 }).waitFor();
      await expect.poll(async () => (await h.admin<{ l: string }[]>`select preferred_language as l from users where id = ${org.citizenId}`)[0]!.l, { timeout: 10_000 }).toBe('sv');
      await page.getByRole('button', { name: 'Tillbaka' }).click();
      await page.locator('.appointment-card.next .appointment-when').getByText(`I dag kl. ${clock(today.local, 'sv')}`).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');
    } finally {
      await page.context().close();
      await h.admin`update users set preferred_language = 'da' where id = ${org.citizenId}`;
    }
  });

  it('"Log ud" warns that there is no password, asks, and only then signs out', async () => {
    const page = await citizenPage('phone', 'da');
    try {
      await page.goto(h.baseUrl);
      await page.getByRole('button', { name: 'Mere' }).click();
      await page.getByText('Du har ingen adgangskode. For at komme ind igen skal du have et nyt link fra Bo.').waitFor();
      await page.getByRole('button', { name: 'Log ud' }).click();
      await page.getByText('Vil du logge ud?').waitFor();
      expect(await controlProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'logout-da-phone');
      await page.getByRole('button', { name: 'Nej, tilbage' }).click();
      expect((await page.evaluate(() => fetch('/api/me').then((r) => r.status)))).toBe(200);

      await page.getByRole('button', { name: 'Log ud' }).click();
      await page.getByRole('button', { name: 'Ja, log ud' }).click();
      await page.getByRole('heading', { name: 'Log ind for medarbejdere' }).waitFor();
      expect((await page.evaluate(() => fetch('/api/me').then((r) => r.status)))).toBe(401);
    } finally {
      await page.context().close();
    }
  });
});

describe('when Bo has opened a session', () => {
  it('the home shows one big "Deltag" first; it leads to the device check (and the sign-in link goes straight there)', async () => {
    const call = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    expect(call.statusCode).toBe(201);
    const callId = call.json<{ id: string }>().id;
    try {
      for (const size of ['phone', 'laptop'] as const) {
        const page = await citizenPage(size, 'da');
        try {
          await page.goto(h.baseUrl);
          await page.getByText('Bo er klar til at tale med dig.').waitFor();
          const join = page.getByRole('button', { name: 'Deltag' });
          // The one main action: the page's only filled button, above the fold; the appointments wait below it.
          expect(await page.locator('main button.primary, main button.primary-inline').count()).toBe(1);
          const box = (await join.boundingBox())!;
          expect(box.y + box.height).toBeLessThanOrEqual(SIZES[size].viewport.height);
          expect(await page.getByRole('heading', { name: 'Din næste aftale' }).count()).toBe(0);
          expect(await controlProblems(page)).toEqual([]);
          expect(await axeViolations(page)).toEqual([]);
          await saveScreenshot(page, `ready-da-${size}`, { fullPage: true });
          await join.click();
          await page.getByRole('heading', { name: 'Tjek kamera og mikrofon' }).waitFor();
          expect(new URL(page.url()).pathname).toBe(`/call/${callId}/check`);
        } finally {
          await page.context().close();
        }
      }

      // From the SMS: "Fortsæt" is the first tap and the device check's "Deltag" the second.
      const link = await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie: cookies.worker });
      const context = await browser.newContext({ ...SIZES.phone, locale: 'da-DK', permissions: ['camera', 'microphone'] });
      try {
        const page = await context.newPage();
        await page.goto(link.json<{ url: string }>().url);
        await page.getByRole('button', { name: 'Fortsæt' }).click();
        await page.getByRole('heading', { name: 'Tjek kamera og mikrofon' }).waitFor();
        expect(new URL(page.url()).pathname).toBe(`/call/${callId}/check`);
        await page.getByRole('button', { name: 'Deltag' }).waitFor();
      } finally {
        await context.close();
      }
    } finally {
      await h.request('POST', `/api/calls/${callId}/end`, { cookie: cookies.worker });
    }
  });
});

describe('from the SMS link', () => {
  it('the app speaks the language the worker recorded; a language chosen on the link page is saved for the reminders', async () => {
    const language = async () => (await h.admin<{ l: string }[]>`select preferred_language as l from users where id = ${org.citizenId}`)[0]!.l;
    const open = async () => {
      const link = await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie: cookies.worker });
      const context = await browser.newContext({ ...SIZES.phone, locale: 'da-DK' });
      const page = await context.newPage();
      await page.goto(link.json<{ url: string }>().url);
      return page;
    };
    try {
      expect((await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { language: 'sv' } })).statusCode).toBe(200);
      const recorded = await open();
      await recorded.getByRole('button', { name: 'Fortsæt' }).click(); // a Danish phone: Danish until signed in
      await recorded.getByRole('heading', { name: 'Mina tider' }).waitFor();
      expect(await recorded.evaluate(() => document.documentElement.lang)).toBe('sv');
      await recorded.context().close();

      const chosen = await open();
      await chosen.getByLabel('Sprog').selectOption('en');
      await chosen.getByRole('button', { name: 'Continue' }).click();
      await chosen.getByRole('heading', { name: 'My appointments' }).waitFor();
      await expect.poll(language, { timeout: 10_000 }).toBe('en');
      await chosen.context().close();
    } finally {
      await h.admin`update users set preferred_language = 'da' where id = ${org.citizenId}`;
    }
  });

  it('the sign-in link page: plain words, one button, nothing below the fold at 360×740', async () => {
    const link = await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie: cookies.worker });
    const context = await browser.newContext({ ...SIZES.phone, locale: 'da-DK', bypassCSP: true });
    try {
      const page = await context.newPage();
      await page.goto(link.json<{ url: string }>().url);
      const proceed = page.getByRole('button', { name: 'Fortsæt' });
      await proceed.waitFor();
      expect(await page.locator('main').getByRole('button').count()).toBe(1);
      expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight)).toBe(true);
      expect(await controlProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'link-da-phone');
      await proceed.click();
      await page.getByRole('heading', { name: 'Hej Carl Borger' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
