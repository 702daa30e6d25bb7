/**
 * Issue 9: open screens hear at once that "open sessions for me" changed (socket.io namespace /events, admitted by
 * the session cookie), instead of polling. An event says only that something changed; who hears it is the point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket as ClientSocket } from 'socket.io-client';
import { citizenCookie, listenToEvents, openSignal, send } from './support/calls.js';
import type { Org } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] });
const sockets: ClientSocket[] = [];
afterAll(() => sockets.forEach((socket) => socket.disconnect()));

const listen = (cookie: string | undefined) => listenToEvents(h.baseUrl, cookie, sockets);

/** Waits until the socket has heard `count` events (or fails after a few seconds). */
async function heard(socket: { heard: string[] }, count: number): Promise<string[]> {
  for (let i = 0; i < 100 && socket.heard.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  return socket.heard;
}

/** A signed-in citizen of the organisation who is not in this worker's caseload. */
async function signInAs(organisation: Org, userId: string): Promise<string> {
  const [session] = await h.admin<{ id: string }[]>`
    insert into auth_sessions (organisation_id, user_id, expires_at) values (${organisation.id}, ${userId}, now() + interval '1 day') returning id`;
  const token = await h.tokens.sign({ sub: userId, org: organisation.id, role: 'citizen', sid: session!.id }, 'session', new Date(Date.now() + 86_400_000));
  return `naervaer_session=${token}`;
}

let citizen: string;
let otherOrg: Org;
beforeAll(async () => {
  citizen = await citizenCookie(h, org, cookies.worker);
  otherOrg = await h.seedOrganisation('Andenkommune');
});

describe('live "open sessions changed" events', () => {
  it('the citizen hears when their worker opens a session and when it ends; nobody else does', async () => {
    const mine = await listen(citizen);
    const otherCitizen = await listen(await signInAs(org, org.otherCitizenId));
    const otherOrganisation = await listen(await signInAs(otherOrg, otherOrg.citizenId));

    const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    expect(started.statusCode).toBe(201);
    expect(await heard(mine, 1)).toEqual(['openCallsChanged']);

    const ended = await h.request('POST', `/api/calls/${started.json().id}/end`, { cookie: cookies.worker });
    expect(ended.statusCode).toBe(204);
    expect(await heard(mine, 2)).toEqual(['openCallsChanged', 'openCallsChanged']);

    // The others: the same two changes went by without a word to them.
    expect(otherCitizen.heard).toEqual([]);
    expect(otherOrganisation.heard).toEqual([]);
    expect(otherCitizen.connected && otherOrganisation.connected).toBe(true);
  });

  it('the worker\'s open screen hears when the citizen starts waiting (without being in the call)', async () => {
    const worker = await listen(cookies.worker);
    const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    const callId = started.json().id as string;
    expect(await heard(worker, 1)).toEqual(['openCallsChanged']);

    const token = await h.request('POST', `/api/calls/${callId}/token`, { cookie: citizen });
    const signal = await openSignal(h.baseUrl, token.json().token, sockets);
    expect(await send(signal, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'waiting' } });
    expect(await heard(worker, 2)).toEqual(['openCallsChanged', 'openCallsChanged']);
    // …and what the worker then reads says who waits.
    const open = (await h.request('GET', '/api/calls/open', { cookie: cookies.worker })).json() as { id: string; waiting: number }[];
    expect(open.find((c) => c.id === callId)?.waiting).toBe(1);

    signal.disconnect();
    expect(await heard(worker, 3)).toHaveLength(3);
    await h.request('POST', `/api/calls/${callId}/end`, { cookie: cookies.worker });
  });

  it('refuses a connection without a valid sign-in', async () => {
    await expect(listen(undefined)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(listen('naervaer_session=not-a-token')).rejects.toMatchObject({ code: 'unauthorized' });
    const signedOut = await citizenCookie(h, org, cookies.worker);
    expect((await h.request('POST', '/api/auth/logout', { cookie: signedOut })).statusCode).toBe(204);
    await expect(listen(signedOut)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('closes the connection of a sign-in that ends (signing out on that device)', async () => {
    const signedIn = await citizenCookie(h, org, cookies.worker);
    const onThisDevice = await listen(signedIn);
    const onAnother = await listen(citizen);
    const closed = new Promise<string>((resolve) => onThisDevice.once('disconnect', resolve));
    expect((await h.request('POST', '/api/auth/logout', { cookie: signedIn })).statusCode).toBe(204);
    expect(await closed).toBe('io server disconnect');
    // The same citizen's other device, still signed in, stays connected.
    expect(onAnother.connected).toBe(true);
  });

  it('lets one person open at most 30 connections a minute', async () => {
    const cookie = await signInAs(otherOrg, otherOrg.otherCitizenId);
    for (let i = 0; i < 30; i += 1) (await listen(cookie)).disconnect();
    await expect(listen(cookie)).rejects.toMatchObject({ code: 'rate_limited' });
    // Someone else is not held back by it.
    expect((await listen(await signInAs(otherOrg, otherOrg.citizenId))).connected).toBe(true);
  });
});
