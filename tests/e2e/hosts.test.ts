/// <reference lib="dom" />
/**
 * Several hosts sharing one PostgreSQL (issue 14): three built servers as their own processes (HOST_ID a, b and c),
 * behind a reverse proxy that routes /rtc/<host>/ to that host and everything else to the host a test cookie names
 * (tests/support/host-proxy.ts, standing in for nginx). Real Chromiums, real media through the call's host.
 *
 * One story, in order: a worker whose pages come from host b and a citizen whose pages come from host c meet in a call
 * placed on host a, and the citizen's waiting reaches the worker's live events on b; a coordinator on c deactivates a
 * colleague in that call, who is taken out on a; host a is killed and the call goes on through b; b is drained, new
 * calls go to c and, after the deadline, the call moves to c. The session log keeps one session whose segments show
 * each move.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../server/auth/auth.js';
import { ROOT } from '../../server/paths.js';
import { createOrganisation, upsertUser } from '../../server/people/store.js';
import { launchChromium } from '../support/browser.js';
import { expectMediaFlowing, listenToEvents, signedInContext, type EventsSocket } from '../support/calls.js';
import { freshDatabase, PASSWORD } from '../support/harness.js';
import { startHostProxy, TEST_HOST_COOKIE, type HostProxy } from '../support/host-proxy.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

type HostId = 'a' | 'b' | 'c';
const LEASE_SECONDS = 3;

describe('three app hosts, one database', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: HostProxy;
  const hosts = new Map<HostId, ServerProcess>();
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: ClientSocket[] = [];
  let dataDir: string;
  let env: Record<string, string>;

  let org: string;
  let workerId: string;
  let colleagueId: string;
  let citizenId: string;
  let otherCitizenId: string;

  const start = async (id: HostId) => {
    const host = await startServerProcess({ ...env, HOST_ID: id, DATA_DIR: path.join(dataDir, id) });
    hosts.set(id, host);
    proxy.setHost(id, Number(new URL(host.baseUrl).port));
  };

  beforeAll(async () => {
    db = await freshDatabase();
    proxy = await startHostProxy();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-hosts-'));
    env = {
      DATABASE_URL: db.url, PUBLIC_URL: proxy.url, DISPATCHER: 'false', MEDIA_WORKERS: '1', RTC_LISTEN_IP: '127.0.0.1',
      HOST_LEASE_SECONDS: String(LEASE_SECONDS), SIGNING_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    };
    // The first migrates the database; the others find it migrated.
    await start('a');
    await Promise.all([start('b'), start('c')]);
    browser = await launchChromium();

    org = await createOrganisation(db.admin, 'Regionkommune');
    const staff = async (role: 'worker' | 'coordinator', displayName: string, email: string) => upsertUser(db.admin, { organisationId: org, role, displayName, email, password: PASSWORD });
    workerId = await staff('worker', 'Bo Bostøtte', 'bo@region.dk');
    colleagueId = await staff('worker', 'Kim Kollega', 'kim@region.dk');
    await staff('coordinator', 'Karin Koordinator', 'karin@region.dk');
    citizenId = await upsertUser(db.admin, { organisationId: org, role: 'citizen', displayName: 'Carl Borger' });
    otherCitizenId = await upsertUser(db.admin, { organisationId: org, role: 'citizen', displayName: 'Dorte Borger' });
    await db.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org}, ${workerId}, ${citizenId})`;
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await Promise.all([...hosts.values()].map((host) => host.stop('SIGKILL').catch(() => undefined)));
    await proxy?.close();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A request through the proxy, served by the given host; the cookie header as given. */
  const call = async (host: HostId, method: string, url: string, body?: unknown, cookie?: string) => {
    const response = await fetch(`${proxy.url}${url}`, {
      method,
      headers: { origin: proxy.url, cookie: [`${TEST_HOST_COOKIE}=${host}`, cookie].filter(Boolean).join('; '), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: async () => response.json() as Promise<Record<string, unknown>>, cookie: response.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${SESSION_COOKIE}=`)) };
  };
  const signIn = async (host: HostId, email: string) => (await call(host, 'POST', '/api/auth/login', { email, password: PASSWORD })).cookie!;

  /** A browser context whose pages, API calls and live events the given host serves. */
  const contextOn = async (host: HostId, sessionCookie: string): Promise<BrowserContext> => {
    const context = await signedInContext(browser, proxy.url, sessionCookie);
    await context.addCookies([{ name: TEST_HOST_COOKIE, value: host, url: proxy.url }]);
    contexts.push(context);
    return context;
  };

  const segments = (userId: string) => db.admin<{ media_host: string | null; leave_reason: string | null }[]>`
    select g.media_host, g.leave_reason from call_segments g join call_participants p on p.id = g.participant_id
    where p.user_id = ${userId} order by g.joined_at, g.id`;
  const sessionHost = async (callId: string) => (await db.admin<{ media_host: string | null }[]>`select media_host from call_sessions where id = ${callId}`)[0]?.media_host;

  let worker: Page;
  let citizen: Page;
  let callId: string;
  let workerCookie: string;

  it('a worker on host b and a citizen on host c meet in a call placed on host a; the waiting alert crosses hosts', async () => {
    workerCookie = await signIn('b', 'bo@region.dk');
    // The worker's live events come from host b; the call will run on a.
    const events: EventsSocket = await listenToEvents(proxy.url, `${workerCookie}; ${TEST_HOST_COOKIE}=b`, sockets);
    const link = await call('b', 'POST', `/api/citizens/${citizenId}/links`, {}, workerCookie);
    const exchanged = await call('c', 'POST', '/api/citizen-links/exchange', { secret: new URL(String((await link.json()).url)).hash.slice(1) });
    worker = await (await contextOn('b', workerCookie)).newPage();
    citizen = await (await contextOn('c', exchanged.cookie!)).newPage();

    await worker.goto(`${proxy.url}/people`);
    await worker.getByRole('button', { name: 'Start video' }).click();
    await worker.getByText('Ingen andre er med endnu.').waitFor();
    // What the worker's events socket heard of the start has arrived; from here, only the waiting room speaks.
    let heard = -1;
    await expect.poll(async () => {
      const settled = heard === events.heard.length;
      heard = events.heard.length;
      await new Promise((resolve) => setTimeout(resolve, 700));
      return settled;
    }, { timeout: 15_000 }).toBe(true);

    await citizen.goto(proxy.url);
    await citizen.getByRole('button', { name: 'Deltag' }).click();
    await citizen.getByRole('heading', { name: 'Tjek kamera og mikrofon' }).waitFor();
    await citizen.getByRole('button', { name: 'Deltag' }).click();
    await citizen.getByText('Vent et øjeblik. Din medarbejder lukker dig ind.').waitFor();
    // The citizen waits on host a; the worker's live events on host b hear it ("Carl venter" on their home screen).
    await expect.poll(() => events.heard.slice(heard), { timeout: 15_000 }).toContain('openCallsChanged');
    // …and the list it then asks host b for shows one waiting, though the waiting room lives on host a.
    const open = await fetch(`${proxy.url}/api/calls/open`, { headers: { cookie: `${TEST_HOST_COOKIE}=b; ${workerCookie}` } });
    expect(((await open.json()) as { waiting: number }[]).map((c) => c.waiting)).toEqual([1]);
    await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).click();
    await Promise.all([expectMediaFlowing(worker, 1, 30_000), expectMediaFlowing(citizen, 1, 30_000)]);

    callId = (await db.admin<{ id: string }[]>`select id from call_sessions where status = 'open' and citizen_id = ${citizenId}`)[0]!.id;
    expect(await sessionHost(callId)).toBe('a');
    expect(await segments(workerId)).toEqual([{ media_host: 'a', leave_reason: null }]);
    expect(await segments(citizenId)).toEqual([{ media_host: 'a', leave_reason: null }]);
  });

  it('a coordinator deactivating a colleague on host c takes the colleague out of the call on host a', async () => {
    expect((await call('b', 'POST', `/api/calls/${callId}/participants`, { userId: colleagueId }, workerCookie)).status).toBe(204);
    const colleagueCookie = await signIn('b', 'kim@region.dk');
    const token = await (await call('b', 'POST', `/api/calls/${callId}/token`, {}, colleagueCookie)).json();
    expect(token.signallingPath).toBe('/rtc/a/socket.io/');
    const colleague = io(proxy.url, {
      path: String(token.signallingPath), transports: ['websocket'], reconnection: false, forceNew: true,
      auth: { token: token.token }, extraHeaders: { origin: proxy.url },
    });
    sockets.push(colleague);
    await new Promise<void>((resolve, reject) => {
      colleague.once('connect', resolve);
      colleague.once('connect_error', reject);
    });
    const removed = new Promise<unknown>((resolve) => colleague.once('removed', resolve));

    const coordinatorCookie = await signIn('c', 'karin@region.dk');
    expect((await call('c', 'POST', `/api/users/${colleagueId}/deactivate`, {}, coordinatorCookie)).status).toBe(200);
    expect(await removed).toEqual({ reason: 'signed_out' });
    await expect.poll(() => segments(colleagueId)).toEqual([{ media_host: 'a', leave_reason: 'signed_out' }]);
  });

  it('host a is killed: within the lease and a few seconds media flows again through host b, one session, two segments each', async () => {
    await hosts.get('a')!.stop('SIGKILL');
    hosts.delete('a');
    proxy.removeHost('a');
    // The pages reconnect by themselves: their new room tokens name host b once a's lease has run out.
    await Promise.all([expectMediaFlowing(worker, 1, 60_000), expectMediaFlowing(citizen, 1, 60_000)]);
    expect(await sessionHost(callId)).toBe('b');
    await expect.poll(() => segments(workerId)).toEqual([{ media_host: 'a', leave_reason: 'host_lost' }, { media_host: 'b', leave_reason: null }]);
    expect(await segments(citizenId)).toEqual([{ media_host: 'a', leave_reason: 'host_lost' }, { media_host: 'b', leave_reason: null }]);
    expect(await db.admin`select id from call_sessions where citizen_id = ${citizenId}`).toHaveLength(1);
  });

  it('host b drained: new calls go to host c, and after the deadline its call moves to c', async () => {
    const drain = await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'server', 'cli', 'drain.ts'), 'b', '0.05'], {
      cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    });
    expect(JSON.parse(drain.stdout.trim().split('\n').at(-1)!)).toMatchObject({ host: 'b' });

    // A new call, started through b itself, is placed on c.
    await db.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org}, ${workerId}, ${otherCitizenId})`;
    const started = await call('b', 'POST', '/api/calls', { citizenId: otherCitizenId }, workerCookie);
    expect(started.status).toBe(201);
    const otherCall = String((await started.json()).id);
    const otherToken = await (await call('b', 'POST', `/api/calls/${otherCall}/token`, {}, workerCookie)).json();
    expect(otherToken.signallingPath).toBe('/rtc/c/socket.io/');

    // After the deadline (3 s) host b moves its call: both pages reconnect to c.
    await expect.poll(() => sessionHost(callId), { timeout: 30_000, interval: 500 }).toBe('c');
    await Promise.all([expectMediaFlowing(worker, 1, 60_000), expectMediaFlowing(citizen, 1, 60_000)]);
    await expect.poll(() => segments(workerId)).toEqual([
      { media_host: 'a', leave_reason: 'host_lost' }, { media_host: 'b', leave_reason: 'moved' }, { media_host: 'c', leave_reason: null },
    ]);
    expect(await segments(citizenId)).toEqual([
      { media_host: 'a', leave_reason: 'host_lost' }, { media_host: 'b', leave_reason: 'moved' }, { media_host: 'c', leave_reason: null },
    ]);
  });

  it('host a comes back and host c stops cleanly (SIGTERM): the call moves to a at once', async () => {
    await start('a');
    proxy.removeHost('c'); // the load balancer's health check: the citizen's pages and API now come from another host
    expect(await hosts.get('c')!.stop('SIGTERM')).toBe(0);
    hosts.delete('c');
    // c gave up its lease as it stopped, and let the browsers go to reconnect (not told to stop): a takes the call.
    await Promise.all([expectMediaFlowing(worker, 1, 60_000), expectMediaFlowing(citizen, 1, 60_000)]);
    expect(await sessionHost(callId)).toBe('a');
    for (const userId of [workerId, citizenId]) {
      expect((await segments(userId)).slice(2)).toEqual([{ media_host: 'c', leave_reason: 'moved' }, { media_host: 'a', leave_reason: null }]);
    }
  });

  it('the worker ends the session through host b: it ends for everyone in the call on host a', async () => {
    expect((await call('b', 'POST', `/api/calls/${callId}/end`, {}, workerCookie)).status).toBe(204);
    await citizen.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor({ timeout: 15_000 });
    expect(await db.admin`select status, end_reason from call_sessions where id = ${callId}`).toEqual([{ status: 'ended', end_reason: 'ended_by_staff' }]);
    expect((await segments(citizenId)).at(-1)).toEqual({ media_host: 'a', leave_reason: 'session_ended' });
  });
});
