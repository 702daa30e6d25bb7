/// <reference lib="dom" />
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIR } from '../../server/paths.js';
import { launchChromium } from '../support/browser.js';
import { citizenCookie, signedInContext } from '../support/calls.js';
import { PASSWORD } from '../support/harness.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 8, the client router, in a real browser: every screen has an address, a reload keeps the screen, back goes
 * to the previous screen (not out of the app), and a deep link opened signed out lands after signing in.
 */

const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] });
let browser: Browser;
let baseUrl: string;
let workerCookie: string;

beforeAll(async () => {
  if (!fs.existsSync(`${CLIENT_DIR}/index.html`)) throw new Error('build the client first: npm run build');
  baseUrl = h.baseUrl;
  workerCookie = cookies.worker;
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const CALL_PATH = /^\/call\/([0-9a-f-]{36})$/;
const path = (page: Page) => new URL(page.url()).pathname + new URL(page.url()).search;

/** A page of a new signed-in context that records script errors. */
async function signedInPage(cookie: string): Promise<{ page: Page; problems: string[] }> {
  const page = await (await signedInContext(browser, baseUrl, cookie)).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

const openSessions = () => h.admin<{ id: string }[]>`select id from call_sessions where status = 'open'`;

describe('screens have addresses', () => {
  it('a reload keeps the screen: the agenda stays the agenda, and an open video session is joined again', async () => {
    const { page: worker, problems } = await signedInPage(workerCookie);
    try {
      await worker.goto(`${baseUrl}/agenda`);
      await worker.getByRole('heading', { name: 'Kalender' }).waitFor();
      expect(await worker.getByRole('heading', { name: 'Mine borgere' }).count()).toBe(0);
      await worker.reload();
      await worker.getByRole('heading', { name: 'Kalender' }).waitFor();
      expect(path(worker)).toBe('/agenda');

      await worker.goto(`${baseUrl}/people`);
      await worker.getByRole('button', { name: 'Start video' }).click();
      await worker.getByText('Ingen andre er med endnu.').waitFor();
      const callId = CALL_PATH.exec(path(worker))?.[1];
      expect(await openSessions()).toEqual([{ id: callId }]);

      await worker.reload();
      await worker.getByText('Ingen andre er med endnu.').waitFor();
      expect(path(worker)).toBe(`/call/${callId}`);
      expect(await worker.getByRole('alert').count()).toBe(0);
      // the same session, joined again (a second segment for the worker), not a new one
      expect(await openSessions()).toEqual([{ id: callId }]);
      await expect.poll(async () => (await h.admin`
        select count(*)::int as n from call_segments s join call_participants p on p.id = s.participant_id
        where p.session_id = ${callId!} and p.role = 'worker'`)[0]!.n, { timeout: 10_000 }).toBe(2);

      // the session ends; "Tilbage" goes to the screen the call was started from
      await worker.getByRole('button', { name: 'Afslut samtalen' }).click();
      await worker.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
      await worker.getByRole('button', { name: 'Tilbage' }).click();
      await worker.getByRole('heading', { name: 'Mine borgere' }).waitFor();
      expect(path(worker)).toBe('/people');
      expect(problems).toEqual([]);
    } finally {
      await worker.context().close();
    }
  });

  it('back goes to the previous screen: out of the call to the citizen\'s home, and the device check is not a step back', async () => {
    const call = await h.request('POST', '/api/calls', { cookie: workerCookie, body: { citizenId: org.citizenId } });
    expect(call.statusCode).toBe(201);
    const callId = call.json<{ id: string }>().id;
    const { page: citizen, problems } = await signedInPage(await citizenCookie(h, org, workerCookie));
    try {
      await citizen.goto(baseUrl);
      await citizen.getByRole('heading', { name: 'Hej Carl Borger' }).waitFor();
      await citizen.getByRole('button', { name: 'Deltag' }).click();
      await citizen.getByRole('heading', { name: 'Tjek kamera og mikrofon' }).waitFor();
      expect(path(citizen)).toBe(`/call/${callId}/check`);
      await citizen.getByRole('button', { name: 'Deltag' }).click();
      await citizen.getByText('Vent et øjeblik. Din medarbejder lukker dig ind.').waitFor();
      expect(path(citizen)).toBe(`/call/${callId}`);

      await citizen.goBack();
      await citizen.getByRole('heading', { name: 'Hej Carl Borger' }).waitFor();
      expect(path(citizen)).toBe('/');
      await citizen.getByText('Bo er klar til at tale med dig.').waitFor();

      // forward again: back in the waiting room, without the device check
      await citizen.goForward();
      await citizen.getByText('Vent et øjeblik. Din medarbejder lukker dig ind.').waitFor();
      expect(path(citizen)).toBe(`/call/${callId}`);
      expect(problems).toEqual([]);
    } finally {
      await citizen.context().close();
      await h.request('POST', `/api/calls/${callId}/end`, { cookie: workerCookie });
    }
  });

  it('a deep link opened signed out shows the sign-in, then the screen it named; another role\'s screen and an unknown address go home', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'da-DK' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${baseUrl}/people`);
      await page.getByRole('heading', { name: 'Log ind for medarbejdere' }).waitFor();
      expect(path(page)).toBe('/login?next=%2Fpeople');
      await page.getByLabel('E-mail').fill(org.coordinatorEmail);
      await page.getByLabel('Adgangskode').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log ind' }).click();
      await page.getByRole('heading', { name: 'Teams' }).waitFor();
      expect(path(page)).toBe('/people');
      // the people screen alone: not the open sessions of the coordinator's home
      await page.reload();
      await page.getByRole('heading', { name: 'Teams' }).waitFor();
      expect(path(page)).toBe('/people');

      await page.goto(`${baseUrl}/agenda`);
      await page.getByRole('heading', { name: 'Hej Karin Koordinator' }).waitFor();
      await expect.poll(() => path(page), { timeout: 10_000 }).toBe('/');
      await page.goto(`${baseUrl}/no/such/screen`);
      await page.getByRole('heading', { name: 'Hej Karin Koordinator' }).waitFor();
      await expect.poll(() => path(page), { timeout: 10_000 }).toBe('/');

      // signing out: the next person to sign in on this device starts at their own home
      await page.goto(`${baseUrl}/people`);
      await page.getByRole('heading', { name: 'Teams' }).waitFor();
      await page.getByRole('button', { name: 'Log ud' }).click();
      await page.getByRole('heading', { name: 'Log ind for medarbejdere' }).waitFor();
      expect(path(page)).toBe('/login');

      // a link to somewhere else (not a path of ours) after signing in goes home instead
      await page.goto(`${baseUrl}/login?next=${encodeURIComponent('//example.com/agenda')}`);
      await page.getByLabel('E-mail').fill(org.workerEmail);
      await page.getByLabel('Adgangskode').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log ind' }).click();
      await page.getByRole('heading', { name: 'Hej Bo Bostøtte' }).waitFor();
      expect(page.url()).toBe(`${baseUrl}/`);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
