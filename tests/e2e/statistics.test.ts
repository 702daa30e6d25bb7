/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser, so this file also sees DOM types.
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedActivity, type Activity } from '../support/activity-seed.js';
import { axeViolations } from '../support/calls.js';
import { controlProblems, LOCALE, SIZES } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useBrowserPages } from '../support/use-browser-pages.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 11's figures in a browser: the coordinator opens Tal, picks March 2026 of the fixed seed
 * (tests/support/activity-seed.ts) and a team, and sees a chart per figure, each followed by its table with the
 * numbers tests/statistics.test.ts counted by hand; the files to hand on are links with the same choice. A worker
 * finds Tal in the tab bar with their own work only, and sets a citizen's distance on Borgere. Every screen at 360×740
 * touch and 1280×800: axe clean, every control ≥44 px and on top, the charts stacked on the phone.
 */
// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;
const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker', 'coordinator'], ...(clientDir ? { clientDir } : {}) });
const { newPage } = useBrowserPages(h);
let activity: Activity;

beforeAll(async () => {
  activity = await seedActivity(h.admin, org);
});

const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

async function open(cookie: string, size: keyof typeof SIZES, locale: keyof typeof LOCALE = 'da'): Promise<Page> {
  const page = await newPage(cookie, { ...SIZES[size], bypassCSP: true }, LOCALE[locale]);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

async function checkScreen(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name, { fullPage: true });
  expect(await axeViolations(page), name).toEqual([]);
  expect(await controlProblems(page), name).toEqual([]);
}

/** The cells of a figure's table row, as read. */
async function row(page: Page, figure: string, line: string): Promise<string[]> {
  const table = page.getByRole('article', { name: figure }).getByRole('table');
  return table.getByRole('row', { name: new RegExp(`^${line} `) }).getByRole('cell').allTextContents();
}

/** How many pixels of each chart's canvas were drawn on (a chart that failed to draw stays blank). */
function drawnPixels(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>('.statistics-chart canvas')].map((canvas) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) drawn += 1;
      return drawn;
    }),
  );
}

async function chooseMarch(page: Page): Promise<void> {
  await page.getByLabel('Til og med').selectOption('2026-03');
  await page.locator('.statistics-period').getByText('marts 2026', { exact: true }).waitFor();
  await page.getByRole('article', { name: 'Kontakter efter mødeform' }).getByRole('row', { name: /^Video 12 / }).waitFor();
}

describe('Tal', () => {
  it('the coordinator on a laptop: a chart and a table per figure, a team, and the files', async () => {
    const page = await open(cookies.coordinator, 'laptop');
    await page.goto(h.baseUrl);
    await page.getByRole('navigation').getByRole('link', { name: 'Tal' }).click();
    await page.getByRole('heading', { name: 'Tal', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/statistics');
    await chooseMarch(page);
    // March beside February, organisation-wide (tests/statistics.test.ts counts these by hand).
    expect(await row(page, 'Kontakter efter mødeform', 'Video')).toEqual(['12', '3']);
    expect(await row(page, 'Sparet transport', 'Kilometer sparet')).toEqual(['201', '50']);
    expect(await row(page, 'Forbindelsens kvalitet (median)', 'Svartid \\(ms\\)')).toEqual(['65', '–']);
    const charts = page.locator('.statistics-chart canvas');
    expect(await charts.count()).toBe(8);
    expect(await charts.first().getAttribute('aria-label')).toBe('Kontakter efter mødeform: marts 2026 og perioden før. Tallene står i tabellen under.');
    for (const drawn of await drawnPixels(page)) expect(drawn).toBeGreaterThan(100);
    await checkScreen(page, 'statistics-coordinator-laptop');

    await page.getByLabel('Team').selectOption({ label: 'Team Syd' });
    await page.getByRole('article', { name: 'Kontakter efter mødeform' }).getByRole('row', { name: /^Video 4 / }).waitFor();
    const report = page.getByRole('link', { name: 'Evalueringsrapport (PDF)' });
    const href = await report.getAttribute('href');
    expect(href).toBe(`/api/statistics/report.pdf?from=2026-03&to=2026-03&teamId=${activity.teams.syd}`);
    const file = await page.request.get(new URL(href!, h.baseUrl).toString());
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('application/pdf');
    const csv = await page.request.get(new URL((await page.getByRole('link', { name: 'Regneark (CSV)' }).getAttribute('href'))!, h.baseUrl).toString());
    expect(await csv.text()).toContain('Team: Team Syd');
  });

  it('the coordinator on a phone: the charts stack, each followed by its table', async () => {
    const page = await open(cookies.coordinator, 'phone');
    await page.goto(`${h.baseUrl}/statistics`);
    await chooseMarch(page);
    const boxes = await page.locator('.statistics-figure').evaluateAll((figures) => figures.map((f) => f.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes).toHaveLength(8);
    for (const [i, box] of boxes.entries()) {
      expect(box.right).toBeLessThanOrEqual(360);
      expect(box.left).toBe(boxes[0]!.left);
      if (i > 0) expect(box.top).toBeGreaterThan(boxes[i - 1]!.bottom - 1);
    }
    for (const drawn of await drawnPixels(page)) expect(drawn).toBeGreaterThan(100);
    await saveScreenshot(page, 'statistics-coordinator-phone-top');
    await page.getByRole('article', { name: 'Tid til svar på henvendelser' }).scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'statistics-coordinator-phone-figure');
    await checkScreen(page, 'statistics-coordinator-phone');
  });

  it('a worker on a phone: Tal with their own work; the distance of a citizen of theirs', async () => {
    const page = await open(cookies.worker, 'phone');
    await page.goto(h.baseUrl);
    await page.getByRole('navigation').getByRole('link', { name: 'Tal' }).click();
    await page.getByText('Dine egne kontakter, måned for måned.').waitFor();
    expect(await page.getByLabel('Team').count()).toBe(0);
    await page.getByLabel('Til og med').selectOption('2026-03');
    // Bo's own March: 9 planned, 1 ad hoc, 2 answered requests (tests/statistics.test.ts).
    await page.getByRole('article', { name: 'Planlagt, ad hoc eller borgerens henvendelse' }).getByRole('row', { name: /^Planlagt 9 / }).waitFor();
    await checkScreen(page, 'statistics-worker-phone');

    await page.getByRole('navigation').getByRole('link', { name: 'Borgere' }).click();
    const carl = page.getByRole('listitem').filter({ hasText: 'Carl Borger' });
    await carl.getByRole('button', { name: 'Afstand' }).click();
    const panel = page.getByRole('form', { name: 'Afstand fra teamets base: Carl Borger' });
    // The seed's 12.5 km and 20 minutes, as a Dane writes them.
    await expect.poll(() => panel.getByLabel('Kilometer').inputValue()).toBe('12,5');
    await panel.getByLabel('Kilometer').fill('14,5');
    await panel.getByLabel('Minutter').fill('25');
    await panel.getByRole('button', { name: 'Gem afstand' }).click();
    await panel.getByRole('status').filter({ hasText: 'Afstanden er gemt.' }).waitFor();
    expect(await h.admin`select travel_km::float as km, travel_minutes as minutes from users where id = ${org.citizenId}`).toEqual([{ km: 14.5, minutes: 25 }]);
    await checkScreen(page, 'statistics-travel-phone');
  });

  it('in English and Swedish too', async () => {
    for (const [locale, title, video] of [['en', 'Figures', 'Contacts by way of meeting'], ['sv', 'Siffror', 'Kontakter efter mötesform']] as const) {
      const page = await open(cookies.coordinator, 'laptop', locale);
      await page.goto(`${h.baseUrl}/statistics`);
      await page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await page.getByRole('heading', { name: video, level: 2 }).waitFor();
      expect(await axeViolations(page), locale).toEqual([]);
    }
  });
});
