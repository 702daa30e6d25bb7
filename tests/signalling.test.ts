import { SignJWT } from 'jose';
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { citizenCookie, disconnection, nextEvent, openSignal, roomToken, send, startCall } from './support/calls.js';
import { useSignallingHarness } from './support/signalling-fixture.js';
import { startHarness, type Harness } from './support/harness.js';

// Each test makes its own organisation, session and sockets, and closes its sockets after itself.
const fixture = useSignallingHarness();
const sockets = fixture.sockets;
let h: Harness;
beforeAll(() => {
  h = fixture.h;
});

const freshCall = () => fixture.freshCall();

const connect = (token: string, origin = h.baseUrl) => openSignal(h.baseUrl, token, sockets, origin);

describe('signalling handshake', () => {
  it('refuses a missing, forged, expired, wrong-audience or old-format token', async () => {
    const { org, workerCookie, callId } = await freshCall();
    await expect(connect('')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(connect('not.a.token')).rejects.toMatchObject({ code: 'unauthorized' });
    const key = (JSON.parse(fs.readFileSync(`${h.dataDir}/keys/signing-keys.json`, 'utf8')) as { keys: { kid: string; secret: string }[] }).keys[0]!;
    const sign = (claims: Record<string, unknown>, secret = Buffer.from(key.secret, 'base64url')) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(new Uint8Array(secret));
    const [signIn] = await h.admin<{ id: string }[]>`select id from auth_sessions where user_id = ${org.workerId}`;
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: org.workerId, org: org.id, role: 'worker', sid: signIn!.id, call: callId, iss: 'naervaer', aud: 'signal', iat: now };
    // the control: these claims, correctly signed, are let in
    expect((await connect(await sign({ ...claims, exp: now + 60 }))).connected).toBe(true);
    await expect(connect(await sign({ ...claims, iat: now - 600, exp: now - 300 }))).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(connect(await sign({ ...claims, aud: 'session', exp: now + 60 }))).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(connect(await sign({ ...claims, exp: now + 60 }, Buffer.alloc(32, 7)))).rejects.toMatchObject({ code: 'unauthorized' });
    // the old format (sid = the call, no call claim) is not a room token any more
    await expect(connect(await sign({ ...claims, sid: callId, call: undefined, exp: now + 60 }))).rejects.toMatchObject({ code: 'unauthorized' });
    // a sign-in session that is not this user's does not count
    const citizenSignIn = await citizenCookie(h, org, workerCookie);
    expect(citizenSignIn).toBeTruthy();
    const [other] = await h.admin<{ id: string }[]>`select id from auth_sessions where user_id = ${org.citizenId}`;
    await expect(connect(await sign({ ...claims, sid: other!.id, exp: now + 60 }))).rejects.toMatchObject({ code: 'not_found' });
    // a session cookie's token is not a room token
    await expect(connect(workerCookie.split('=')[1]!)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses a valid token from a foreign origin before the handshake', async () => {
    const { workerCookie, callId } = await freshCall();
    const token = await roomToken(h, workerCookie, callId);
    // socket.io reports the refused upgrade as a transport error: no handshake happened at all
    await expect(connect(token, 'https://evil.example')).rejects.toMatchObject({ type: 'TransportError' });
    const polling = await fetch(`${h.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example' } });
    expect(polling.status).toBe(403);
    expect(await polling.json()).toEqual({ code: 4, message: 'Forbidden' });
    expect((await connect(token)).connected).toBe(true);
  });

  it('a room token is bound to its session: a citizen cannot get one for someone else’s session', async () => {
    const { org, workerCookie } = await freshCall();
    const otherCall = await startCall(h, org, await h.login(org.coordinatorEmail), org.otherCitizenId);
    const citizen = await citizenCookie(h, org, workerCookie);
    const response = await h.request('POST', `/api/calls/${otherCall}/token`, { cookie: citizen });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: 'No such session' } });
  });
});

describe('signalling messages', () => {
  it('refuses unknown messages, wrong shapes, foreign ids, oversize payloads and floods — and keeps working', async () => {
    const { org, workerCookie, callId } = await freshCall();
    const worker = await connect(await roomToken(h, workerCookie, callId));
    expect(await send(worker, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'in_call' } });
    const transport = await send<{ id: string }>(worker, 'createTransport', { direction: 'send' });
    expect(transport).toMatchObject({ ok: true, data: { id: expect.any(String) } });
    const transportId = transport.ok ? transport.data.id : '';

    // the citizen is waiting; it may not act on anything
    const citizen = await connect(await roomToken(h, await citizenCookie(h, org, workerCookie), callId));
    expect(await send(citizen, 'join', { audioOnly: true })).toMatchObject({ ok: true, data: { state: 'waiting' } });
    expect(await send(citizen, 'createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'bad_state' } });
    expect(await send(citizen, 'admit', { peerId: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    expect(await send(worker, 'fly', {})).toEqual({ ok: false, error: { code: 'unknown_message', message: 'Unknown message' } });
    expect(await send(worker, 'createTransport', { direction: 'sideways' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await send(worker, 'chat', { text: 'hi', extra: true })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await send(worker, 'connectTransport', { transportId, dtlsParameters: { bogus: 1 } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    // a second staff member in the call cannot touch the worker's transport
    await h.request('POST', `/api/calls/${callId}/participants`, { cookie: workerCookie, body: { userId: org.coordinatorId } });
    const colleague = await connect(await roomToken(h, await h.login(org.coordinatorEmail), callId));
    expect(await send(colleague, 'join', { audioOnly: false })).toMatchObject({ ok: true });
    expect(await send(colleague, 'restartIce', { transportId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await send(colleague, 'connectTransport', { transportId, dtlsParameters: { role: 'client', fingerprints: [] } })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    expect(await send(worker, 'chat', { text: 'x'.repeat(20_000) })).toMatchObject({ ok: false, error: { code: 'too_large' } });

    // flood: a burst far past the bucket gets refused, nothing else breaks
    const burst = await Promise.all(Array.from({ length: 150 }, () => send(colleague, 'quality', { rttMs: 20 })));
    const refused = burst.filter((a) => !a.ok && a.error.code === 'rate_limited').length;
    expect(refused).toBeGreaterThan(50);
    expect(burst.filter((a) => a.ok).length).toBeGreaterThan(10);

    // the worker's connection is unaffected by all of the above
    expect(await send(worker, 'restartIce', { transportId })).toMatchObject({ ok: true, data: { iceParameters: expect.any(Object) } });
    expect(h.logs.join('')).toContain('signalling message refused');
    expect(h.logs.join('')).not.toContain('x'.repeat(100));
  });

  it('leaves no transports behind when peers go', async () => {
    const { workerCookie, callId } = await freshCall();
    const worker = await connect(await roomToken(h, workerCookie, callId));
    expect(await send(worker, 'join', { audioOnly: false })).toMatchObject({ ok: true });
    expect(await send(worker, 'createTransport', { direction: 'send' })).toMatchObject({ ok: true });
    expect(await send(worker, 'createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect((await h.media.room(callId)!.router.dump()).transportIds).toHaveLength(2);
    worker.close();
    await expect.poll(async () => (await h.media.room(callId)?.router.dump())?.transportIds.length ?? 0).toBe(0);
  });

  it('makes both transports with the room state when the join asks, for the worker at once and for a citizen when let in', async () => {
    const { org, workerCookie, callId } = await freshCall();
    const worker = await connect(await roomToken(h, workerCookie, callId));
    type WithTransports = { state: string; peerId: string; transports?: { send: { id: string; iceParameters: unknown; dtlsParameters: unknown; iceServers: unknown[] }; recv: { id: string } } };
    const joined = await send<WithTransports>(worker, 'join', { audioOnly: false, transports: true });
    expect(joined).toMatchObject({ ok: true, data: { state: 'in_call', transports: { send: { id: expect.any(String), iceParameters: expect.any(Object), dtlsParameters: expect.any(Object), iceServers: [] }, recv: { id: expect.any(String) } } } });
    const mine = joined.ok ? joined.data.transports! : undefined;
    expect((await h.media.room(callId)!.router.dump()).transportIds.sort()).toEqual([mine!.send.id, mine!.recv.id].sort());
    // They are the participant's two: a third is refused, and the given ones work.
    expect(await send(worker, 'createTransport', { direction: 'send' })).toMatchObject({ ok: false });
    expect(await send(worker, 'restartIce', { transportId: mine!.send.id })).toMatchObject({ ok: true });

    const citizen = await connect(await roomToken(h, await citizenCookie(h, org, workerCookie), callId));
    const waiting = await send<{ state: string; peerId: string; routerRtpCapabilities?: unknown }>(citizen, 'join', { audioOnly: false, transports: true });
    expect(waiting).toMatchObject({ ok: true, data: { state: 'waiting' } });
    // The room is open (the worker is in it): its capabilities come along, for the phone to load its device while it waits.
    expect(waiting.ok && waiting.data.routerRtpCapabilities).toEqual(h.media.room(callId)!.rtpCapabilities);
    // Nothing is made for someone still waiting.
    expect((await h.media.room(callId)!.router.dump()).transportIds).toHaveLength(2);
    const admitted = nextEvent<WithTransports>(citizen, 'admitted');
    expect(await send(worker, 'admit', { peerId: waiting.ok ? waiting.data.peerId : '' })).toEqual({ ok: true, data: {} });
    expect(await admitted).toMatchObject({ transports: { send: { id: expect.any(String) }, recv: { id: expect.any(String) } } });
    expect((await h.media.room(callId)!.router.dump()).transportIds).toHaveLength(4);
    // Without the flag, as before: no transports until asked for.
    const plain = await send<WithTransports>(worker, 'join', { audioOnly: false });
    expect(plain).toMatchObject({ ok: true, data: { state: 'in_call' } });
    expect(plain.ok && 'transports' in plain.data).toBe(false);
  });

  it('records that the citizen’s browser saw no media (the first report counts)', async () => {
    const { org, workerCookie, callId } = await freshCall();
    const citizen = await connect(await roomToken(h, await citizenCookie(h, org, workerCookie), callId));
    expect(await send(citizen, 'noMedia', {})).toEqual({ ok: true, data: {} });
    const [first] = await h.admin<{ no_media_reported_at: Date }[]>`select no_media_reported_at from call_participants where session_id = ${callId} and user_id = ${org.citizenId}`;
    expect(first!.no_media_reported_at).toBeInstanceOf(Date);
    expect(await send(citizen, 'noMedia', {})).toEqual({ ok: true, data: {} });
    const [again] = await h.admin<{ no_media_reported_at: Date }[]>`select no_media_reported_at from call_participants where session_id = ${callId} and user_id = ${org.citizenId}`;
    expect(again!.no_media_reported_at).toEqual(first!.no_media_reported_at);
    expect(await send(citizen, 'noMedia', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('when the worker drops', () => {
  it('a citizen waiting for a worker who never connected is told the session ended after the grace period', async () => {
    const g = await startHarness({ CALL_RECONNECT_GRACE_SECONDS: '2' }, { serve: true });
    try {
      const o = await g.seedOrganisation();
      const cookie = await g.login(o.workerEmail);
      // The worker starts the session and closes the tab before their call screen connects.
      const id = await startCall(g, o, cookie);
      const citizen = await openSignal(g.baseUrl, await roomToken(g, await citizenCookie(g, o, cookie), id), sockets);
      const ended = nextEvent<{ reason: string }>(citizen, 'sessionEnded', 20_000);
      expect(await send(citizen, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'waiting' } });
      expect(await ended).toEqual({ reason: 'staff_left' });
      await disconnection(citizen);
      expect((await g.admin`select status, end_reason from call_sessions where id = ${id}`)[0]).toEqual({ status: 'ended', end_reason: 'staff_left' });
    } finally {
      await g.close();
    }
  });

  it('a worker who comes back within the grace period keeps the session; one who does not, ends it for everyone', async () => {
    const g = await startHarness({ CALL_RECONNECT_GRACE_SECONDS: '3' }, { serve: true });
    try {
      const open = (token: string) => openSignal(g.baseUrl, token, sockets);
      const o = await g.seedOrganisation();
      const cookie = await g.login(o.workerEmail);
      const id = await startCall(g, o, cookie);
      // A second session whose worker will drop after this one's did and never come back: a clock for the grace period
      const c = await g.seedOrganisation('Urkommune');
      const clockCookie = await g.login(c.workerEmail);
      const clockId = await startCall(g, c, clockCookie);
      // every token fetched up front, so that nothing slow happens inside the grace period
      const [citizenToken, firstToken, backToken, clockCitizenToken, clockWorkerToken] = await Promise.all([
        roomToken(g, await citizenCookie(g, o, cookie), id), roomToken(g, cookie, id), roomToken(g, cookie, id),
        roomToken(g, await citizenCookie(g, c, clockCookie), clockId), roomToken(g, clockCookie, clockId),
      ]);
      const citizen = await open(citizenToken);
      const ended = nextEvent<{ reason: string }>(citizen, 'sessionEnded', 20_000);
      const clockCitizen = await open(clockCitizenToken);
      const clockEnded = nextEvent<{ reason: string }>(clockCitizen, 'sessionEnded', 20_000);

      const first = await open(firstToken);
      expect(await send(first, 'join', { audioOnly: false })).toMatchObject({ ok: true });
      first.close();
      // the server has seen the drop (its segment is closed): the grace period runs from here
      await expect.poll(async () => (await g.admin`select count(*)::int as n from call_segments where leave_reason = 'disconnected'`)[0]!.n, { interval: 20 }).toBe(1);
      const back = await open(backToken);
      expect(await send(back, 'join', { audioOnly: false })).toMatchObject({ ok: true });
      const clockWorker = await open(clockWorkerToken);
      expect(await send(clockWorker, 'join', { audioOnly: false })).toMatchObject({ ok: true });
      clockWorker.close();

      // When the later grace period is over, the earlier one would have been too: the session that got its worker back is open.
      expect(await clockEnded).toEqual({ reason: 'staff_left' });
      expect((await g.admin`select status from call_sessions where id = ${id}`)[0]).toEqual({ status: 'open' });

      back.close();
      expect(await ended).toEqual({ reason: 'staff_left' });
      await disconnection(citizen);
      const [row] = await g.admin`select status, end_reason, ended_by from call_sessions where id = ${id}`;
      expect(row).toEqual({ status: 'ended', end_reason: 'staff_left', ended_by: null });
      const segments = await g.admin`
        select s.leave_reason from call_segments s join call_participants p on p.id = s.participant_id where p.session_id = ${id} order by s.id`;
      expect(segments.map((s) => s.leave_reason)).toEqual(['session_ended', 'disconnected', 'disconnected']);
    } finally {
      await g.close();
    }
  });
});
