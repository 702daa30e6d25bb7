/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { citizenCookie, expectMediaFlowing } from '../support/calls.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useBrowserPages } from '../support/use-browser-pages.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 9, what people in a call notice of each other: the waiting citizen is told who knows they wait and when, and
 * reads the worker's line ("Jeg kommer om 2 minutter"); in the call, a muted microphone shows on the person's tile, a
 * colleague coming and going is announced to everyone, and one's own picture can be dragged to another corner, clear
 * of the bar and the top strip, and stays there after a reload.
 */

const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker', 'coordinator'] });

const { newPage } = useBrowserPages(h);

const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true };

const page = (cookie: string): Promise<Page> => newPage(cookie, phone);

/** A booked video appointment starting ten minutes from now, and its session opened by the worker. */
async function sessionForAppointmentSoon(): Promise<{ callId: string; startsAt: Date }> {
  const nextYear = new Date().getUTCFullYear() + 1;
  const booked = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId: org.citizenId, start: `${nextYear}-03-02T10:00`, modality: 'video' } });
  expect(booked.statusCode).toBe(201);
  const appointmentId = booked.json()[0].id as string;
  // Booking refuses the past and the next few minutes are not bookable in every test run: move it to "soon".
  const [moved] = await h.admin<{ starts_at: Date }[]>`
    update appointments set starts_at = date_trunc('minute', now()) + interval '10 minutes', ends_at = date_trunc('minute', now()) + interval '30 minutes'
    where id = ${appointmentId} returning starts_at`;
  const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId, appointmentId } });
  expect(started.statusCode).toBe(201);
  return { callId: started.json().id, startsAt: moved!.starts_at };
}

/** The worker opens the session; the citizen passes the device check into the waiting room. */
async function workerAndWaitingCitizen(callId: string): Promise<{ worker: Page; citizen: Page }> {
  const worker = await page(cookies.worker);
  await worker.goto(`${h.baseUrl}/call/${callId}`);
  await worker.getByText('Ingen andre er med endnu.').waitFor();
  const citizen = await page(await citizenCookie(h, org, cookies.worker));
  await citizen.goto(`${h.baseUrl}/call/${callId}/check`);
  await citizen.locator('video.preview').waitFor();
  await citizen.getByRole('button', { name: 'Deltag' }).click();
  await citizen.getByRole('heading', { name: 'Bo ved, at du venter.' }).waitFor();
  return { worker, citizen };
}

const rect = (p: Page, selector: string) => p.locator(selector).first().evaluate((e) => e.getBoundingClientRect().toJSON() as DOMRect);
const overlaps = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe('the waiting room', () => {
  it('names the worker and the time, shows only microphone, camera and leave; the worker’s line arrives big and is read out', async () => {
    const { callId, startsAt } = await sessionForAppointmentSoon();
    const { worker, citizen } = await workerAndWaitingCitizen(callId);

    await citizen.getByText('Vent et øjeblik. Din medarbejder lukker dig ind.').waitFor();
    const time = new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', hour: '2-digit', minute: '2-digit' }).format(startsAt);
    await citizen.getByText(`Jeres aftale er kl. ${time}.`).waitFor();
    await citizen.locator('.waiting-self video.local-video').waitFor();
    const toolbar = citizen.getByRole('toolbar');
    expect(await toolbar.getByRole('button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent))).toEqual(['Lyd', 'Kamera', 'Forlad samtalen']);
    expect(await citizen.getByRole('button', { name: 'Chat' }).count()).toBe(0);
    expect(await citizen.locator('figure.tile:not(.local)').count()).toBe(0);

    // The connection drops while waiting: said calmly, still in the waiting room with nothing more to press; back by itself.
    await citizen.context().setOffline(true);
    await citizen.getByRole('heading', { name: 'Vi prøver at forbinde igen…' }).waitFor();
    await citizen.getByText('Tjek at du har internet. Du behøver ikke gøre noget.').waitFor();
    expect(await toolbar.getByRole('button').count()).toBe(3);
    await citizen.context().setOffline(false);
    await citizen.getByRole('heading', { name: 'Bo ved, at du venter.' }).waitFor({ timeout: 20_000 });

    // The worker writes from the waiting list: one of the usual lines.
    await worker.getByRole('button', { name: 'Skriv til Carl Borger' }).click();
    await worker.getByRole('button', { name: 'Jeg kommer om 2 minutter' }).click();
    await worker.getByText('Carl Borger kan se beskeden nu.').waitFor();
    const line = citizen.getByTestId('waiting-message');
    await line.getByText('Jeg kommer om 2 minutter').waitFor();
    expect(await line.getAttribute('aria-live')).toBe('polite');
    expect(await line.innerText()).toBe('Bo skriver:\nJeg kommer om 2 minutter');
    await saveScreenshot(citizen, 'waiting-room-message-360x740');

    // …and in their own words
    await worker.getByLabel('Eller skriv selv').fill('Jeg henter lige en kop kaffe');
    await worker.getByRole('button', { name: 'Send' }).click();
    await line.getByText('Jeg henter lige en kop kaffe').waitFor();
    await worker.getByRole('button', { name: 'Luk', exact: true }).click();

    await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).click();
    await expectMediaFlowing(citizen);
    expect(await citizen.getByTestId('waiting-message').count()).toBe(0);
  }, 90_000);
});

describe('in the call', () => {
  it('the citizen mutes: the worker’s tile shows it; a colleague coming and going is announced; the self-view moves to a corner clear of the bar and stays there', async () => {
    const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    const callId = started.json().id as string;
    const { worker, citizen } = await workerAndWaitingCitizen(callId);
    await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).click();
    await expectMediaFlowing(citizen);
    await expectMediaFlowing(worker);
    await worker.getByText('Carl Borger er kommet med').waitFor();

    // muting
    const citizenTile = worker.locator('figure.tile:not(.local)');
    expect(await citizenTile.getAttribute('data-muted')).toBe('false');
    const sound = citizen.getByRole('button', { name: 'Lyd' });
    expect(await sound.getAttribute('aria-pressed')).toBe('true');
    await sound.click();
    expect(await sound.getAttribute('aria-pressed')).toBe('false');
    await citizenTile.getByText('Mikrofonen er slået fra').waitFor({ state: 'attached' });
    expect(await citizenTile.getAttribute('data-muted')).toBe('true');
    await saveScreenshot(worker, 'call-worker-citizen-muted-360x740');
    await sound.click();
    await expect.poll(() => citizenTile.getAttribute('data-muted')).toBe('false');

    // camera off: said on the tile, in text with enough contrast (axe in call-layout.test.ts)
    await citizen.getByRole('button', { name: 'Kamera' }).click();
    await citizenTile.getByText('Kameraet er slukket').waitFor();
    await citizen.getByRole('button', { name: 'Kamera' }).click();
    await citizenTile.getByText('Kameraet er slukket').waitFor({ state: 'detached' });

    // a colleague comes in and goes
    expect((await h.request('POST', `/api/calls/${callId}/participants`, { cookie: cookies.worker, body: { userId: org.coordinatorId } })).statusCode).toBe(204);
    const colleague = await page(cookies.coordinator);
    await colleague.goto(`${h.baseUrl}/call/${callId}`);
    for (const p of [worker, citizen]) await p.getByRole('status').filter({ hasText: 'Karin Koordinator (kollega) er kommet med' }).waitFor();
    await saveScreenshot(citizen, 'call-citizen-colleague-joined-360x740');
    await colleague.getByRole('button', { name: 'Forlad samtalen' }).click();
    for (const p of [worker, citizen]) await p.getByText('Karin Koordinator er gået').waitFor();
    // announcements go away by themselves, each on its own (the first is not held by the second)
    for (const p of [worker, citizen]) await p.getByText('Karin Koordinator (kollega) er kommet med').waitFor({ state: 'detached', timeout: 15_000 });
    // who only took part is asked nothing: the outcome is the host's to record
    await colleague.getByRole('heading', { name: 'Du har forladt samtalen.' }).waitFor();
    await colleague.getByRole('button', { name: 'Tilbage til I dag' }).waitFor();
    expect(await colleague.getByRole('group', { name: 'Hvordan gik det?' }).count()).toBe(0);

    // the self-view, dragged by a finger from the bottom right to the top left
    const pip = citizen.locator('figure.tile.local');
    // The self-view gives way to a notice while the connection is being restored (a busy machine can stall one): it
    // comes back when the call does.
    await pip.waitFor({ timeout: 60_000 });
    expect(await pip.getAttribute('data-corner')).toBe('bottom-right');
    const from = await rect(citizen, 'figure.tile.local');
    const stage = await rect(citizen, '.stage-area');
    await dragWithFinger(citizen, { x: from.left + from.width / 2, y: from.top + from.height / 2 }, { x: stage.left + 40, y: stage.top + 60 });
    await expect.poll(() => pip.getAttribute('data-corner')).toBe('top-left');
    const moved = await rect(citizen, 'figure.tile.local');
    for (const other of ['.controls', '.call-top']) expect(overlaps(moved, await rect(citizen, other)), other).toBe(false);
    expect(moved.top).toBeGreaterThanOrEqual(stage.top);
    expect(moved.left).toBeGreaterThanOrEqual(stage.left);
    await saveScreenshot(citizen, 'call-citizen-selfview-top-left-360x740');

    // the keyboard's way: "Flyt mit billede" in "Mere" goes on round the corners
    await citizen.getByRole('button', { name: 'Mere' }).click();
    await citizen.getByRole('button', { name: 'Flyt mit billede' }).click();
    expect(await pip.getAttribute('data-corner')).toBe('top-right');
    await citizen.keyboard.press('Escape');
    expect(await citizen.getByRole('button', { name: 'Mere' }).getAttribute('aria-expanded')).toBe('false');
    expect(await citizen.evaluate(() => document.activeElement?.textContent)).toBe('Mere');

    // remembered for the session: after a reload the citizen is back in the call, the picture where they put it
    await citizen.reload();
    await expectMediaFlowing(citizen);
    expect(await citizen.locator('figure.tile.local').getAttribute('data-corner')).toBe('top-right');
  }, 150_000);
});

/** A touch drag as a finger makes it: pointer down, a few moves, up (Chromium's touch emulation over CDP). */
async function dragWithFinger(p: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  const cdp = await p.context().newCDPSession(p);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', point?: { x: number; y: number }) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: point ? [{ x: Math.round(point.x), y: Math.round(point.y) }] : [] });
  await touch('touchStart', from);
  for (let i = 1; i <= 8; i++) await touch('touchMove', { x: from.x + ((to.x - from.x) * i) / 8, y: from.y + ((to.y - from.y) * i) / 8 });
  await touch('touchEnd');
  await cdp.detach();
}
