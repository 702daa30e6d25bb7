/// <reference lib="dom" />
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, expectMediaFlowing, signedInContext } from '../support/calls.js';
import { layoutSettled } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useBrowserPages } from '../support/use-browser-pages.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 12, how it is proven: the coordinator creates an IT volunteer, a worker proposes the match, the citizen accepts
 * on a 360 px phone, books the volunteer's next free time, and both meet in a video session (frames decoded both ways,
 * real SFU) — the citizen seeing only the volunteer's chosen name. Two Chromiums with fake media: the citizen's and
 * the volunteer's. Also the citizen's camera-and-microphone check on "Mere" and its line on the worker's Borgere.
 * With SCREENSHOTS=<folder>, every screen added here is saved at 360×740 and 1280×800.
 */

const phone: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true };
const laptop: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, bypassCSP: true };

// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;
const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker', 'coordinator'], ...(clientDir ? { clientDir } : {}) });
const { newPage } = useBrowserPages(h);
/** The volunteer's own Chromium: two browsers, as two people on two devices. */
let volunteerBrowser: Browser;
const volunteerEmail = `frida-${Date.now()}@testkommune.dk`;
const PASSWORD = 'et-langt-kodeord-til-frida';
let volunteerId: string;
let citizen: string;

beforeAll(async () => {
  volunteerBrowser = await launchChromium();
  citizen = await citizenCookie(h, org, cookies.worker);
});
afterAll(() => volunteerBrowser?.close());

async function volunteerPage(options: BrowserContextOptions): Promise<Page> {
  const cookie = await h.login(volunteerEmail, PASSWORD);
  const page = await (await signedInContext(volunteerBrowser, h.baseUrl, cookie, { ...options, locale: 'da-DK' })).newPage();
  return page;
}

async function checked(page: Page, name: string): Promise<void> {
  await layoutSettled(page);
  await saveScreenshot(page, name, { fullPage: true });
  expect(await axeViolations(page), name).toEqual([]);
}

/** Tomorrow's ISO weekday in Copenhagen: the regular time the volunteer publishes is then the next free one. */
function tomorrowWeekday(): number {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Copenhagen', weekday: 'short' }).format(new Date(Date.now() + 86_400_000));
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(day) + 1;
}

describe('a volunteer and a citizen meet', () => {
  it('coordinator creates an IT volunteer, worker proposes, citizen accepts and books on a phone, both meet on video', { timeout: 360_000 }, async () => {
    // The coordinator creates the volunteer and their profile (the volunteers' routes).
    const created = await h.request('POST', '/api/users', {
      cookie: cookies.coordinator, body: { role: 'volunteer', displayName: 'Frida Frivillig Hansen', email: volunteerEmail, password: PASSWORD },
    });
    expect(created.statusCode).toBe(201);
    volunteerId = created.json().id;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen' }).format(new Date());
    const profile = await h.request('PUT', `/api/volunteers/${volunteerId}/profile`, {
      cookie: cookies.coordinator,
      body: {
        kind: 'it_helper', chosenName: 'Frida', presentation: 'Jeg hjælper gerne med telefon, video og apps.', languages: ['da'],
        taskDescription: 'Hjælp borgere i gang med video.', contactPersonId: org.workerId, activeFrom: today, activeUntil: null,
      },
    });
    expect(profile.statusCode).toBe(200);

    // The volunteer publishes a regular time on their home (laptop), tomorrow's weekday 10:00–12:00.
    const volunteer = await volunteerPage(laptop);
    await volunteer.goto(h.baseUrl);
    await volunteer.getByRole('heading', { name: 'Mine faste tider' }).waitFor();
    await volunteer.getByRole('combobox', { name: /^Ugedag/ }).selectOption(String(tomorrowWeekday()));
    await volunteer.getByLabel('Fra', { exact: true }).fill('10:00');
    await volunteer.getByLabel('Til', { exact: true }).fill('12:00');
    await volunteer.getByRole('button', { name: 'Gem tiden' }).click();
    await volunteer.getByText('Tiden er gemt.').waitFor();
    await volunteer.getByText('kl. 10:00–12:00, 30 min ad gangen').waitFor();
    await checked(volunteer, 'volunteer-times-1280');
    await volunteer.setViewportSize({ width: 360, height: 740 });
    await checked(volunteer, 'volunteer-times-360');

    // The worker proposes Frida to Carl.
    const proposed = await h.request('POST', `/api/citizens/${org.citizenId}/volunteers`, { cookie: cookies.worker, body: { volunteerId } });
    expect(proposed.statusCode).toBe(201);

    // The citizen, on a 360 px phone, accepts and books the next free time.
    const carl = await newPage(citizen, phone);
    await carl.goto(h.baseUrl);
    await carl.getByRole('heading', { name: 'Vil du tale med Frida?' }).waitFor();
    await carl.getByRole('button', { name: 'Ja tak' }).click();
    // Accepted (the card says so) before the home is read again with the match in place.
    await carl.getByText('Frida er din frivillige').waitFor();
    await carl.reload();
    const bookButton = carl.getByRole('button', { name: 'Book en tid med Frida' });
    await bookButton.waitFor();
    await checked(carl, 'citizen-volunteer-home-360');
    await bookButton.click();
    await carl.getByRole('heading', { name: 'Book en tid med Frida' }).waitFor();
    await checked(carl, 'citizen-volunteer-times-360');
    const first = carl.locator('.volunteer-free-times button').first();
    expect(await first.textContent()).toMatch(/10\.00/);
    await first.click();
    await carl.getByRole('button', { name: /^Book / }).click();
    await carl.getByText(/Du har booket .* med Frida\./).waitFor();
    await checked(carl, 'citizen-volunteer-booked-360');
    const [booked] = await h.admin<{ id: string; worker_id: string; purpose: string }[]>`
      select id, worker_id, purpose from appointments where citizen_id = ${org.citizenId} and status = 'booked' order by created_at desc limit 1`;
    expect(booked).toMatchObject({ worker_id: volunteerId, purpose: 'support' });
    // The citizen sees the chosen name only.
    expect(await carl.locator('body').innerText()).not.toMatch(/Frida Frivillig|Hansen/);

    // Both meet: the volunteer starts the video from their next appointment, the citizen comes through the waiting room.
    await volunteer.setViewportSize({ width: 1280, height: 800 });
    await volunteer.reload();
    const appointmentRow = volunteer.locator('.volunteer-appointment', { hasText: 'Carl' });
    await appointmentRow.waitFor();
    expect(await appointmentRow.innerText()).not.toContain('Borger');
    await appointmentRow.getByRole('button', { name: 'Start video' }).click();
    await volunteer.getByText('Ingen andre er med endnu.').waitFor();

    await carl.goto(h.baseUrl);
    await carl.getByText(/Frida/).first().waitFor();
    await carl.getByRole('button', { name: 'Deltag' }).click();
    await carl.locator('video.preview').waitFor();
    await carl.getByRole('button', { name: 'Deltag' }).click();
    await volunteer.getByRole('button', { name: 'Luk Carl ind' }).click();

    const atVolunteer = await expectMediaFlowing(volunteer);
    const atCitizen = await expectMediaFlowing(carl);
    expect(atVolunteer.video.framesDecoded).toBeGreaterThan(0);
    expect(atCitizen.video.framesDecoded).toBeGreaterThan(0);
    expect(await carl.locator('body').innerText()).not.toMatch(/Frida Frivillig|Hansen/);
    await saveScreenshot(carl, 'volunteer-call-citizen-360');
    await saveScreenshot(volunteer, 'volunteer-call-volunteer-1280');

    // "Jeg har brug for hjælp fra en medarbejder" in the volunteer's "Mere": Frida's contact person is brought in.
    await volunteer.getByRole('button', { name: 'Mere', exact: true }).click();
    await volunteer.getByRole('button', { name: 'Jeg har brug for hjælp fra en medarbejder' }).click();
    await volunteer.getByText('Din kontaktperson er inviteret ind i samtalen.').waitFor();
    await saveScreenshot(volunteer, 'volunteer-call-help-1280');
    expect(await axeViolations(volunteer)).toEqual([]);
    const [invited] = await h.admin`
      select p.user_id from call_participants p join call_sessions s on s.id = p.session_id
      where s.appointment_id = ${booked!.id} and p.user_id = ${org.workerId}`;
    expect(invited).toBeDefined();
    await volunteer.context().close();
  });

  it('the citizen tries camera and microphone on "Mere"; their worker sees it on Borgere', { timeout: 120_000 }, async () => {
    const carl = await newPage(citizen, phone);
    await carl.goto(`${h.baseUrl}/more`);
    await carl.getByRole('button', { name: 'Prøv kamera og mikrofon' }).click();
    await carl.locator('video.preview').waitFor();
    await checked(carl, 'citizen-device-check-360');
    await carl.getByRole('button', { name: 'Færdig' }).click();
    await carl.getByText('Video virker. Du kan bruge video, når I skal mødes.').waitFor();
    await checked(carl, 'citizen-device-check-done-360');
    // The result shows at once; it is stored by the request that follows.
    await expect.poll(async () => (await h.admin<{ result: string }[]>`select result from device_checks where citizen_id = ${org.citizenId} order by checked_at desc limit 1`)[0]?.result).toBe('video');

    for (const [size, options] of [['1280', laptop], ['360', phone]] as const) {
      const worker = await newPage(cookies.worker, options);
      await worker.goto(`${h.baseUrl}/people`);
      await worker.locator('.person-row', { hasText: 'Carl Borger' }).getByText('Video virker · i dag').waitFor();
      await checked(worker, `worker-borgere-device-${size}`);
    }
  });
});

describe('a guest link', () => {
  it('the citizen invites a guest on Mere; the guest joins once through the waiting room; a second use says the link is used', { timeout: 300_000 }, async () => {
    const nextYear = new Date().getUTCFullYear() + 1;
    const booked = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId: org.citizenId, modality: 'video', start: `${nextYear}-03-02T10:00` } });
    expect(booked.statusCode).toBe(201);
    const carl = await newPage(citizen, phone);
    await carl.goto(`${h.baseUrl}/more`);
    await carl.getByRole('heading', { name: 'Inviter en gæst' }).waitFor();
    await carl.getByRole('combobox', { name: /^Hvilken samtale/ }).selectOption(booked.json()[0].id);
    await carl.getByLabel('Gæstens navn').fill('Mor');
    await carl.getByRole('button', { name: 'Godkend og lav link' }).click();
    await carl.getByText('Send linket til Mor. Det virker én gang.').waitFor();
    await checked(carl, 'citizen-guest-invite-360');
    const url = await carl.getByRole('textbox', { name: /Kopiér linket|Del linket/ }).inputValue();
    expect(url).toMatch(/\/guest#[A-Za-z0-9_-]{43}$/);

    const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId, appointmentId: booked.json()[0].id } });
    expect(started.statusCode).toBe(201);
    const worker = await newPage(cookies.worker, laptop);
    await worker.goto(`${h.baseUrl}/call/${started.json().id}`);
    await worker.getByText('Ingen andre er med endnu.').waitFor();

    // The guest: no sign-in, a phone of their own.
    const guest = await newPage('naervaer_session=none', phone);
    await guest.goto(url.replace('http://naervaer.test', h.baseUrl));
    await guest.getByRole('button', { name: 'Deltag' }).click();
    await guest.locator('video.preview').waitFor();
    await checked(guest, 'guest-check-360');
    await guest.getByRole('button', { name: 'Deltag' }).click();
    await worker.getByRole('button', { name: 'Luk Mor ind' }).click();
    await expectMediaFlowing(guest);
    await saveScreenshot(guest, 'guest-call-360');

    const again = await newPage('naervaer_session=none', phone);
    await again.goto(url.replace('http://naervaer.test', h.baseUrl));
    await again.getByRole('button', { name: 'Deltag' }).click();
    await again.getByText('Linket er brugt. Et gæstelink virker kun én gang – bed om et nyt.').waitFor();
    await checked(again, 'guest-link-used-360');
    await again.setViewportSize({ width: 1280, height: 800 });
    await checked(again, 'guest-link-used-1280');
  });
});
