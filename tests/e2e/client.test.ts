/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser, so this file also sees DOM types.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIR } from '../../server/paths.js';
import { launchChromium } from '../support/browser.js';
import { axeViolations } from '../support/calls.js';
import { PASSWORD, startHarness, type Harness, type Org } from '../support/harness.js';

let h: Harness;
let org: Org;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  if (!fs.existsSync(`${CLIENT_DIR}/index.html`)) throw new Error('build the client first: npm run build');
  h = await startHarness({}, { serve: true });
  baseUrl = h.baseUrl;
  org = await h.seedOrganisation();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const PHONE = { width: 360, height: 640 };

async function phonePage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'da-DK', permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && !m.text().includes('401') && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('the client in Chromium at 360 px', () => {
  it('a worker signs in, sees their caseload and makes a link; the citizen opens it and is signed in', async () => {
    const { page, problems } = await phonePage();
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Log ind for medarbejdere' }).waitFor();
    expect(await fitsWidth(page)).toBe(true);

    await page.getByLabel('E-mail').fill(org.workerEmail);
    await page.getByLabel('Adgangskode').fill('wrong password');
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.getByRole('alert').filter({ hasText: 'E-mail eller adgangskode er forkert.' }).waitFor();

    await page.getByLabel('Adgangskode').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.getByRole('heading', { name: 'Hej Bo Bostøtte' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Borgere' }).click();
    await page.locator('li', { hasText: 'Carl Borger' }).first().waitFor();
    expect(await page.getByText('Dorte Borger').count()).toBe(0);
    await page.getByRole('button', { name: 'Login-link', exact: true }).click();
    await page.getByRole('button', { name: 'Lav login-link' }).click();
    await page.getByRole('button', { name: 'Kopiér link' }).click();
    await page.getByRole('button', { name: 'Kopieret' }).waitFor();
    const linkUrl = await page.evaluate(() => navigator.clipboard.readText());
    expect(linkUrl).toMatch(new RegExp(`^${baseUrl}/link#[A-Za-z0-9_-]{43}$`));
    expect(await fitsWidth(page)).toBe(true);

    const citizen = await phonePage();
    const requests: string[] = [];
    citizen.page.on('request', (r) => requests.push(r.url()));
    await citizen.page.goto(linkUrl);
    // nothing happens until the citizen taps (a link scanner opening the page must not use the link up)
    await citizen.page.getByRole('button', { name: 'Fortsæt' }).click();
    await citizen.page.getByRole('heading', { name: 'Hej Carl Borger' }).waitFor();
    await citizen.page.getByRole('heading', { name: 'Mine aftaler' }).waitFor();
    expect(citizen.page.url()).toBe(`${baseUrl}/`);
    // the secret never went to the server in a URL
    const secret = linkUrl.split('#')[1]!;
    expect(requests.some((u) => u.includes(secret))).toBe(false);
    // the call engine (about half of the client's bytes) is not downloaded while no session is open
    expect(requests.filter((u) => u.endsWith('.js')).length).toBeGreaterThan(0);
    expect(fs.readdirSync(`${CLIENT_DIR}/assets`).filter((f) => /^CallScreen-[\w-]+\.js$/.test(f))).toHaveLength(1);
    expect(requests.filter((u) => /\/assets\/CallScreen-[\w-]+\.js$/.test(u))).toEqual([]);
    await citizen.page.reload();
    await citizen.page.getByRole('heading', { name: 'Hej Carl Borger' }).waitFor();

    // the same link opened again elsewhere: a clear message
    const other = await phonePage();
    await other.page.goto(linkUrl);
    await other.page.getByRole('button', { name: 'Fortsæt' }).click();
    await other.page.getByRole('alert').filter({ hasText: 'Linket er allerede brugt.' }).waitFor();

    expect([...problems, ...citizen.problems]).toEqual([]);
  });

  it('switches to English and remembers it', async () => {
    const { page } = await phonePage();
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Log ind for medarbejdere' }).waitFor();
    await page.getByLabel('Sprog').selectOption('en');
    await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
  });

  it('has no axe-detectable WCAG 2.1 A/AA violations on the sign-in page and the coordinator home', async () => {
    // axe is injected as an inline script, which our CSP rightly forbids; this context alone bypasses it.
    const context = await browser.newContext({ viewport: PHONE, bypassCSP: true, locale: 'da-DK' });
    const page = await context.newPage();
    const audit = () => axeViolations(page);
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Log ind for medarbejdere' }).waitFor();
    expect(await audit()).toEqual([]);
    await page.getByLabel('E-mail').fill(org.coordinatorEmail);
    await page.getByLabel('Adgangskode').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.getByRole('heading', { name: 'Hej Karin Koordinator' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Personer' }).click();
    await page.locator('li', { hasText: 'Carl Borger' }).first().waitFor();
    expect(await audit()).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    await context.close();
  });
});
