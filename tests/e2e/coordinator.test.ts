/// <reference lib="dom" />
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { axeViolations, signedInContext } from '../support/calls.js';
import { PASSWORD } from '../support/harness.js';
import { boxDistance, controlProblems, distance, pageBox, SCREEN_COMBINATIONS, visibleWithoutScrolling } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 9, the coordinator's Personer: everybody grouped by role and team, a search box, each row's actions in aligned
 * columns, caseloads visible (who holds whom, how many) and editable, "Deaktivér" apart and only after a question,
 * "Oprettet." beside the form that created, the form emptied. With SCREENSHOTS=<folder>, every screen is saved there.
 */

// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;
const { h, org, cookies } = useHarness({ serve: true, signIn: ['coordinator'], ...(clientDir ? { clientDir } : {}) });
let browser: Browser;
let evaId: string;

beforeAll(async () => {
  browser = await launchChromium();
  const team = await h.request('POST', '/api/teams', { cookie: cookies.coordinator, body: { name: 'Team Nord' } });
  expect(team.statusCode).toBe(201);
  const eva = await h.request('POST', '/api/users', {
    cookie: cookies.coordinator, body: { role: 'worker', displayName: 'Eva Ekstra', email: 'eva@testkommune.dk', password: PASSWORD, teamId: team.json().id },
  });
  expect(eva.statusCode).toBe(201);
  evaId = eva.json().id;
});
afterAll(() => browser?.close());

const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true };
const LAPTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, bypassCSP: true };
const WORDS = {
  da: { locale: 'da-DK', people: 'Personer', today: 'I dag', calm: 'Ingen samtaler lige nu.', newPerson: 'Ny person', caseload: 'Borgere (1)', deactivate: 'Deaktivér' },
  en: { locale: 'en-GB', people: 'People', today: 'Today', calm: 'No sessions right now.', newPerson: 'New person', caseload: 'Citizens (1)', deactivate: 'Deactivate' },
  sv: { locale: 'sv-SE', people: 'Personer', today: 'Idag', calm: 'Inga samtal just nu.', newPerson: 'Ny person', caseload: 'Medborgare (1)', deactivate: 'Inaktivera' },
} as const;

const path = (page: Page) => page.evaluate(() => location.pathname);
/** The row of one person (not another row that mentions them, as a worker's caseload does). */
const row = (page: Page, name: string) => page.locator('li.person-row', { has: page.locator('.person-name > .name', { hasText: new RegExp(`^${name}$`) }) });

async function expectScreenGood(page: Page, name: string): Promise<void> {
  expect(await controlProblems(page), name).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await saveScreenshot(page, name);
}

async function coordinatorPage(options: BrowserContextOptions): Promise<Page> {
  const context = await signedInContext(browser, h.baseUrl, cookies.coordinator, options);
  return context.newPage();
}

describe.each(SCREEN_COMBINATIONS)('on a %s, in %s', (device, language) => {
  const words = WORDS[language];
  it('I dag is calm, the tab leads to Personer: the main action in view, controls reachable, axe clean', async () => {
    const page = await coordinatorPage({ ...(device === 'phone' ? PHONE : LAPTOP), locale: words.locale });
    try {
      await page.goto(h.baseUrl);
      await page.getByText(words.calm).waitFor();
      await expectScreenGood(page, `coordinator-today-${device}-${language}`);

      await page.getByRole('navigation').getByRole('link', { name: words.people }).click();
      await page.getByRole('heading', { name: words.people, level: 1 }).waitFor();
      expect(await path(page)).toBe('/people');
      expect(await page.getByRole('navigation').getByRole('link', { name: words.people }).getAttribute('aria-current')).toBe('page');
      expect(await visibleWithoutScrolling(page.getByRole('button', { name: words.newPerson }))).toBe(true);
      await row(page, 'Bo Bostøtte').waitFor();
      await expectScreenGood(page, `coordinator-people-${device}-${language}`);

      // A worker's caseload open, and a deactivation asking: still reachable and clean.
      await row(page, 'Bo Bostøtte').getByRole('button', { name: words.caseload }).click();
      await row(page, 'Frida Frivillig').getByRole('button', { name: words.deactivate }).click();
      await expectScreenGood(page, `coordinator-people-open-${device}-${language}`);
    } finally {
      await page.context().close();
    }
  });
});

describe('Personer on a laptop, in Danish', () => {
  it('groups people by role, and within a role by team; the search box finds by name', async () => {
    const page = await coordinatorPage(LAPTOP);
    try {
      await page.goto(`${h.baseUrl}/people`);
      await row(page, 'Eva Ekstra').waitFor();
      const groups = await page.locator('.people-group > h2').allInnerTexts();
      expect(groups.map((g) => g.replace(/\s*\(\d+\)$/, ''))).toEqual(['Borgere', 'Bostøttemedarbejdere', 'Frivillige', 'Koordinatorer']);
      const workers = page.locator('.people-group', { has: page.getByRole('heading', { name: /^Bostøttemedarbejdere/ }) });
      expect(await workers.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['Team Nord', 'Uden team']);
      // Citizens are in no team here: no team headings for them.
      expect(await page.locator('.people-group', { has: page.getByRole('heading', { name: /^Borgere/ }) }).getByRole('heading', { level: 3 }).count()).toBe(0);
      expect(await workers.locator('div', { has: page.getByRole('heading', { name: 'Team Nord' }) }).locator('li.person-row .name').allInnerTexts()).toEqual(['Eva Ekstra']);

      await page.getByLabel('Søg efter navn').fill('dorte');
      await expect.poll(() => page.locator('li.person-row .name').allInnerTexts()).toEqual(['Dorte Borger']);
      await page.getByLabel('Søg efter navn').fill('xyz');
      await page.getByText('Ingen hedder det.').waitFor();
      expect(await page.locator('li.person-row').count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });

  it('each row’s actions stand in the same columns, and "Deaktivér" in its own, apart from "Login-link"', async () => {
    const page = await coordinatorPage(LAPTOP);
    try {
      await page.goto(`${h.baseUrl}/people`);
      await row(page, 'Eva Ekstra').waitFor();
      const lefts = async (name: string) => new Set(await Promise.all((await page.getByRole('button', { name, exact: true }).all()).map(async (b) => Math.round((await b.boundingBox())!.x))));
      const deactivate = await lefts('Deaktivér');
      expect(deactivate.size).toBe(1);
      const links = await lefts('Login-link');
      expect(links.size).toBe(1);
      // The link in the column of the usual action, "Deaktivér" in the last one, a gap between.
      expect([...deactivate][0]! - [...links][0]!).toBeGreaterThan(150);
      expect(await row(page, 'Carl Borger').getByRole('button', { name: 'Deaktivér' }).getAttribute('class')).toContain('quiet-danger');
    } finally {
      await page.context().close();
    }
  });

  it('caseloads: who holds whom and how many; a citizen added beside its button, a removal only after a question', async () => {
    const page = await coordinatorPage(LAPTOP);
    const held = async () => (await h.admin<{ citizen_id: string }[]>`select citizen_id from caseloads where worker_id = ${org.workerId} order by created_at`).map((r) => r.citizen_id);
    try {
      await page.goto(`${h.baseUrl}/people`);
      const bo = row(page, 'Bo Bostøtte');
      await bo.getByRole('button', { name: 'Borgere (1)' }).waitFor();
      await row(page, 'Carl Borger').getByText('Hos Bo Bostøtte', { exact: true }).waitFor();
      await row(page, 'Dorte Borger').getByText('Ingen medarbejder endnu').waitFor();
      await row(page, 'Eva Ekstra').getByRole('button', { name: 'Borgere (0)' }).waitFor();

      await bo.getByRole('button', { name: 'Borgere (1)' }).click();
      await bo.getByLabel('Borger').selectOption({ label: 'Dorte Borger' });
      const assign = bo.getByRole('button', { name: 'Tilknyt' });
      const pressedAt = await pageBox(assign);
      await assign.click();
      const assigned = bo.getByRole('status').filter({ hasText: 'Tilknyttet.' });
      await assigned.waitFor();
      // Dorte was the last citizen to add, so the form (and its button) has gone; the message stands where it was.
      expect(boxDistance(pressedAt, await pageBox(assigned))).toBeLessThan(150);
      expect(await held()).toEqual([org.citizenId, org.otherCitizenId]);
      await row(page, 'Dorte Borger').getByText('Hos Bo Bostøtte', { exact: true }).waitFor();
      await bo.getByRole('button', { name: 'Borgere (2)' }).waitFor();

      const dorte = bo.locator('.caseload-panel li', { hasText: 'Dorte Borger' });
      await dorte.getByRole('button', { name: 'Fjern' }).click();
      await dorte.getByText('Fjern Dorte Borger fra Bo Bostøttes borgere?').waitFor();
      expect(await held()).toEqual([org.citizenId, org.otherCitizenId]);
      await saveScreenshot(page, 'coordinator-remove-asks-laptop-da');
      await dorte.getByRole('button', { name: 'Ja, fjern' }).click();
      await bo.getByRole('status').filter({ hasText: 'Fjernet.' }).waitFor();
      expect(await held()).toEqual([org.citizenId]);
      await row(page, 'Dorte Borger').getByText('Ingen medarbejder endnu').waitFor();
    } finally {
      await page.context().close();
    }
  });

  it('"Deaktivér" does nothing until "Ja, deaktivér"; then the person is inactive, said in their row', async () => {
    const page = await coordinatorPage(LAPTOP);
    const active = async () => (await h.admin<{ active: boolean }[]>`select active from users where id = ${evaId}`)[0]!.active;
    try {
      await page.goto(`${h.baseUrl}/people`);
      const eva = row(page, 'Eva Ekstra');
      await eva.getByRole('button', { name: 'Deaktivér' }).click();
      await eva.getByText('Deaktivér Eva Ekstra? Personen bliver logget ud og kan ikke logge ind igen.').waitFor();
      expect(await active()).toBe(true);
      await eva.getByRole('button', { name: 'Nej, tilbage' }).click();
      expect(await eva.getByRole('button', { name: 'Ja, deaktivér' }).count()).toBe(0);
      expect(await active()).toBe(true);

      await eva.getByRole('button', { name: 'Deaktivér' }).click();
      const confirm = eva.getByRole('button', { name: 'Ja, deaktivér' });
      const pressedAt = await pageBox(confirm);
      await confirm.click();
      const done = eva.getByRole('status').filter({ hasText: 'Deaktiveret og logget ud.' });
      await done.waitFor();
      // The button pressed is gone (nobody is left to deactivate); the message stands where it was.
      expect(boxDistance(pressedAt, await pageBox(done))).toBeLessThan(150);
      expect(await active()).toBe(false);
      await eva.getByText('(deaktiveret)').waitFor();
    } finally {
      await page.context().close();
    }
  });

  it('a new person: "Oprettet." beside "Opret person", the form empty again', async () => {
    const page = await coordinatorPage(LAPTOP);
    try {
      await page.goto(`${h.baseUrl}/people`);
      await page.getByRole('button', { name: 'Ny person' }).click();
      const form = page.locator('#new-person-form');
      await form.getByLabel('Navn').fill('Gitte Ny');
      await form.getByLabel('Mobilnummer').fill('+4522334455');
      const create = form.getByRole('button', { name: 'Opret person' });
      await create.click();
      const created = form.getByRole('status').filter({ hasText: 'Oprettet.' });
      await created.waitFor();
      expect(await distance(create, created)).toBeLessThan(150);
      expect(await form.getByLabel('Navn').inputValue()).toBe('');
      expect(await form.getByLabel('Mobilnummer').inputValue()).toBe('');
      const [user] = await h.admin`select role, phone from users where display_name = 'Gitte Ny'`;
      expect(user).toEqual({ role: 'citizen', phone: '+4522334455' });
      await row(page, 'Gitte Ny').getByText('Ingen medarbejder endnu').waitFor();
      await saveScreenshot(page, 'coordinator-created-laptop-da');
    } finally {
      await page.context().close();
    }
  });
});
