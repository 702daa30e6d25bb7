import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { GuestLink } from '../protocol/guests.js';
import type { PeerInfo } from '../protocol/signalling.js';
import { citizenCookie, nextEvent, openSignal, roomToken, send } from './support/calls.js';
import type { Org } from './support/harness.js';
import { useSignallingHarness } from './support/signalling-fixture.js';

/**
 * Issue 12, guest links: a citizen invites a relative or helper to one session with a one-time link they approve. The
 * guest has no account: the link works once, for that session only; then a clear message; every other route is 401.
 */

const fixture = useSignallingHarness();
const sockets = fixture.sockets;

const nextYear = new Date().getUTCFullYear() + 1;
let day = 1;

interface Setup {
  org: Org;
  worker: string;
  citizen: string;
  appointmentId: string;
}

/** A fresh organisation, its worker and citizen signed in, and a video appointment of theirs on a day of its own. */
async function setup(): Promise<Setup> {
  const { h } = fixture;
  const org = await h.seedOrganisation();
  const worker = await h.login(org.workerEmail);
  const citizen = await citizenCookie(h, org, worker);
  const booked = await h.request('POST', '/api/appointments', {
    cookie: worker, body: { citizenId: org.citizenId, modality: 'video', start: `${nextYear}-02-${String(day++).padStart(2, '0')}T10:00` },
  });
  expect(booked.statusCode).toBe(201);
  return { org, worker, citizen, appointmentId: booked.json()[0].id };
}

/** The citizen writes and approves an invitation; returns the link's secret (from its fragment). */
async function invite(s: Setup, guestName = 'Mor'): Promise<{ invitationId: string; secret: string; link: GuestLink }> {
  const { h } = fixture;
  const created = await h.request('POST', '/api/my/guest-invitations', { cookie: s.citizen, body: { appointmentId: s.appointmentId, guestName } });
  expect(created.statusCode).toBe(201);
  const approved = await h.request('POST', `/api/my/guest-invitations/${created.json().id}/approve`, { cookie: s.citizen });
  expect(approved.statusCode).toBe(200);
  const link = approved.json() as GuestLink;
  return { invitationId: created.json().id, secret: new URL(link.url).hash.slice(1), link };
}

const exchange = (secret: string) => fixture.h.request('POST', '/api/guest/exchange', { body: { secret } });
const guestCookieOf = (response: { cookies: { name: string; value: string }[] }) => `naervaer_guest=${response.cookies.find((c) => c.name === 'naervaer_guest')!.value}`;

async function startSession(s: Setup): Promise<string> {
  const started = await fixture.h.request('POST', '/api/calls', { cookie: s.worker, body: { citizenId: s.org.citizenId, appointmentId: s.appointmentId } });
  expect(started.statusCode).toBe(201);
  return started.json().id;
}

describe('guest links', () => {
  it('the citizen writes the invitation, then approves it: only then a link exists, and only its hash is stored', async () => {
    const { h } = fixture;
    const s = await setup();
    const created = await h.request('POST', '/api/my/guest-invitations', { cookie: s.citizen, body: { appointmentId: s.appointmentId, guestName: ' Mor ' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ guestName: 'Mor', status: 'draft', appointmentId: s.appointmentId });
    const [draft] = await h.admin`select secret_hash from guest_invitations where id = ${created.json().id}`;
    expect(draft!.secret_hash).toBeNull();

    const approved = await h.request('POST', `/api/my/guest-invitations/${created.json().id}/approve`, { cookie: s.citizen });
    expect(approved.statusCode).toBe(200);
    const url = new URL(approved.json().url);
    expect(url.pathname).toBe('/guest');
    const secret = url.hash.slice(1);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await h.admin<{ secret_hash: Buffer }[]>`select secret_hash from guest_invitations where id = ${created.json().id}`;
    expect(Buffer.from(row!.secret_hash).toString('hex')).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(await h.admin`select * from guest_invitations`)).not.toContain(secret);
    // Approved once: a second approval would make a second link.
    expect((await h.request('POST', `/api/my/guest-invitations/${created.json().id}/approve`, { cookie: s.citizen })).statusCode).toBe(409);
    const listed = await h.request('GET', '/api/my/guest-invitations', { cookie: s.citizen });
    expect(listed.json()).toEqual([expect.objectContaining({ id: created.json().id, status: 'approved' })]);
  });

  it('only for the citizen’s own coming video appointment', async () => {
    const { h } = fixture;
    const s = await setup();
    const other = await setup();
    const foreign = await h.request('POST', '/api/my/guest-invitations', { cookie: s.citizen, body: { appointmentId: other.appointmentId, guestName: 'Mor' } });
    expect(foreign.statusCode).toBe(404);
    const blank = await h.request('POST', '/api/my/guest-invitations', { cookie: s.citizen, body: { appointmentId: s.appointmentId, guestName: '   ' } });
    expect(blank.statusCode).toBe(400);
    // Another citizen cannot approve it either.
    const mine = await h.request('POST', '/api/my/guest-invitations', { cookie: s.citizen, body: { appointmentId: s.appointmentId, guestName: 'Mor' } });
    expect((await h.request('POST', `/api/my/guest-invitations/${mine.json().id}/approve`, { cookie: other.citizen })).statusCode).toBe(404);
    expect(await h.admin`select 1 from guest_invitations where citizen_id = ${other.org.citizenId}`).toHaveLength(0);
  });

  it('works once, for that session only: the guest waits, the worker lets them in; a second use says the link is used', async () => {
    const { h } = fixture;
    const s = await setup();
    const { secret } = await invite(s);

    const first = await exchange(secret);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ guestName: 'Mor', hostName: 'Bo', session: null });
    const cookie = guestCookieOf(first);
    expect(first.cookies.find((c) => c.name === 'naervaer_guest')).toMatchObject({ path: '/api/guest', httpOnly: true, sameSite: 'Strict' });
    // Before the worker opens the session there is nothing to join.
    const early = await h.request('POST', '/api/guest/token', { cookie });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('not_started');

    const callId = await startSession(s);
    expect((await h.request('GET', '/api/guest', { cookie })).json()).toMatchObject({ session: { id: callId, status: 'open' } });
    const worker = await openSignal(h.baseUrl, await roomToken(h, s.worker, callId), sockets);
    expect(await send(worker, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'in_call' } });

    const waitingSeen = nextEvent<PeerInfo[]>(worker, 'waiting');
    const token = await h.request('POST', '/api/guest/token', { cookie });
    expect(token.statusCode).toBe(200);
    const guest = await openSignal(h.baseUrl, token.json().token, sockets);
    const joined = await send<{ state: string; peerId: string }>(guest, 'join', { audioOnly: false });
    expect(joined).toMatchObject({ ok: true, data: { state: 'waiting' } });
    const waiting = await waitingSeen;
    expect(waiting).toEqual([expect.objectContaining({ displayName: 'Mor', role: 'guest' })]);

    const admitted = nextEvent(guest, 'admitted');
    expect(await send(worker, 'admit', { peerId: waiting[0]!.peerId })).toEqual({ ok: true, data: {} });
    await admitted;
    const [participant] = await h.admin`
      select p.role, p.invited_by, p.admitted_at is not null as admitted from call_participants p join users u on u.id = p.user_id
      where p.session_id = ${callId} and u.role = 'guest'`;
    expect(participant).toEqual({ role: 'guest', invited_by: s.org.citizenId, admitted: true });

    // The second use, by anyone: refused with the clear code the page turns into "Linket er brugt".
    const again = await exchange(secret);
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('link_used');
    expect(again.cookies.find((c) => c.name === 'naervaer_guest')).toBeUndefined();
    const audited = await h.admin`select actor_id, actor_role from audit_events where action = 'guest_link.use' and subject_id = ${s.org.citizenId}`;
    expect(audited).toEqual([{ actor_id: null, actor_role: 'guest_link' }]);
  });

  it('a guest gets 401 on every other route of the route table', async () => {
    const { h } = fixture;
    const s = await setup();
    const { secret } = await invite(s);
    const cookie = guestCookieOf(await exchange(secret));
    const callId = await startSession(s);
    const checked: string[] = [];
    for (const r of h.app.apiRoutes) {
      if (!r.roles) continue;
      const url = r.url.replace(':callId', callId).replace(/:\w+/g, '5f0c3c2e-0000-4000-8000-00000000000f');
      const response = await h.request(r.method, url, { cookie });
      expect(response.statusCode, `${r.method} ${r.url}`).toBe(401);
      checked.push(r.url);
    }
    expect(checked.length).toBeGreaterThan(100);
    // The guest's own routes still answer.
    expect((await h.request('GET', '/api/guest', { cookie })).statusCode).toBe(200);
  });

  it('expires: a link past its appointment does not work, nor the guest session it gave', async () => {
    const { h } = fixture;
    const s = await setup();
    const used = await invite(s, 'Lene');
    const cookie = guestCookieOf(await exchange(used.secret));
    const unused = await invite(s, 'Ole');
    // As if the appointment (and its half hour of grace) were over.
    await h.admin`update guest_invitations set expires_at = now() - interval '1 minute' where appointment_id = ${s.appointmentId}`;
    const late = await exchange(unused.secret);
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('link_expired');
    expect((await h.request('GET', '/api/guest', { cookie })).statusCode).toBe(401);
    expect((await h.request('POST', '/api/guest/token', { cookie })).statusCode).toBe(401);
  });

  it('tampered: a changed secret or session token is refused and changes nothing', async () => {
    const { h } = fixture;
    const s = await setup();
    const { secret } = await invite(s);
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const wrong = await exchange(flipped);
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json().error.code).toBe('link_invalid');
    expect((await exchange('not a secret')).statusCode).toBe(400);
    expect(await h.admin`select 1 from guest_invitations where appointment_id = ${s.appointmentId} and used_at is not null`).toHaveLength(0);

    const cookie = guestCookieOf(await exchange(secret));
    const token = cookie.slice(-43);
    const forged = cookie.replace(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    expect((await h.request('GET', '/api/guest', { cookie: forged })).statusCode).toBe(401);
    expect((await h.request('GET', '/api/guest', { cookie })).statusCode).toBe(200);
  });

  it('the citizen withdraws it: the guest in the call is taken out and cannot come back', async () => {
    const { h } = fixture;
    const s = await setup();
    const { invitationId, secret } = await invite(s);
    const cookie = guestCookieOf(await exchange(secret));
    const callId = await startSession(s);
    const guest = await openSignal(h.baseUrl, (await h.request('POST', '/api/guest/token', { cookie })).json().token, sockets);
    expect(await send(guest, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'waiting' } });
    const gone = new Promise<void>((resolve) => guest.once('disconnect', () => resolve()));
    expect((await h.request('POST', `/api/my/guest-invitations/${invitationId}/revoke`, { cookie: s.citizen })).statusCode).toBe(204);
    await gone;
    expect((await h.request('POST', '/api/guest/token', { cookie })).statusCode).toBe(401);
    expect(callId).toBeTruthy();
  });

  it('when the session ends the guest’s name goes with it', async () => {
    const { h } = fixture;
    const s = await setup();
    const { secret } = await invite(s, 'Morfar Jensen');
    const cookie = guestCookieOf(await exchange(secret));
    const callId = await startSession(s);
    expect((await h.request('POST', '/api/guest/token', { cookie })).statusCode).toBe(200);
    expect((await h.request('POST', `/api/calls/${callId}/end`, { cookie: s.worker })).statusCode).toBe(204);
    const [guest] = await h.admin`select u.display_name, u.active from guest_invitations g join users u on u.id = g.guest_user_id where g.appointment_id = ${s.appointmentId}`;
    expect(guest).toEqual({ display_name: 'Gæst', active: false });
    expect(JSON.stringify(await h.admin`select * from guest_invitations where appointment_id = ${s.appointmentId}`)).not.toContain('Morfar');
    expect((await h.request('GET', '/api/guest', { cookie })).statusCode).toBe(401);
  });

  it('staff never see guests among people or colleagues', async () => {
    const { h } = fixture;
    const s = await setup();
    const { secret } = await invite(s, 'Gæsten Gurli');
    await exchange(secret);
    const coordinator = await h.login(s.org.coordinatorEmail);
    const users = await h.request('GET', '/api/users?includeInactive=true', { cookie: coordinator });
    expect(users.statusCode).toBe(200);
    expect(users.body).not.toContain('Gurli');
    const colleagues = await h.request('GET', '/api/colleagues', { cookie: s.worker });
    expect(colleagues.body).not.toContain('Gurli');
  });
});

describe('a session a volunteer hosts', () => {
  it('the volunteer lets in their matched citizen, never a guest', async () => {
    const { h } = fixture;
    const s = await setup();
    const { org } = s;
    await h.admin`insert into volunteer_profiles (organisation_id, volunteer_id, kind, chosen_name) values (${org.id}, ${org.volunteerId}, 'it_helper', 'Frida')`;
    await h.admin`insert into volunteer_matches (organisation_id, volunteer_id, citizen_id, status, decided_at) values (${org.id}, ${org.volunteerId}, ${org.citizenId}, 'active', now())`;
    const start = new Date(Date.UTC(nextYear, 5, day++, 9));
    const [appointment] = await h.admin<{ id: string }[]>`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by)
      values (${org.id}, ${org.volunteerId}, ${org.citizenId}, ${start}, ${new Date(start.getTime() + 1800_000)}, 'video', ${org.citizenId}) returning id`;
    const volunteer = await h.login(org.volunteerEmail);
    const opened = await h.request('POST', '/api/volunteer-calls', { cookie: volunteer, body: { appointmentId: appointment!.id } });
    expect(opened.statusCode).toBe(201);
    const callId = opened.json().id;
    const { secret } = await invite({ ...s, appointmentId: appointment!.id });
    const guestCookie = guestCookieOf(await exchange(secret));

    const host = await openSignal(h.baseUrl, await roomToken(h, volunteer, callId), sockets);
    expect(await send(host, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'in_call' } });
    const guest = await openSignal(h.baseUrl, (await h.request('POST', '/api/guest/token', { cookie: guestCookie })).json().token, sockets);
    const guestJoined = await send<{ peerId: string }>(guest, 'join', { audioOnly: false });
    const citizen = await openSignal(h.baseUrl, await roomToken(h, s.citizen, callId), sockets);
    const citizenJoined = await send<{ peerId: string }>(citizen, 'join', { audioOnly: false });
    if (!guestJoined.ok || !citizenJoined.ok) throw new Error('join failed');

    expect(await send(host, 'admit', { peerId: guestJoined.data.peerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const admitted = nextEvent(citizen, 'admitted');
    expect(await send(host, 'admit', { peerId: citizenJoined.data.peerId })).toEqual({ ok: true, data: {} });
    await admitted;
  });
});
