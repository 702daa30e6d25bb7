/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser, so this file also sees DOM types.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIR } from '../../server/paths.js';
import { upsertUser } from '../../server/people/store.js';
import { toLocal } from '../../server/time.js';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, expectMediaFlowing, signedInContext } from '../support/calls.js';
import { PASSWORD } from '../support/harness.js';
import { controlProblems, LOCALE, type Locale, localesAt, SIZES, visibleWithoutScrolling } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 10 in a browser: the citizen's "Jeg vil gerne tale med nogen" on a 360×740 phone at a time outside their
 * worker's hours reaches the night shift's Vagt screen live (with a chime and a notification naming no one); the duty
 * worker takes it and the video session starts with media both ways, the citizen having been told who was coming.
 * Also: "En kollega tog den", the chat both ways, the emergency numbers when no one can answer, the coordinator's
 * Vagtplan (a shift added, an overlap refused next to the form, a shift removed, cover, working hours, settings),
 * and every screen at 360×740 touch and 1280×800 in Danish, English and Swedish: axe clean, every control ≥44 px and
 * on top. Working hours are set to none and shifts around the present moment, so nothing depends on the time of day.
 */
const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker', 'coordinator'] });
const ZONE = 'Europe/Copenhagen';
let browser: Browser;
let citizen: string;
let nina: { id: string; cookie: string };
let ole: { id: string; cookie: string };
let dayTeam: string;
let nightTeam: string;


/** The words each screen is found by, per language (what a person reads, not test ids). */
const WORDS = {
  da: { button: 'Jeg vil gerne tale med nogen', how: 'Hvordan vil du tale?', write: 'Skriv', video: 'Video', duty: 'Vagt', roster: 'Vagtplan', claim: 'Jeg tager den', openChat: 'Åbn chatten', send: 'Send', field: 'Skriv en besked', dutyChat: 'Vagten ser din besked nu.', noOne: 'Lige nu kan ingen svare', addShift: 'Tilføj vagten' },
  en: { button: 'I would like to talk to someone', how: 'How do you want to talk?', write: 'Write', video: 'Video', duty: 'Duty', roster: 'Duty roster', claim: 'I’ll take it', openChat: 'Open the chat', send: 'Send', field: 'Write a message', dutyChat: 'The person on duty sees your message now.', noOne: 'No one can answer right now', addShift: 'Add the shift' },
  sv: { button: 'Jag vill prata med någon', how: 'Hur vill du prata?', write: 'Skriv', video: 'Video', duty: 'Jour', roster: 'Jourschema', claim: 'Jag tar den', openChat: 'Öppna chatten', send: 'Skicka', field: 'Skriv ett meddelande', dutyChat: 'Jouren ser ditt meddelande nu.', noOne: 'Just nu kan ingen svara', addShift: 'Lägg till passet' },
} as const;

/** Script errors of the pages opened here; checked after each test. */
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

async function openPage(cookie: string, size: keyof typeof SIZES, locale: Locale = 'da'): Promise<Page> {
  const context = await signedInContext(browser, h.baseUrl, cookie, { ...SIZES[size], locale: LOCALE[locale], bypassCSP: true });
  await context.grantPermissions(['notifications', 'camera', 'microphone'], { origin: h.baseUrl });
  await context.addInitScript(recordAlerts);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

/**
 * In every page before its scripts: counts the tones started through WebAudio (the chime) and keeps the titles and
 * bodies of the system notifications shown, so a test can see both without speakers or a notification centre.
 */
function recordAlerts() {
  const alerts = { tones: 0, notifications: [] as string[] };
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args: Parameters<OscillatorNode['start']>) {
    alerts.tones += 1;
    return start.apply(this, args);
  };
  const Real = window.Notification;
  function Recording(title: string, options?: NotificationOptions) {
    alerts.notifications.push(`${title} ${options?.body ?? ''}`.trim());
    return new Real(title, options);
  }
  Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
  Object.assign(Recording, { requestPermission: Real.requestPermission.bind(Real) });
  Object.assign(window, { Notification: Recording, dutyAlerts: alerts });
}
const alertsOf = (page: Page) => page.evaluate(() => (window as unknown as { dutyAlerts: { tones: number; notifications: string[] } }).dutyAlerts);

async function staff(name: string, email: string, teamId: string): Promise<{ id: string; cookie: string }> {
  const id = await upsertUser(h.admin, { organisationId: org.id, role: 'worker', displayName: name, email, password: PASSWORD });
  await h.admin`update users set team_id = ${teamId} where id = ${id}`;
  return { id, cookie: await h.login(email) };
}

/** A night-team shift for this worker from an hour ago to three hours from now (local times, as a coordinator types them). */
async function onShiftNow(workerId: string): Promise<string> {
  const created = await h.request('POST', '/api/duty/shifts', {
    cookie: cookies.coordinator,
    body: { teamId: nightTeam, workerId, start: toLocal(new Date(Date.now() - 3600_000), ZONE), end: toLocal(new Date(Date.now() + 3 * 3600_000), ZONE) },
  });
  if (created.statusCode !== 201) throw new Error(`shift: ${created.statusCode} ${created.body}`);
  return created.json().id;
}

async function clearShifts() {
  await h.admin`delete from duty_shifts`;
}
async function clearRequests() {
  await h.admin`update contact_requests set status = 'cancelled', ended_at = now() where status in ('waiting', 'claimed')`;
  await h.admin`update call_sessions set status = 'ended', ended_at = now(), end_reason = 'ended_by_staff' where status = 'open'`;
}

beforeAll(async () => {
  if (!fs.existsSync(`${CLIENT_DIR}/index.html`)) throw new Error('build the client first: npm run build');
  browser = await launchChromium();
  citizen = await citizenCookie(h, org, cookies.worker);
  const team = async (name: string) => (await h.admin<{ id: string }[]>`insert into teams (organisation_id, name) values (${org.id}, ${name}) returning id`)[0]!.id;
  dayTeam = await team('Bostøtte Nord');
  nightTeam = await team('Nattevagt');
  // Bo (Carl's worker) is in the day team and has no working hours: a request goes to the duty queue. The night team
  // covers the day team; Nina and Ole work nights.
  await h.admin`update users set team_id = ${dayTeam} where id = ${org.workerId}`;
  const cover = await h.request('PUT', `/api/duty/teams/${nightTeam}`, { cookie: cookies.coordinator, body: { dutyPhone: '+4520000009', covers: [dayTeam] } });
  expect(cover.statusCode).toBe(200);
  const hours = await h.request('PUT', `/api/duty/working-hours/${org.workerId}`, { cookie: cookies.coordinator, body: { periods: [] } });
  expect(hours.statusCode).toBe(200);
  const settings = await h.request('PATCH', '/api/duty/settings', {
    cookie: cookies.coordinator,
    body: { outOfHoursText: 'Lige nu kan ingen fra bostøtten svare. Er det akut, så ring:', emergencyNumbers: [{ label: 'Psykiatrisk akutmodtagelse', number: '38 64 00 00' }] },
  });
  expect(settings.statusCode).toBe(200);
  nina = await staff('Nina Nattevagt', 'nina@test.naervaer.dk', nightTeam);
  ole = await staff('Ole Olsen', 'ole@test.naervaer.dk', nightTeam);
});
afterAll(() => browser?.close());

describe('outside the worker’s hours, the night shift answers by video', () => {
  it('the request shows on Nina’s Vagt screen live with a chime; she takes it; the session starts and media flows both ways', async () => {
    await onShiftNow(nina.id);
    const duty = await openPage(nina.cookie, 'laptop');
    const phone = await openPage(citizen, 'phone');
    try {
      // Nina on her Vagt screen, reached by its tab (there because she is on a shift now).
      await duty.goto(h.baseUrl);
      await duty.getByRole('link', { name: 'Vagt' }).click();
      await duty.getByRole('heading', { name: 'Vagt', level: 1 }).waitFor();
      await duty.getByText('Ingen venter lige nu.').waitFor();

      // Carl, on his phone, asks for a video call; the button is on his home without scrolling.
      await phone.goto(h.baseUrl);
      const button = phone.getByRole('button', { name: 'Jeg vil gerne tale med nogen' });
      expect(await visibleWithoutScrolling(button)).toBe(true);
      await button.click();
      await phone.getByText('Hvordan vil du tale?').waitFor();
      await phone.getByLabel('Hvad handler det om?').fill('Jeg kan ikke sove');
      await phone.getByRole('button', { name: 'Video' }).click();
      // Who will answer and roughly when, at once (the organisation's limit is 10 minutes).
      await phone.getByText('Vagten ser din besked nu. Du får et videoopkald inden for 10 minutter.').waitFor();
      await phone.getByRole('button', { name: 'Fortryd' }).waitFor();
      await saveScreenshot(phone, 'flow-citizen-asked-da-phone');

      // Live on Nina's screen (over /events; nothing reloads the page): name, way, topic; a chime and a notification naming no one.
      const row = duty.locator('.duty-row').filter({ hasText: 'Carl Borger' });
      await row.waitFor();
      await row.getByText('Video').waitFor();
      await row.getByText('“Jeg kan ikke sove”').waitFor();
      await expect.poll(async () => (await alertsOf(duty)).tones).toBeGreaterThan(0);
      expect((await alertsOf(duty)).notifications).toEqual(['Ny henvendelse i vagtkøen']);
      await saveScreenshot(duty, 'flow-duty-request-da-laptop');

      await row.getByRole('button', { name: 'Jeg tager den' }).click();
      // Carl is told who has it, and his Deltag is there before the call.
      await phone.getByText('Nina har set din besked.').waitFor();
      await saveScreenshot(phone, 'flow-citizen-seen-da-phone');
      await row.getByRole('button', { name: 'Start video' }).click();
      await duty.getByText('Ingen andre er med endnu.').waitFor();

      await phone.getByRole('button', { name: 'Deltag' }).click();
      await phone.getByRole('heading', { name: 'Tjek kamera og mikrofon' }).waitFor();
      await phone.getByRole('button', { name: 'Deltag' }).click();
      // Through the waiting room as any session (Nina lets him in), if the call has one.
      const admit = duty.getByRole('button', { name: 'Luk Carl Borger ind' });
      await Promise.race([admit.waitFor({ timeout: 15_000 }).then(() => admit.click()), phone.locator('figure.tile:not(.local)').waitFor({ timeout: 15_000 })]);
      await expectMediaFlowing(phone);
      await expectMediaFlowing(duty);

      const [request] = await h.admin<{ status: string; claimed_by: string; kind: string }[]>`
        select r.status, r.claimed_by, s.kind from contact_requests r join call_sessions s on s.id = r.call_session_id where r.citizen_id = ${org.citizenId}`;
      expect(request).toEqual({ status: 'claimed', claimed_by: nina.id, kind: 'citizen_initiated' });
    } finally {
      await duty.context().close();
      await phone.context().close();
      await clearRequests();
      await clearShifts();
    }
  });
});

describe('within the worker’s hours', () => {
  it('the request goes to Bo and shows on his I dag, live; no Vagt tab, as he is on no shift; Carl is told Bo calls', async () => {
    const ALL_WEEK = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
    expect((await h.request('PUT', `/api/duty/working-hours/${org.workerId}`, { cookie: cookies.coordinator, body: { periods: ALL_WEEK } })).statusCode).toBe(200);
    const bo = await openPage(cookies.worker, 'phone');
    const phone = await openPage(citizen, 'phone');
    try {
      await bo.goto(h.baseUrl);
      await bo.getByRole('heading', { name: 'Hej Bo Bostøtte' }).waitFor();
      await bo.getByRole('navigation').getByRole('link', { name: 'Kalender' }).waitFor();
      expect(await bo.getByRole('navigation').getByRole('link', { name: 'Vagt' }).count()).toBe(0);

      await phone.goto(h.baseUrl);
      await phone.getByRole('button', { name: 'Jeg vil gerne tale med nogen' }).click();
      await phone.getByRole('button', { name: 'Telefon' }).click();
      await phone.getByText('Din medarbejder Bo ringer dig op inden for 10 minutter.').waitFor();

      const row = bo.locator('.duty-row').filter({ hasText: 'Carl Borger' });
      await row.getByRole('button', { name: 'Jeg tager den' }).click();
      await row.getByRole('link', { name: 'Ring +4512345678' }).waitFor();
      await phone.getByText('Bo har set din besked.').waitFor();
      await phone.getByText('Bo ringer til dig nu.').waitFor();
      expect(await controlProblems(bo)).toEqual([]);
      await saveScreenshot(bo, 'own-worker-today-da-phone', { fullPage: true });
    } finally {
      await bo.context().close();
      await phone.context().close();
      await clearRequests();
      await h.request('PUT', `/api/duty/working-hours/${org.workerId}`, { cookie: cookies.coordinator, body: { periods: [] } });
    }
  });
});

describe('two on the night shift', () => {
  it('a colleague who took it first: “En kollega tog den.” beside the button, and nothing of it is Nina’s', async () => {
    await onShiftNow(nina.id);
    await onShiftNow(ole.id);
    const duty = await openPage(nina.cookie, 'phone');
    try {
      await duty.goto(`${h.baseUrl}/duty`);
      await duty.getByText('Ingen venter lige nu.').waitFor();
      const asked = await h.request('POST', '/api/my/contact-requests', { cookie: citizen, body: { way: 'phone' } });
      expect(asked.statusCode).toBe(201);
      const row = duty.locator('.duty-row').filter({ hasText: 'Carl Borger' });
      await row.getByRole('button', { name: 'Jeg tager den' }).waitFor();
      // Ole's claim lands in the database before its news reaches Nina's screen (as when both press at once).
      await h.admin`update contact_requests set status = 'claimed', claimed_by = ${ole.id}, claimed_at = now() where id = ${asked.json().request.id}`;
      await row.getByRole('button', { name: 'Jeg tager den' }).click();
      await row.getByRole('alert').filter({ hasText: 'En kollega tog den.' }).waitFor();
      expect(await row.locator('a[href^="tel:"]').count()).toBe(0);
      await saveScreenshot(duty, 'claimed-by-colleague-da-phone');
      const [request] = await h.admin<{ claimed_by: string }[]>`select claimed_by from contact_requests where id = ${asked.json().request.id}`;
      expect(request!.claimed_by).toBe(ole.id);
    } finally {
      await duty.context().close();
      await clearRequests();
      await clearShifts();
    }
  });

  it('a phone request: after “Jeg tager den” the citizen’s number is one tap away as a tel: link', async () => {
    await onShiftNow(nina.id);
    const duty = await openPage(nina.cookie, 'phone');
    try {
      await duty.goto(`${h.baseUrl}/duty`);
      await duty.getByText('Ingen venter lige nu.').waitFor();
      expect((await h.request('POST', '/api/my/contact-requests', { cookie: citizen, body: { way: 'phone' } })).statusCode).toBe(201);
      const row = duty.locator('.duty-row').filter({ hasText: 'Carl Borger' });
      await row.getByRole('button', { name: 'Jeg tager den' }).click();
      const call = row.getByRole('link', { name: 'Ring +4512345678' });
      await call.waitFor();
      expect(await call.getAttribute('href')).toBe('tel:+4512345678');
    } finally {
      await duty.context().close();
      await clearRequests();
      await clearShifts();
    }
  });
});

describe('the crisis plan on a duty request', () => {
  it('Nina sees the “Kriseplan” link only once Carl shares his plan with duty staff, and it opens the plan read-only', async () => {
    const plan = { warningSigns: 'Jeg sover dårligt.', whatHelps: 'En gåtur.', whatIDo: 'Jeg ringer til min søster.', contacts: [], staffShould: 'Ring til mig.', doNotWant: 'Ingen besøg uden at ringe.' };
    const saved = await h.request('PUT', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: cookies.worker, body: { baseVersion: 0, plan } });
    expect(saved.statusCode).toBe(200);
    await onShiftNow(nina.id);
    const duty = await openPage(nina.cookie, 'laptop');
    try {
      await duty.goto(`${h.baseUrl}/duty`);
      await duty.getByText('Ingen venter lige nu.').waitFor();
      expect((await h.request('POST', '/api/my/contact-requests', { cookie: citizen, body: { way: 'video' } })).statusCode).toBe(201);
      const row = duty.locator('.duty-row').filter({ hasText: 'Carl Borger' });
      await row.getByRole('button', { name: 'Jeg tager den' }).waitFor();
      // Carl keeps his plan to his own worker: no link for the night shift.
      expect(await row.getByRole('link', { name: 'Kriseplan' }).count()).toBe(0);

      expect((await h.request('PUT', '/api/my/crisis-plan/consent', { cookie: citizen, body: { consent: 'duty_too' } })).statusCode).toBe(200);
      // Consent sends no duty event: the next look at the list (here a reload) shows the link.
      await duty.reload();
      await row.getByRole('link', { name: 'Kriseplan' }).click();
      await duty.getByText('Jeg sover dårligt.').waitFor();
      await duty.getByText('Du læser planen, fordi borgeren deler den med vagten.', { exact: false }).waitFor();
      expect(new URL(duty.url()).pathname).toBe(`/citizens/${org.citizenId}/crisis-plan`);
    } finally {
      await duty.context().close();
      await clearRequests();
      await clearShifts();
      await h.request('PUT', '/api/my/crisis-plan/consent', { cookie: citizen, body: { consent: 'own_worker' } });
    }
  });
});

describe('when no one can answer', () => {
  it('the organisation’s text and its numbers, big and tappable, 112 last; nothing is stored', async () => {
    const phone = await openPage(citizen, 'phone');
    try {
      await phone.goto(h.baseUrl);
      await phone.getByRole('button', { name: 'Jeg vil gerne tale med nogen' }).click();
      await phone.getByRole('button', { name: 'Telefon' }).click();
      await phone.getByRole('heading', { name: 'Lige nu kan ingen svare' }).waitFor();
      await phone.getByText('Lige nu kan ingen fra bostøtten svare. Er det akut, så ring:').waitFor();
      const numbers = phone.locator('.talk-call');
      expect(await numbers.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['tel:38640000', 'tel:112']);
      expect(await visibleWithoutScrolling(numbers.last())).toBe(true);
      expect(await controlProblems(phone)).toEqual([]);
      expect(await axeViolations(phone)).toEqual([]);
      await saveScreenshot(phone, 'no-one-da-phone');
      const [n] = await h.admin<{ n: number }[]>`select count(*)::int as n from contact_requests where status = 'waiting'`;
      expect(n!.n).toBe(0);
    } finally {
      await phone.context().close();
    }
  });
});

describe('the chat of a request', () => {
  it('the citizen writes, Nina takes it and answers; each sees the other’s words live, on a phone with the keyboard’s room taken', async () => {
    await onShiftNow(nina.id);
    const duty = await openPage(nina.cookie, 'laptop');
    const phone = await openPage(citizen, 'phone');
    try {
      await duty.goto(`${h.baseUrl}/duty`);
      await phone.goto(h.baseUrl);
      await phone.getByRole('button', { name: 'Jeg vil gerne tale med nogen' }).click();
      await phone.getByRole('button', { name: 'Skriv' }).click();
      await phone.getByText('Vagten ser din besked nu. Du får svar her inden for 10 minutter.').waitFor();
      // A phone keyboard takes about half the screen: the field and Send stay reachable.
      await phone.setViewportSize({ width: 360, height: 400 });
      const field = phone.getByLabel('Skriv en besked');
      await field.fill('Jeg har det skidt i aften.');
      await phone.getByRole('button', { name: 'Send' }).click();
      await phone.getByText('Jeg har det skidt i aften.').waitFor();
      await expect.poll(() => field.inputValue()).toBe('');

      const row = duty.locator('.duty-row').filter({ hasText: 'Carl Borger' });
      await row.getByRole('button', { name: 'Jeg tager den' }).click();
      await row.getByText('Jeg har det skidt i aften.').waitFor();
      await row.getByLabel('Skriv en besked').fill('Hej Carl. Jeg er her nu. Vil du fortælle mere?');
      await row.getByRole('button', { name: 'Send' }).click();

      await phone.getByText('Nina har set din besked.').waitFor();
      await phone.getByText('Hej Carl. Jeg er her nu. Vil du fortælle mere?').waitFor();
      // With the field focused (the browser brings it into view), the field and Send are both on the small screen.
      await phone.getByLabel('Skriv en besked').focus();
      const onScreen = (selector: string) => phone.locator(selector).evaluate((e) => {
        const r = e.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
      });
      expect(await onScreen('.duty-chat-form textarea')).toBe(true);
      expect(await onScreen('.duty-chat-form button')).toBe(true);
      await saveScreenshot(phone, 'chat-citizen-da-keyboard');
      await saveScreenshot(duty, 'chat-duty-da-laptop');

      const rows = await h.admin<{ body: string }[]>`select m.body from contact_messages m order by m.created_at`;
      expect(rows.map((r) => r.body)).toEqual(['Jeg har det skidt i aften.', 'Hej Carl. Jeg er her nu. Vil du fortælle mere?']);
    } finally {
      await duty.context().close();
      await phone.context().close();
      await clearRequests();
      await clearShifts();
    }
  });
});

describe('the coordinator’s Vagtplan', () => {
  it('adds a night shift, is refused an overlapping one next to the form, removes a shift after asking; cover, hours and the out-of-hours text are saved', async () => {
    const page = await openPage(cookies.coordinator, 'laptop');
    try {
      await page.goto(h.baseUrl);
      await page.getByRole('link', { name: 'Vagtplan' }).click();
      await page.getByRole('heading', { name: 'Vagtplan', level: 1 }).waitFor();
      const form = page.locator('form.roster-add');
      await form.getByLabel('Team').selectOption({ label: 'Nattevagt' });
      await form.getByLabel('Medarbejder').selectOption({ label: 'Nina Nattevagt' });
      // The first day of the week shown; 23:00 to 07:00 ends the next morning.
      await form.getByLabel('Fra').fill('23:00');
      await form.getByLabel('Til').fill('07:00');
      await form.getByRole('button', { name: 'Tilføj vagten' }).click();
      await form.getByRole('status').filter({ hasText: 'Vagten er tilføjet.' }).waitFor();
      const shifts = () => h.admin<{ worker_id: string; hours: number }[]>`select worker_id, extract(epoch from ends_at - starts_at)::int / 3600 as hours from duty_shifts`;
      expect(await shifts()).toEqual([{ worker_id: nina.id, hours: 8 }]);
      await page.locator('.roster-week').getByText('Nina Nattevagt · Nattevagt').waitFor();

      // The same night again, from 01:00: refused by the database, said beside the form; nothing added.
      await form.getByLabel('Fra').fill('01:00');
      await form.getByLabel('Til').fill('05:00');
      await form.getByLabel('Dag').fill(await form.getByLabel('Dag').inputValue().then((day) => new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)));
      await form.getByRole('button', { name: 'Tilføj vagten' }).click();
      await form.getByRole('alert').filter({ hasText: /Medarbejderen har allerede en vagt .*23\.00–7\.00/ }).waitFor();
      expect(await shifts()).toHaveLength(1);
      expect(await axeViolations(page)).toEqual([]);
      await saveScreenshot(page, 'roster-overlap-da-laptop', { fullPage: true });

      // Removing asks first.
      await page.locator('.roster-week').getByRole('button', { name: 'Fjern' }).click();
      await page.getByRole('button', { name: 'Ja, fjern' }).click();
      await expect.poll(async () => (await shifts()).length).toBe(0);

      // Cover: the day team now also covers the night team.
      const dayCover = page.locator('form.roster-team').filter({ hasText: 'Bostøtte Nord dækker også' });
      await dayCover.getByLabel('Nattevagt').check();
      await dayCover.getByRole('button', { name: 'Gem' }).click();
      await dayCover.getByRole('status').filter({ hasText: 'Gemt.' }).waitFor();
      expect((await h.admin<{ n: number }[]>`select count(*)::int as n from duty_team_coverage where team_id = ${dayTeam} and covered_team_id = ${nightTeam}`)[0]!.n).toBe(1);

      // Working hours: Bo on Mondays 08:00–15:30.
      const hours = page.getByRole('region', { name: 'Arbejdstider' });
      await hours.getByLabel('Medarbejder').selectOption({ label: 'Bo Bostøtte' });
      await hours.locator('.roster-hours li').first().getByRole('checkbox').check();
      await hours.getByRole('button', { name: 'Gem arbejdstider' }).click();
      await hours.getByRole('status').filter({ hasText: 'Gemt.' }).waitFor();
      const bo = await h.request('GET', `/api/duty/working-hours/${org.workerId}`, { cookie: cookies.coordinator });
      expect(bo.json().periods).toEqual([{ weekday: 1, start: '08:00', end: '15:30' }]);

      // The out-of-hours text and a second number.
      const settings = page.locator('form.roster-settings');
      await settings.getByRole('button', { name: 'Tilføj et nummer' }).click();
      await settings.getByLabel('Navn').last().fill('Livslinien');
      await settings.getByLabel('Nummer', { exact: true }).last().fill('70 201 201');
      await settings.getByRole('button', { name: 'Gem' }).click();
      await settings.getByRole('status').filter({ hasText: 'Gemt.' }).waitFor();
      const saved = await h.request('GET', '/api/duty/settings', { cookie: cookies.coordinator });
      expect(saved.json().emergencyNumbers).toEqual([{ label: 'Psykiatrisk akutmodtagelse', number: '38 64 00 00' }, { label: 'Livslinien', number: '70 201 201' }]);
    } finally {
      await page.context().close();
      await h.request('PUT', `/api/duty/working-hours/${org.workerId}`, { cookie: cookies.coordinator, body: { periods: [] } });
      await h.request('PUT', `/api/duty/teams/${dayTeam}`, { cookie: cookies.coordinator, body: { dutyPhone: null, covers: [] } });
      await clearShifts();
    }
  });
});

describe.each(Object.keys(SIZES) as (keyof typeof SIZES)[])('every duty screen on a %s', (size) => {
  // Three pages and six screens checked with axe: on a busy machine longer than the default minute. (A timed-out test
  // goes on in the background, and its clean-up would then take the next test's request away.)
  it.each(localesAt(size))('in %s: axe clean, controls big enough and on top, nothing sideways', { timeout: 180_000 }, async (locale) => {
    const words = WORDS[locale];
    await onShiftNow(nina.id);
    const phone = await openPage(citizen, size, locale);
    const duty = await openPage(nina.cookie, size, locale);
    const coordinator = await openPage(cookies.coordinator, size, locale);
    const check = async (page: Page, name: string) => {
      expect(await controlProblems(page), name).toEqual([]);
      expect(await axeViolations(page), name).toEqual([]);
      await saveScreenshot(page, `${name}-${locale}-${size}`, { fullPage: true });
    };
    try {
      await phone.goto(h.baseUrl);
      const button = phone.getByRole('button', { name: words.button });
      expect(await visibleWithoutScrolling(button)).toBe(true);
      await check(phone, 'citizen-home');
      await button.click();
      await phone.getByText(words.how, { exact: true }).waitFor();
      await check(phone, 'citizen-choose');

      await phone.getByRole('button', { name: words.write, exact: true }).click();
      await phone.getByText(words.dutyChat).waitFor();
      await phone.getByLabel(words.field).fill('Hej');
      await phone.getByRole('button', { name: words.send }).click();
      await phone.locator('.duty-chat-log').getByText('Hej').waitFor();
      await check(phone, 'citizen-waiting-chat');

      await duty.goto(`${h.baseUrl}/duty`);
      const row = duty.locator('.duty-row').filter({ hasText: 'Carl Borger' });
      await row.getByRole('button', { name: words.claim }).waitFor();
      await duty.getByRole('link', { name: words.duty }).waitFor();
      await check(duty, 'duty-waiting');
      await row.getByRole('button', { name: words.claim }).click();
      await row.locator('.duty-chat-log').getByText('Hej').waitFor();
      await check(duty, 'duty-chat');

      await coordinator.goto(`${h.baseUrl}/roster`);
      await coordinator.getByRole('heading', { name: words.roster, level: 1 }).waitFor();
      await coordinator.getByRole('button', { name: words.addShift }).waitFor();
      await check(coordinator, 'roster');
    } finally {
      for (const page of [phone, duty, coordinator]) await page.context().close();
      await clearRequests();
      await clearShifts();
    }
  });
});
