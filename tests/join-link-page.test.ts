/// <reference lib="dom" />
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerInfo } from '../protocol/signalling.js';
import { parseConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { CLIENT_DIR } from '../server/paths.js';
import { createDispatcher } from '../server/reminders/setup.js';
import { launchChromium } from './support/browser.js';
import { axeViolations, openSignal, roomToken, send } from './support/calls.js';
import { startHarness, type Harness, type Org } from './support/harness.js';
import { SmsGatewayStub } from './support/sms-gateway.js';

/**
 * Issue 7, item 9, in a real browser: the reminder's join page survives a link scanner (nothing is used up by
 * opening it, with or without running its scripts) and, on the citizen's tap, joins the appointment's call.
 */

let h: Harness;
let org: Org;
let worker: string;
let gateway: SmsGatewayStub;
let browser: Browser;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  if (!fs.existsSync(`${CLIENT_DIR}/index.html`)) throw new Error('build the client first: npm run build');
  h = await startHarness({}, { serve: true });
  org = await h.seedOrganisation();
  worker = await h.login(org.workerEmail);
  gateway = new SmsGatewayStub();
  const gatewayUrl = await gateway.start();
  expect((await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: worker, body: { smsReminders: true } })).statusCode).toBe(200);
  browser = await launchChromium();
  // the reminders link to this served app
  const config = parseConfig({ PUBLIC_URL: h.baseUrl, DATA_DIR: h.dataDir, SMS_GATEWAY_URL: gatewayUrl, SMS_GATEWAY_TOKEN: gateway.token });
  const dispatcher = createDispatcher(config, h.sql, createLogger({ level: 'silent' }));
  const start = new Date(Date.now() + 3 * 86_400_000);
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(start);
  const booked = await h.request('POST', '/api/appointments', { cookie: worker, body: { citizenId: org.citizenId, modality: 'video', start: `${local}T10:00` } });
  expect(booked.statusCode).toBe(201);
  appointmentId = booked.json()[0].id;
  await h.admin`update reminders set next_attempt_at = now() - interval '1 second' where appointment_id = ${appointmentId} and due_at = (select min(due_at) from reminders where appointment_id = ${appointmentId})`;
  await dispatcher.drain();
  const url = /http:\/\/127\.0\.0\.1:\d+\/join#[A-Za-z0-9_-]{43}/.exec(gateway.delivered[0]?.message ?? '')?.[0];
  expect(url).toBeDefined();
  linkUrl = url!;
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await browser?.close();
  await gateway?.stop();
  await h?.close();
});

let appointmentId: string;
let linkUrl: string;
const uses = async () => (await h.admin<{ uses: number }[]>`select coalesce(sum(uses), 0)::int as uses from reminder_links where appointment_id = ${appointmentId}`)[0]!.uses;

describe('the reminder join page at 360 px', () => {
  it('a link scanner that fetches the link, or opens it in a browser, uses up and opens nothing', async () => {
    const fetched = await fetch(linkUrl);
    expect(fetched.status).toBe(200); // the single-page app; the secret (the fragment) never reaches the server
    const scanner = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'da-DK' });
    const page = await scanner.newPage();
    const posts: string[] = [];
    page.on('request', (r) => r.method() !== 'GET' && posts.push(r.url()));
    await page.goto(linkUrl);
    await page.getByRole('button', { name: 'Deltag' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(posts).toEqual([]);
    expect(await uses()).toBe(0);
    expect(await h.admin`select count(*)::int as n from audit_events where action = 'reminder_link.use'`).toEqual([{ n: 0 }]);
    await scanner.close();
  });

  it('the citizen taps Deltag, sees when the appointment is, waits for the worker and joins the call', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'da-DK', permissions: ['camera', 'microphone'], bypassCSP: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(linkUrl);
    // Plain words and one button, all of it on the screen without scrolling (even at 360×640).
    await page.getByText('Tryk på Deltag for at se din aftale og komme med i samtalen.').waitFor();
    expect(await page.locator('main').getByRole('button').count()).toBe(1);
    expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight)).toBe(true);
    await page.getByRole('button', { name: 'Deltag' }).click();
    await page.getByText(/^Din aftale er \S+ \d+\. \S+ kl\. 10\.00\.$/).waitFor();
    await page.getByText('Din medarbejder har ikke startet samtalen endnu.', { exact: false }).waitFor();
    expect(await uses()).toBe(1);
    expect(page.url()).toBe(`${h.baseUrl}/join`); // the secret left the address bar once used
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    // the worker opens the appointment's session (from the agenda) and waits in it
    const call = await h.request('POST', '/api/calls', { cookie: worker, body: { citizenId: org.citizenId, appointmentId } });
    expect(call.statusCode).toBe(201);
    const workerSocket = await openSignal(h.baseUrl, await roomToken(h, worker, call.json().id), sockets);
    let waiting: PeerInfo[] = [];
    workerSocket.on('waiting', (list: PeerInfo[]) => (waiting = list));
    expect(await send(workerSocket, 'join', { audioOnly: true })).toMatchObject({ ok: true });

    // the page notices by itself; the citizen checks camera and microphone and joins the waiting room
    // (after the tap on "Deltag" it goes on to the device check by itself: its "Deltag" is the second and last tap)
    await page.getByRole('heading', { name: 'Tjek kamera og mikrofon' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Deltag' }).click();
    await page.getByText('Vent et øjeblik. Din medarbejder lukker dig ind.').waitFor();

    // the worker sees them waiting and lets them in
    await expect.poll(() => waiting.map((w) => w.displayName), { timeout: 15_000 }).toEqual(['Carl Borger']);
    expect(await send(workerSocket, 'admit', { peerId: waiting[0]!.peerId })).toMatchObject({ ok: true });
    await page.getByText('Vent et øjeblik. Din medarbejder lukker dig ind.').waitFor({ state: 'detached' });
    const [participant] = await h.admin`select admitted_at from call_participants where session_id = ${call.json().id} and user_id = ${org.citizenId}`;
    expect(participant!.admitted_at).not.toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  });
});
