import { SignJWT } from 'jose';
import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../protocol/signalling.js';
import { citizenCookie } from './support/calls.js';
import { startHarness, type Harness, type Org } from './support/harness.js';

let h: Harness;
let org: Org;
let base: string;
let workerCookie: string;
let callId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  h = await startHarness({}, { serve: true });
  base = h.baseUrl;
  org = await h.seedOrganisation();
  workerCookie = await h.login(org.workerEmail);
  callId = (await h.request('POST', '/api/calls', { cookie: workerCookie, body: { citizenId: org.citizenId } })).json().id;
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await h.close();
});

async function roomToken(cookie: string, id = callId): Promise<string> {
  const response = await h.request('POST', `/api/calls/${id}/token`, { cookie });
  expect(response.statusCode).toBe(200);
  return response.json().token;
}

/** Connects; resolves with the socket once connected, or rejects with the server's refusal. */
function connect(token: string, origin = base): Promise<Socket> {
  const socket = io(base, { path: '/socket.io/', transports: ['websocket'], auth: { token }, extraHeaders: { origin }, reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: { code: string } }) => reject(Object.assign(error, { code: error.data?.code })));
  });
}

const send = <T = unknown>(socket: Socket, event: string, payload: unknown): Promise<Ack<T>> => socket.timeout(5000).emitWithAck(event, payload);

describe('signalling handshake', () => {
  it('refuses a missing, forged, expired or wrong-audience token, and a foreign origin', async () => {
    await expect(connect('')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(connect('not.a.token')).rejects.toMatchObject({ code: 'unauthorized' });
    const key = (JSON.parse(fs.readFileSync(`${h.dataDir}/keys/signing-keys.json`, 'utf8')) as { keys: { kid: string; secret: string }[] }).keys[0]!;
    const sign = (claims: Record<string, unknown>, secret = Buffer.from(key.secret, 'base64url')) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(new Uint8Array(secret));
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: org.workerId, org: org.id, role: 'worker', sid: callId, iss: 'naervaer', aud: 'signal', iat: now };
    await expect(connect(await sign({ ...claims, iat: now - 600, exp: now - 300 }))).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(connect(await sign({ ...claims, aud: 'session', exp: now + 60 }))).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(connect(await sign({ ...claims, exp: now + 60 }, Buffer.alloc(32, 7)))).rejects.toMatchObject({ code: 'unauthorized' });
    // a session cookie's token is not a room token
    await expect(connect(workerCookie.split('=')[1]!)).rejects.toMatchObject({ code: 'unauthorized' });
    // a valid token from another origin: the handshake itself is refused
    await expect(connect(await roomToken(workerCookie), 'https://evil.example')).rejects.toThrow();
    // and the control: a real token works
    const ok = await connect(await roomToken(workerCookie));
    expect(ok.connected).toBe(true);
    ok.close();
  });

  it('a room token is bound to its session: a citizen cannot use it for someone else’s session', async () => {
    const otherCall = (await h.request('POST', '/api/calls', { cookie: await h.login(org.coordinatorEmail), body: { citizenId: org.otherCitizenId } })).json().id as string;
    const citizen = await citizenCookie(h, org, workerCookie);
    const response = await h.request('POST', `/api/calls/${otherCall}/token`, { cookie: citizen });
    expect(response.statusCode).toBe(404);
  });
});

describe('signalling messages', () => {
  it('refuses unknown messages, wrong shapes, foreign ids, oversize payloads and floods — and keeps working', async () => {
    const worker = await connect(await roomToken(workerCookie));
    const joined = await send<{ state: string }>(worker, 'join', { audioOnly: false });
    expect(joined).toMatchObject({ ok: true, data: { state: 'in_call' } });
    const transport = await send<{ id: string }>(worker, 'createTransport', { direction: 'send' });
    expect(transport.ok).toBe(true);

    // the citizen is waiting; it may not act on anything
    const citizen = await connect(await roomToken(await citizenCookie(h, org, workerCookie)));
    expect(await send(citizen, 'join', { audioOnly: true })).toMatchObject({ ok: true, data: { state: 'waiting' } });
    expect(await send(citizen, 'createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'bad_state' } });
    expect(await send(citizen, 'admit', { peerId: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    expect(await send(worker, 'fly', {})).toMatchObject({ ok: false, error: { code: 'unknown_message' } });
    expect(await send(worker, 'createTransport', { direction: 'sideways' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await send(worker, 'chat', { text: 'hi', extra: true })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await send(worker, 'connectTransport', { transportId: transport.ok ? transport.data.id : '', dtlsParameters: { bogus: 1 } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    // a second staff member in the call cannot touch the worker's transport
    const coordinatorCookie = await h.login(org.coordinatorEmail);
    await h.request('POST', `/api/calls/${callId}/participants`, { cookie: workerCookie, body: { userId: org.coordinatorId } });
    const colleague = await connect(await roomToken(coordinatorCookie));
    expect(await send(colleague, 'join', { audioOnly: false })).toMatchObject({ ok: true });
    const foreignId = transport.ok ? transport.data.id : '';
    expect(await send(colleague, 'restartIce', { transportId: foreignId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await send(colleague, 'connectTransport', { transportId: foreignId, dtlsParameters: { role: 'client', fingerprints: [] } })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    expect(await send(worker, 'chat', { text: 'x'.repeat(20_000) })).toMatchObject({ ok: false, error: { code: 'too_large' } });

    // flood: a burst far past the bucket gets refused, nothing else breaks
    const burst = await Promise.all(Array.from({ length: 150 }, () => send(colleague, 'quality', { rttMs: 20 })));
    const refused = burst.filter((a) => !a.ok && a.error.code === 'rate_limited').length;
    expect(refused).toBeGreaterThan(50);
    expect(burst.filter((a) => a.ok).length).toBeGreaterThan(10);

    // the worker's connection is unaffected by all of the above
    expect(await send(worker, 'restartIce', { transportId: foreignId })).toMatchObject({ ok: true });
    expect(h.logs.join('')).toContain('signalling message refused');
    expect(h.logs.join('')).not.toContain('x'.repeat(100));
  });

  it('leaves no transports behind when peers go', async () => {
    for (const s of sockets) s.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.media.counts()).transports).toBe(0);
  });
});

describe('when the worker drops', () => {
  it('a worker who comes back within the grace period keeps the session; one who does not, ends it for everyone', async () => {
    const g = await startHarness({ CALL_RECONNECT_GRACE_SECONDS: '1' }, { serve: true });
    const url = g.baseUrl;
    try {
      const o = await g.seedOrganisation();
      const cookie = await g.login(o.workerEmail);
      const id = (await g.request('POST', '/api/calls', { cookie, body: { citizenId: o.citizenId } })).json().id as string;
      const token = async (c: string) => (await g.request('POST', `/api/calls/${id}/token`, { cookie: c })).json().token as string;
      const open = (t: string) => {
        const s = io(url, { path: '/socket.io/', transports: ['websocket'], auth: { token: t }, extraHeaders: { origin: url }, reconnection: false });
        sockets.push(s);
        return new Promise<Socket>((resolve) => s.once('connect', () => resolve(s)));
      };
      const citizen = await open(await token(await citizenCookie(g, o, cookie)));
      const ended = new Promise<{ reason: string }>((resolve) => citizen.once('sessionEnded', resolve));

      const first = await open(await token(cookie));
      await send(first, 'join', { audioOnly: false });
      first.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const back = await open(await token(cookie));
      await send(back, 'join', { audioOnly: false });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await g.admin`select status from call_sessions where id = ${id}`)[0]!.status).toBe('open');

      back.close();
      expect(await ended).toEqual({ reason: 'staff_left' });
      const [row] = await g.admin`select status, end_reason, ended_by from call_sessions where id = ${id}`;
      expect(row).toEqual({ status: 'ended', end_reason: 'staff_left', ended_by: null });
      const segments = await g.admin`select leave_reason from call_segments order by id`;
      expect(segments.map((s) => s.leave_reason)).toEqual(['session_ended', 'disconnected', 'disconnected']);
    } finally {
      await g.close();
    }
  });
});
