import { beforeAll, describe, expect, it } from 'vitest';
import {
  citizenCookie, disconnection, joinWithTransports, nextEvent, openSignal, roomToken, rtpParameters, send
} from './support/calls.js';
import { useSignallingHarness } from './support/signalling-fixture.js';
import { type Harness } from './support/harness.js';

/** Issue 7, item 13: one live connection per participant; an ended session keeps none; odd messages are refused. */

const fixture = useSignallingHarness();
const sockets = fixture.sockets;
let h: Harness;
beforeAll(() => {
  h = fixture.h;
});

const freshCall = () => fixture.freshCall();

const logLines = () => h.logs.map((line) => JSON.parse(line) as { level: number; msg: string; event?: string; err?: unknown });
const errorLines = () => logLines().filter((l) => l.level >= 50);

async function segments(callId: string) {
  return h.admin<{ role: string; leave_reason: string | null }[]>`
    select p.role, s.leave_reason from call_segments s join call_participants p on p.id = s.participant_id
    where p.session_id = ${callId} order by s.id`;
}

describe('one live connection per participant', () => {
  it('30 connections opened at once with one room token leave exactly one connected, with one open segment', async () => {
    const { workerCookie, callId } = await freshCall();
    const token = await roomToken(h, workerCookie, callId);
    const opened = await Promise.allSettled(Array.from({ length: 30 }, () => openSignal(h.baseUrl, token, sockets)));
    expect(opened.filter((o) => o.status === 'rejected')).toEqual([]);

    await expect.poll(() => sockets.filter((s) => s.connected).length, { timeout: 15_000 }).toBe(1);
    await expect.poll(async () => (await segments(callId)).filter((s) => s.leave_reason === null).length).toBe(1);
    const reasons = (await segments(callId)).map((s) => s.leave_reason);
    expect(reasons.filter((r) => r === 'replaced')).toHaveLength(reasons.length - 1);

    // The survivor is a working connection; the replaced ones are gone for good.
    const survivor = sockets.find((s) => s.connected)!;
    expect(await send(survivor, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'in_call' } });
  });

  it('after the worker ends the session, no connection of any of its participants is left and none can act', async () => {
    const { org, workerCookie, callId } = await freshCall();
    const worker = await openSignal(h.baseUrl, await roomToken(h, workerCookie, callId), sockets);
    expect(await send(worker, 'join', { audioOnly: false })).toMatchObject({ ok: true });
    // the citizen opens many connections at once (a retry loop gone wrong, several tabs)
    const citizenToken = await roomToken(h, await citizenCookie(h, org, workerCookie), callId);
    const citizens = await Promise.all(Array.from({ length: 30 }, () => openSignal(h.baseUrl, citizenToken, sockets)));
    await expect.poll(() => citizens.filter((s) => s.connected).length, { timeout: 15_000 }).toBe(1);

    // the worker gets the acknowledgement of 'end' before being disconnected
    const ack = await send(worker, 'end', {});
    expect(ack).toEqual({ ok: true, data: {} });
    await disconnection(worker);
    await expect.poll(() => sockets.filter((s) => s.connected).length).toBe(0);
    expect(await h.admin`select count(*)::int as n from call_segments s join call_participants p on p.id = s.participant_id
      where p.session_id = ${callId} and s.left_at is null`).toEqual([{ n: 0 }]);

    // a connection with a still-valid room token is refused at the handshake
    await expect(openSignal(h.baseUrl, citizenToken, sockets)).rejects.toMatchObject({ code: 'not_found' });
    expect((await h.request('POST', `/api/calls/${callId}/token`, { cookie: workerCookie })).json()).toMatchObject({ error: { code: 'session_ended' } });
  });

  it('a message that races the end is refused, never answered as if the session went on', async () => {
    const { org, workerCookie, callId } = await freshCall();
    const worker = await openSignal(h.baseUrl, await roomToken(h, workerCookie, callId), sockets);
    expect(await send(worker, 'join', { audioOnly: false })).toMatchObject({ ok: true });
    const citizen = await openSignal(h.baseUrl, await roomToken(h, await citizenCookie(h, org, workerCookie), callId), sockets);
    expect(await send(citizen, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'waiting' } });
    const ended = nextEvent<{ reason: string }>(citizen, 'sessionEnded');
    const gone = disconnection(citizen);
    // The end over HTTP, and the citizen's messages sent meanwhile: each is either refused or never answered.
    const racing = Array.from({ length: 20 }, () => send(citizen, 'join', { audioOnly: false }, 3000).catch(() => 'no answer' as const));
    expect((await h.request('POST', `/api/calls/${callId}/end`, { cookie: workerCookie })).statusCode).toBe(204);
    expect(await ended).toEqual({ reason: 'ended_by_staff' });
    await gone;
    for (const answer of await Promise.all(racing)) {
      if (answer !== 'no answer' && answer.ok) expect(answer.data).toMatchObject({ state: 'waiting', peerId: expect.any(String), session: { hostName: 'Bo Bostøtte', appointmentStartsAt: null, youHost: false } });
      else if (answer !== 'no answer') expect(answer.error.code).toBe('session_ended');
    }
    expect(await h.admin`select count(*)::int as n from call_segments s join call_participants p on p.id = s.participant_id
      where p.session_id = ${callId} and s.left_at is null`).toEqual([{ n: 0 }]);
  });

  it('a worker who hangs up with leave gets the acknowledgement, and the session ends for everyone', async () => {
    const { org, workerCookie, callId } = await freshCall();
    const worker = await openSignal(h.baseUrl, await roomToken(h, workerCookie, callId), sockets);
    expect(await send(worker, 'join', { audioOnly: false })).toMatchObject({ ok: true });
    const citizen = await openSignal(h.baseUrl, await roomToken(h, await citizenCookie(h, org, workerCookie), callId), sockets);
    const ended = nextEvent<{ reason: string }>(citizen, 'sessionEnded');
    expect(await send(worker, 'leave', {})).toEqual({ ok: true, data: {} });
    expect(await ended).toEqual({ reason: 'ended_by_staff' });
    await disconnection(worker);
    expect((await h.admin`select status from call_sessions where id = ${callId}`)[0]).toEqual({ status: 'ended' });
  });
});

describe('odd messages', () => {
  it('produce with a codec the router does not have answers bad_request and logs no error', async () => {
    const { workerCookie, callId } = await freshCall();
    const worker = await openSignal(h.baseUrl, await roomToken(h, workerCookie, callId), sockets);
    const { send: sendTransport } = await joinWithTransports(worker);
    const pcmu = { ...rtpParameters('audio', 1234), codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000, parameters: {}, rtcpFeedback: [] }] };
    const errorsBefore = errorLines().length;
    expect(await send(worker, 'produce', { transportId: sendTransport, kind: 'audio', rtpParameters: pcmu, source: 'microphone' }))
      .toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // mediasoup's own validation (TypeError) too
    expect(await send(worker, 'produce', { transportId: sendTransport, kind: 'audio', rtpParameters: { codecs: 'none' }, source: 'microphone' }))
      .toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(errorLines().slice(errorsBefore)).toEqual([]);
    // and a correct one still works
    expect(await send(worker, 'produce', { transportId: sendTransport, kind: 'audio', rtpParameters: rtpParameters('audio', 1234), source: 'microphone' }))
      .toMatchObject({ ok: true, data: { producerId: expect.any(String) } });
  });

  it('__proto__, constructor, toString and friends are answered as unknown messages', async () => {
    const { workerCookie, callId } = await freshCall();
    const worker = await openSignal(h.baseUrl, await roomToken(h, workerCookie, callId), sockets);
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'error', 'x'.repeat(5000)]) {
      expect(await send(worker, name, {}), name).toEqual({ ok: false, error: { code: 'unknown_message', message: 'Unknown message' } });
    }
    expect(worker.connected).toBe(true);
    expect(await send(worker, 'join', { audioOnly: false })).toMatchObject({ ok: true });
  });

  it('a flood of 1,000 unknown messages is rate limited and logged once, not answered and logged a thousand times', async () => {
    const { workerCookie, callId } = await freshCall();
    const worker = await openSignal(h.baseUrl, await roomToken(h, workerCookie, callId), sockets);
    const warningsBefore = logLines().filter((l) => l.msg === 'unknown signalling message').length;
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, i) => send(worker, `nonsense-${i}`, {}, 3000).then(() => 'answered', () => 'dropped')));
    const answered = answers.filter((a) => a === 'answered').length;
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(200);
    expect(logLines().filter((l) => l.msg === 'unknown signalling message').length - warningsBefore).toBe(1);
    // known messages draw from the same bucket: the flood costs this connection, but it recovers
    await expect.poll(async () => (await send(worker, 'join', { audioOnly: false })).ok, { timeout: 10_000, interval: 500 }).toBe(true);
  });
});
