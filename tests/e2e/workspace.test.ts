/// <reference lib="dom" />
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { organisationToday, shiftDate } from '../../client/src/i18n/locale.js';
import { axeViolations, citizenCookie, openSignal, roomToken, send, startCall } from '../support/calls.js';
import { boxDistance, controlProblems, distance, pageBox, SCREEN_COMBINATIONS, visibleWithoutScrolling } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useChannels } from '../support/use-channels.js';
import { useBrowserPages } from '../support/use-browser-pages.js';
import { useHarness } from '../support/use-harness.js';
import type { Socket as ClientSocket } from 'socket.io-client';

/**
 * Issue 9, the worker's workspace: I dag · Borgere · Kalender by tabs (a bar at the bottom of a phone, tabs on a
 * laptop) on real paths; the next appointment big with one-press "Start video"; the caseload with the sign-in link sent
 * by SMS; the calendar with feedback beside the button pressed, a form emptied after booking and a cancellation that
 * asks first. The volunteer's home welcomes them. With SCREENSHOTS=<folder>, every screen is saved there.
 */

const channels = useChannels();
// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;
const { h, org, cookies } = useHarness({ serve: true, env: channels.env, signIn: ['worker', 'volunteer'], ...(clientDir ? { clientDir } : {}) });
const { newPage } = useBrowserPages(h);
let nextAppointmentId: string;
let citizen: string;

beforeAll(async () => {
  citizen = await citizenCookie(h, org, cookies.worker);
  // Today's next appointment: a video session that began this minute (so it is today at any hour), and a later one.
  const [next] = await h.admin<{ id: string }[]>`
    insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by)
    values (${org.id}, ${org.workerId}, ${org.citizenId}, date_trunc('minute', now()), date_trunc('minute', now()) + interval '20 minutes', 'video', ${org.workerId})
    returning id`;
  nextAppointmentId = next!.id;
  channels.gateway.delivered.length = 0; // the citizen's sign-in above sent nothing, but start from nothing
});

const sockets: ClientSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  // Every session a test opened is ended (as its worker ends it), so the next test's I dag starts calm.
  for (const { id } of await h.admin<{ id: string }[]>`select id from call_sessions where status = 'open'`) {
    const ended = await h.request('POST', `/api/calls/${id}/end`, { cookie: cookies.worker });
    if (ended.statusCode !== 204) throw new Error(`end call: ${ended.statusCode} ${ended.body}`);
  }
});

const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true };
const LAPTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, bypassCSP: true };

const WORDS = {
  da: { locale: 'da-DK', today: 'I dag', citizens: 'Borgere', calendar: 'Kalender', hello: 'Hej Bo Bostøtte', caseload: 'Mine borgere', start: 'Start video', book: 'Book en aftale', link: 'Login-link', welcome: 'Tak fordi du er frivillig.' },
  en: { locale: 'en-GB', today: 'Today', citizens: 'Citizens', calendar: 'Calendar', hello: 'Hello Bo Bostøtte', caseload: 'My citizens', start: 'Start video', book: 'Book an appointment', link: 'Sign-in link', welcome: 'Thank you for volunteering.' },
  sv: { locale: 'sv-SE', today: 'Idag', citizens: 'Medborgare', calendar: 'Kalender', hello: 'Hej Bo Bostøtte', caseload: 'Mina medborgare', start: 'Starta video', book: 'Boka en tid', link: 'Inloggningslänk', welcome: 'Tack för att du är volontär.' },
} as const;

const path = (page: Page) => page.evaluate(() => location.pathname);

async function expectScreenGood(page: Page, name: string): Promise<void> {
  expect(await controlProblems(page), name).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await saveScreenshot(page, name);
}

describe.each(SCREEN_COMBINATIONS)('on a %s, in %s', (device, language) => {
  const words = WORDS[language];
  const options = { ...(device === 'phone' ? PHONE : LAPTOP), locale: words.locale };

  it('I dag, Borgere and Kalender: reached by the tabs, each on its own path, the main action in view, axe clean', async () => {
    const page = await newPage(cookies.worker, options);
    await page.goto(h.baseUrl);
    await page.getByRole('heading', { name: words.hello }).waitFor();
    const tabs = page.getByRole('navigation');
    expect(await tabs.getByRole('link', { name: words.today }).getAttribute('aria-current')).toBe('page');
    // The next appointment, big, and its one-press "Start video" in view without scrolling.
    const start = page.getByRole('button', { name: words.start });
    await start.waitFor();
    expect(await visibleWithoutScrolling(start)).toBe(true);
    // No booking form and no caseload on this screen.
    expect(await page.getByRole('heading', { name: words.caseload }).count()).toBe(0);
    expect(await page.locator('form').count()).toBe(0);
    await expectScreenGood(page, `today-${device}-${language}`);

    await tabs.getByRole('link', { name: words.citizens }).click();
    await page.getByRole('heading', { name: words.caseload }).waitFor();
    expect(await path(page)).toBe('/people');
    expect(await tabs.getByRole('link', { name: words.citizens }).getAttribute('aria-current')).toBe('page');
    expect(await tabs.getByRole('link', { name: words.today }).getAttribute('aria-current')).toBeNull();
    expect(await visibleWithoutScrolling(page.getByRole('button', { name: words.start }))).toBe(true);
    await expectScreenGood(page, `citizens-${device}-${language}`);
    await page.getByRole('button', { name: words.link, exact: true }).click();
    await expectScreenGood(page, `citizens-link-${device}-${language}`);

    await tabs.getByRole('link', { name: words.calendar }).click();
    await page.getByRole('heading', { name: words.calendar, level: 1 }).waitFor();
    expect(await path(page)).toBe('/agenda');
    expect(await visibleWithoutScrolling(page.getByRole('button', { name: words.book }))).toBe(true);
    await expectScreenGood(page, `calendar-${device}-${language}`);
    await page.getByRole('button', { name: words.book }).click();
    await expectScreenGood(page, `calendar-booking-${device}-${language}`);

    // Back, forward and reload keep to the paths.
    await page.goBack();
    await page.getByRole('heading', { name: words.caseload }).waitFor();
    expect(await path(page)).toBe('/people');
    await page.goForward();
    await page.getByRole('heading', { name: words.calendar, level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: words.calendar, level: 1 }).waitFor();
    expect(await path(page)).toBe('/agenda');
  });

  it('the volunteer’s home: the welcome, a calm empty state, no tabs to nowhere, axe clean', async () => {
    const page = await newPage(cookies.volunteer, options);
    await page.goto(h.baseUrl);
    await page.getByText(words.welcome).waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    await expectScreenGood(page, `volunteer-${device}-${language}`);
  });
});

describe('the worker’s day, on a phone in Danish', () => {
  const options = { ...PHONE, locale: 'da-DK', permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'] };

  it('a citizen waiting comes first on I dag, above the next appointment: "Carl Borger venter", and the button goes in', async () => {
    const callId = await startCall(h, org, cookies.worker);
    const socket = await openSignal(h.baseUrl, await roomToken(h, citizen, callId), sockets);
    expect(await send(socket, 'join', { audioOnly: true })).toMatchObject({ ok: true, data: { state: 'waiting' } });
    const page = await newPage(cookies.worker, options);
    await page.goto(h.baseUrl);
    const waiting = page.getByText('Carl Borger venter');
    await waiting.waitFor();
    const go = page.getByRole('button', { name: 'Gå til samtalen' });
    const next = page.getByRole('heading', { name: 'Næste aftale' });
    expect((await go.boundingBox())!.y).toBeLessThan((await next.boundingBox())!.y);
    expect(await visibleWithoutScrolling(go)).toBe(true);
    await saveScreenshot(page, 'today-waiting-phone-da');
    await go.click();
    await page.waitForURL(`**/call/${callId}`);
  });

  it('"Start video" on the next appointment opens its session in one press', async () => {
    const page = await newPage(cookies.worker, options);
    await page.goto(h.baseUrl);
    await page.getByRole('button', { name: 'Start video' }).click();
    await page.waitForURL(/\/call\/[0-9a-f-]{36}$/);
    const callId = (await path(page)).split('/').pop()!;
    const [session] = await h.admin`select appointment_id, status from call_sessions where id = ${callId}`;
    expect(session).toMatchObject({ appointment_id: nextAppointmentId, status: 'open' });
  });

  it('Borgere: "Send som SMS" reaches the SMS gateway once with a working link, and says so beside the button', async () => {
    const page = await newPage(cookies.worker, options);
    await page.goto(`${h.baseUrl}/people`);
    const row = page.locator('li', { hasText: 'Carl Borger' });
    await row.getByRole('button', { name: 'Login-link', exact: true }).click();
    const sms = row.getByRole('button', { name: 'Send som SMS' });
    await sms.click();
    const sent = row.getByRole('status').filter({ hasText: 'Sendt som SMS.' });
    await sent.waitFor();
    expect(await distance(sms, sent)).toBeLessThan(150);
    await saveScreenshot(page, 'citizens-sms-sent-phone-da');

    expect(channels.gateway.delivered).toHaveLength(1);
    const [message] = channels.gateway.delivered;
    expect(message!.msisdn).toBe(4512345678);
    expect(message!.message).not.toContain('Carl');
    const secret = /\/link#([A-Za-z0-9_-]{43})$/.exec(message!.message)![1]!;
    const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret } });
    expect(exchanged.statusCode).toBe(200);
    expect(exchanged.json().user.displayName).toBe('Carl Borger');

    // No e-mail address: said beside that button, and nothing is sent.
    const email = row.getByRole('button', { name: 'Send som e-mail' });
    await email.click();
    const refused = row.getByRole('alert').filter({ hasText: 'Borgeren har ingen e-mail.' });
    await refused.waitFor();
    expect(await distance(email, refused)).toBeLessThan(150);
    expect(channels.gateway.delivered).toHaveLength(1);
    expect(channels.mails).toHaveLength(0);
  });

  it('Borgere: "Lav login-link" gives a copy button, not a raw address, and the copied link is the citizen’s', async () => {
    const page = await newPage(cookies.worker, options);
    await page.goto(`${h.baseUrl}/people`);
    const row = page.locator('li', { hasText: 'Carl Borger' });
    await row.getByRole('button', { name: 'Login-link', exact: true }).click();
    await row.getByRole('button', { name: 'Lav login-link' }).click();
    await row.getByText(/^Send dette link til Carl Borger\. Det virker én gang og udløber /).waitFor();
    expect(await page.locator('main').innerText()).not.toContain('/link#');
    // no field holds the address either (the row's other panels, e.g. Afstand, have inputs of their own)
    expect(await page.locator('main input').evaluateAll((inputs) => inputs.filter((i) => (i as HTMLInputElement).value.includes('/link#')).length)).toBe(0);
    await row.getByRole('button', { name: 'Kopiér link' }).click();
    await row.getByRole('button', { name: 'Kopieret' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(new RegExp(`^${h.baseUrl}/link#[A-Za-z0-9_-]{43}$`));
    const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: copied.split('#')[1] } });
    expect(exchanged.json().user.displayName).toBe('Carl Borger');
  });

  it('Borgere: a link that still works can be withdrawn, only after "Ja, tilbagekald"', async () => {
    const made = await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie: cookies.worker });
    const linkId = made.json().id as string;
    const revokedAt = async () => (await h.admin`select revoked_at from citizen_links where id = ${linkId}`)[0]!.revoked_at;
    const page = await newPage(cookies.worker, options);
    await page.goto(`${h.baseUrl}/people`);
    const row = page.locator('li', { hasText: 'Carl Borger' });
    await row.getByRole('button', { name: 'Login-link', exact: true }).click();
    await row.getByText('Links der virker nu').waitFor();
    const active = row.locator('.active-links li');
    const before = await active.count();
    // The newest first: the one made above.
    await active.first().getByRole('button', { name: 'Tilbagekald' }).click();
    await row.getByText('Tilbagekald linket? Det holder op med at virke med det samme.').waitFor();
    expect(await revokedAt()).toBeNull();
    await saveScreenshot(page, 'citizens-revoke-asks-phone-da');
    const confirm = row.getByRole('button', { name: 'Ja, tilbagekald' });
    const pressedAt = await pageBox(confirm);
    await confirm.click();
    const done = row.getByRole('status').filter({ hasText: 'Linket virker ikke længere.' });
    await done.waitFor();
    expect(boxDistance(pressedAt, await pageBox(done))).toBeLessThan(150);
    expect(await revokedAt()).not.toBeNull();
    await expect.poll(() => active.count()).toBe(before - 1);
    const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(made.json().url).hash.slice(1) } });
    expect(exchanged.statusCode).toBe(410);
  });

  it('Kalender: "Aftalen er booket." under the button pressed, and the form empty again', async () => {
    const page = await newPage(cookies.worker, options);
    await page.goto(`${h.baseUrl}/agenda`);
    await page.getByRole('button', { name: 'Book en aftale' }).click();
    const form = page.locator('form#booking-form');
    await form.locator('select').first().selectOption({ label: 'Carl Borger' });
    await form.getByLabel('Dato').fill(shiftDate(organisationToday(), 2));
    await form.getByLabel('Klokken').fill('11:00');
    await form.getByLabel('Note til medarbejdere').fill('Tal om ugen');
    const book = form.getByRole('button', { name: 'Book', exact: true });
    await book.click();
    const booked = form.getByRole('status').filter({ hasText: 'Aftalen er booket.' });
    await booked.waitFor();
    expect(await distance(book, booked)).toBeLessThan(150);
    expect(await form.locator('select').first().inputValue()).toBe('');
    expect(await form.getByLabel('Note til medarbejdere').inputValue()).toBe('');
    const rows = await h.admin`select staff_note from appointments where worker_id = ${org.workerId} and staff_note is not null`;
    expect(rows).toEqual([{ staff_note: 'Tal om ugen' }]);
    await saveScreenshot(page, 'calendar-booked-phone-da');
  });

  it('Kalender: "Aflys" asks first; nothing changes until "Aflys aftalen" is pressed', async () => {
    const day = shiftDate(organisationToday(), 3);
    const made = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId: org.citizenId, start: `${day}T09:00`, durationMinutes: 20, modality: 'phone' } });
    expect(made.statusCode).toBe(201);
    const appointmentId = made.json()[0].id as string;
    const status = async () => (await h.admin`select status from appointments where id = ${appointmentId}`)[0]!.status;
    const page = await newPage(cookies.worker, options);
    await page.goto(`${h.baseUrl}/agenda`);
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Næste' }).click();
    const row = page.locator(`li[data-appointment="${appointmentId}"]`);
    await row.getByRole('button', { name: 'Aflys', exact: true }).click();
    await row.getByText('Aflys aftalen? Skriv kort hvorfor.').waitFor();
    expect(await status()).toBe('booked');
    await saveScreenshot(page, 'calendar-cancel-asks-phone-da');
    await row.getByRole('button', { name: 'Nej, tilbage' }).click();
    expect(await row.getByRole('button', { name: 'Aflys aftalen' }).count()).toBe(0);
    expect(await status()).toBe('booked');

    await row.getByRole('button', { name: 'Aflys', exact: true }).click();
    await row.getByLabel('Begrundelse').fill('Borgeren er syg');
    const confirm = row.getByRole('button', { name: 'Aflys aftalen' });
    await confirm.click();
    const done = row.getByRole('status').filter({ hasText: 'Aftalen er aflyst.' });
    await done.waitFor();
    expect(await status()).toBe('cancelled');
    expect(await distance(row.getByText('Aflyst', { exact: true }), done)).toBeLessThan(150);
  });
});
