/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { organisationToday, shiftDate } from '../../client/src/i18n/locale.js';
import { upsertUser } from '../../server/people/store.js';
import { axeViolations } from '../support/calls.js';
import { controlProblems, SIZES } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { SmsGatewayStub, TEST_WEBHOOK_SECRET } from '../support/sms-gateway.js';
import { useBrowserPages } from '../support/use-browser-pages.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 11 in a browser: the worker's I dag flags each of today's morning checks — an unanswered one stands out
 * before they drive, and turns "Bekræftet" the moment the citizen answers JA by SMS (live) — and lists the open
 * follow-up after yesterday's no-show; on /follow-ups they plan a call and close it with what happened. On a 360×740
 * touch phone and a 1280×800 laptop, axe clean, every control big enough and uncovered. With SCREENSHOTS=<folder>,
 * each screen is saved there.
 */

// TEST_CLIENT_DIR: a client built elsewhere than dist/client, when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;
const { h, org, cookies } = useHarness({ serve: true, env: { SMS_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET }, signIn: ['worker', 'coordinator'], ...(clientDir ? { clientDir } : {}) });
const { newPage } = useBrowserPages(h);
const gateway = new SmsGatewayStub();
const ZONE = 'Europe/Copenhagen';
// axe-core is put into the page as a script: the app's CSP would refuse it.
const PHONE = { ...SIZES.phone, bypassCSP: true };
const LAPTOP = { ...SIZES.laptop, bypassCSP: true };

async function citizen(name: string, phone?: string): Promise<string> {
  const id = await upsertUser(h.admin, { organisationId: org.id, role: 'citizen', displayName: name, ...(phone ? { phone } : {}) });
  await h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${org.workerId}, ${id})`;
  return id;
}

/** Today at a local clock time (any hour the test runs, it is today), with its morning check sent and maybe answered. */
async function checkedToday(citizenId: string, clock: string, answer: 'yes' | 'no' | null): Promise<string> {
  const [a] = await h.admin<{ id: string }[]>`
    insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by, attendance_check)
    select ${org.id}, ${org.workerId}, ${citizenId}, t, t + interval '45 minutes', 'home_visit', ${org.workerId}, true
    from (select ((now() at time zone ${ZONE})::date + ${clock}::time) at time zone ${ZONE} as t) x
    returning id`;
  const [r] = await h.admin<{ id: string }[]>`
    insert into reminders (organisation_id, citizen_id, appointment_id, kind, channel, due_at, next_attempt_at, status, sent_at, idempotency_key)
    values (${org.id}, ${citizenId}, ${a!.id}, 'attendance_check', 'sms', now(), now(), 'sent', now(), ${`e2e-check:${a!.id}`})
    returning id`;
  if (answer) {
    await h.admin`insert into attendance_replies (organisation_id, reminder_id, appointment_id, citizen_id, answer, provider_message_id)
                  values (${org.id}, ${r!.id}, ${a!.id}, ${citizenId}, ${answer}, ${randomBytes(4).toString('hex')})`;
  }
  return a!.id;
}

/** A home visit yesterday that the citizen missed, recorded as a no-show by the worker: its follow-up opens. */
async function missedYesterday(citizenId: string, clock: string): Promise<void> {
  const [a] = await h.admin<{ id: string }[]>`
    insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by)
    select ${org.id}, ${org.workerId}, ${citizenId}, t, t + interval '45 minutes', 'home_visit', ${org.workerId}
    from (select ((now() at time zone ${ZONE})::date - 1 + ${clock}::time) at time zone ${ZONE} as t) x
    returning id`;
  const status = await h.request('POST', `/api/appointments/${a!.id}/status`, { cookie: cookies.worker, body: { status: 'no_show' } });
  expect(status.statusCode).toBe(200);
}

async function expectClean(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
  expect(await controlProblems(page)).toEqual([]);
}

// A browser, axe and two screens on two busy cores: more than the default minute.
describe('I dag and the follow-up screen', () => {
  it('on a phone: the unanswered check stands out, the follow-up is one press away and is closed there', async () => {
    const carl = org.citizenId; // Carl Borger, +4512345678
    await checkedToday(carl, '09:00', null);
    await checkedToday(await citizen('Ester Nielsen'), '11:00', 'yes');
    await checkedToday(await citizen('Frank Holm'), '13:30', 'no');
    const missed = await citizen('Gitte Berg');
    await missedYesterday(missed, '10:00');

    const page = await newPage(cookies.worker, PHONE);
    await page.goto(h.baseUrl);
    const checks = page.locator('.attendance-checks');
    await checks.getByRole('heading', { name: 'Morgentjek' }).waitFor();
    await expect.poll(() => checks.locator('li').allInnerTexts()).toEqual([
      expect.stringMatching(/^9\.00 Carl Borger\s+Ring før du kører\.\s+Ikke svaret$/),
      expect.stringMatching(/^11\.00 Ester Nielsen\s+Bekræftet$/),
      expect.stringMatching(/^13\.30 Frank Holm\s+Borgeren svarede NEJ\. Ring og aftal en ny tid\.\s+Aflyst af borgeren\?$/),
    ]);
    const followUps = page.locator('.follow-ups-today');
    await followUps.getByRole('heading', { name: 'Opfølgning' }).waitFor();
    await expect.poll(() => followUps.locator('li').allInnerTexts()).toEqual([expect.stringContaining('Gitte Berg · Udeblev')]);
    await saveScreenshot(page, 'follow-up-today-phone', { fullPage: true });
    await expectClean(page);

    await page.getByRole('link', { name: 'Se al opfølgning' }).click();
    await page.getByRole('heading', { name: 'Opfølgning efter udeblivelse', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/follow-ups');
    const card = page.locator('.follow-up-card', { has: page.getByRole('heading', { name: 'Gitte Berg' }) });
    await card.getByLabel('Hvad').selectOption('call');
    await card.getByRole('button', { name: 'Tilføj' }).click();
    await card.locator('.follow-up-actions li', { hasText: 'Ring' }).waitFor();
    await saveScreenshot(page, 'follow-up-screen-phone', { fullPage: true });
    await expectClean(page);

    await card.getByText('Fik kontakt').click();
    await card.getByLabel('Kort note (valgfri)').fill('Hun havde glemt det. Ny tid torsdag.');
    await card.getByRole('button', { name: 'Luk opfølgningen' }).click();
    await card.getByRole('status').filter({ hasText: 'Opfølgningen er lukket.' }).waitFor();
    const [row] = await h.admin`select status, result, result_note from follow_ups where citizen_id = ${missed}`;
    expect(row).toEqual({ status: 'closed', result: 'reached', result_note: 'Hun havde glemt det. Ny tid torsdag.' });
    const [action] = await h.admin`select kind from follow_up_actions a join follow_ups f on f.id = a.follow_up_id where f.citizen_id = ${missed}`;
    expect(action).toEqual({ kind: 'call' });
  }, 240_000);

  it('on a laptop: an answer by SMS turns the flag live; the coordinator sees two no-shows in a row', async () => {
    const henning = await citizen('Henning Lund', '+4522334455');
    await checkedToday(henning, '15:00', null);
    const ida = await citizen('Ida Krog');
    await missedYesterday(ida, '08:00');
    await missedYesterday(ida, '12:00');

    const page = await newPage(cookies.worker, LAPTOP);
    await page.goto(h.baseUrl);
    const flag = page.locator('.attendance-checks li', { hasText: 'Henning Lund' });
    await flag.getByText('Ikke svaret').waitFor();
    await page.locator('.follow-ups-today li', { hasText: 'Ida Krog' }).first().waitFor();
    await saveScreenshot(page, 'follow-up-today-laptop', { fullPage: true });
    await expectClean(page);

    const answered = await gateway.deliverIncoming(`${h.baseUrl}/api/sms/incoming`, '+4522334455', 'Ja');
    expect(answered.status).toBe(200);
    await flag.getByText('Bekræftet').waitFor();

    await page.goto(`${h.baseUrl}/follow-ups`);
    await page.getByRole('heading', { name: 'Opfølgning efter udeblivelse', level: 1 }).waitFor();
    await page.locator('.follow-up-card', { hasText: 'Ida Krog' }).first().waitFor();
    await saveScreenshot(page, 'follow-up-screen-laptop', { fullPage: true });
    await expectClean(page);

    // Booking asks for the check: a box beside the way of meeting, for home visits and phone appointments only.
    await page.goto(`${h.baseUrl}/agenda`);
    await page.getByRole('button', { name: 'Book en aftale' }).click();
    const form = page.locator('form#booking-form');
    await form.locator('select').first().selectOption({ label: 'Henning Lund' });
    await form.getByLabel('Dato').fill(shiftDate(organisationToday(), 2));
    await form.getByLabel('Klokken').fill('11:00');
    await form.getByLabel('Form').selectOption('video');
    expect(await form.getByLabel(/Morgentjek på SMS/).count()).toBe(0);
    await form.getByLabel('Form').selectOption('home_visit');
    await form.getByLabel(/Morgentjek på SMS/).check();
    await saveScreenshot(page, 'follow-up-booking-laptop');
    await form.getByRole('button', { name: 'Book', exact: true }).click();
    await form.getByRole('status').filter({ hasText: 'Aftalen er booket.' }).waitFor();
    const booked = await h.admin`select modality, attendance_check from appointments where citizen_id = ${henning} and starts_at > now() + interval '1 day'`;
    expect(booked).toEqual([{ modality: 'home_visit', attendance_check: true }]);

    const coordinator = await newPage(cookies.coordinator, PHONE);
    await coordinator.goto(h.baseUrl);
    const alert = coordinator.locator('.follow-up-alerts li', { hasText: 'Ida Krog' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('er udeblevet to gange i træk uden kontakt ind imellem (Bo Bostøtte)');
    await saveScreenshot(coordinator, 'follow-up-coordinator-phone', { fullPage: true });
    await expectClean(coordinator);
    await alert.getByRole('button', { name: 'Set' }).click();
    await alert.waitFor({ state: 'detached' });
  }, 240_000);
});
