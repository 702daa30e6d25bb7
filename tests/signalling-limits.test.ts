import { beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIONS_PER_MINUTE, ROOM_TOKENS_PER_MINUTE } from '../server/calls/limits.js';
import { PEER_LIMITS } from '../sfu/index.js';
import { joinWithTransports, openSignal, roomToken, rtpParameters, send, startCall } from './support/calls.js';
import { useSignallingHarness } from './support/signalling-fixture.js';
import { type Harness } from './support/harness.js';

/** Issue 7, item 12: limits per participant in the SFU and on getting into calls; a flood stays in its own room. */

// One media worker (the harness default): the flooded room and the quiet one share it, the hard case.
const fixture = useSignallingHarness();
const sockets = fixture.sockets;
let h: Harness;
beforeAll(() => {
  h = fixture.h;
});

async function workerInCall() {
  const org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const callId = await startCall(h, org, workerCookie);
  const worker = await openSignal(h.baseUrl, await roomToken(h, workerCookie, callId), sockets);
  return { org, workerCookie, callId, worker };
}

const codes = (answers: { ok: boolean; error?: { code: string } }[]) => {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = a.ok ? 'ok' : a.error!.code;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

describe('limits per participant', () => {
  it('a flood of createTransport, produce and consume from one participant is refused with limit codes; another room carries on', async () => {
    const flooded = await workerInCall();
    expect(await send(flooded.worker, 'join', { audioOnly: false })).toMatchObject({ ok: true });
    // a colleague in the flooded room, sending audio and video
    await h.request('POST', `/api/calls/${flooded.callId}/participants`, { cookie: flooded.workerCookie, body: { userId: flooded.org.coordinatorId } });
    const colleague = await openSignal(h.baseUrl, await roomToken(h, await h.login(flooded.org.coordinatorEmail), flooded.callId), sockets);
    const colleagueTransports = await joinWithTransports(colleague);
    const producers: string[] = [];
    for (const [kind, ssrc] of [['audio', 111], ['video', 222]] as const) {
      const produced = await send<{ producerId: string }>(colleague, 'produce', { transportId: colleagueTransports.send, kind, rtpParameters: rtpParameters(kind, ssrc), source: kind === 'audio' ? 'microphone' : 'camera' });
      if (!produced.ok) throw new Error(JSON.stringify(produced));
      producers.push(produced.data.producerId);
    }

    // the quiet room: another organisation's call on the same media worker
    const quiet = await workerInCall();
    const quietTransports = await joinWithTransports(quiet.worker);

    // The flood, all at once (under the per-connection message budget, so the limits themselves answer)
    const directions = Array.from({ length: 10 }, (_, i) => (i % 2 ? 'send' : 'recv'));
    const transports = await Promise.all(directions.map((direction) => send<{ id: string }>(flooded.worker, 'createTransport', { direction })));
    expect(codes(transports)).toEqual({ ok: 2, limit_reached: 8 });
    const sendIndex = transports.findIndex((t, i) => t.ok && directions[i] === 'send');
    const mySend = (transports[sendIndex] as { data: { id: string } }).data.id;

    const produceFlood = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      send(flooded.worker, 'produce', { transportId: mySend, kind: 'audio', rtpParameters: rtpParameters('audio', 1000 + i), source: 'microphone' })));
    expect(codes(produceFlood)).toEqual({ ok: PEER_LIMITS.producers, limit_reached: 12 - PEER_LIMITS.producers });

    const capabilities = colleagueTransports.routerRtpCapabilities;
    const consumeFlood = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      send(flooded.worker, 'consume', { producerId: producers[i % 2], rtpCapabilities: capabilities })));
    // one consumer per producer: the repeats are refused
    expect(codes(consumeFlood)).toEqual({ ok: 2, bad_state: 10 });

    // the SFU holds what the limits allow, no more
    const room = h.media.room(flooded.callId)!;
    expect((await room.router.dump()).transportIds).toHaveLength(4);

    // and the quiet room was not disturbed: it produces, and its messages are answered
    const quietProduce = await send<{ producerId: string }>(quiet.worker, 'produce', { transportId: quietTransports.send, kind: 'video', rtpParameters: rtpParameters('video', 999), source: 'camera' });
    expect(quietProduce).toMatchObject({ ok: true, data: { producerId: expect.any(String) } });
    expect(await send(quiet.worker, 'restartIce', { transportId: quietTransports.recv })).toMatchObject({ ok: true });
    expect(await send(quiet.worker, 'chat', { text: 'alt vel' })).toEqual({ ok: true, data: {} });
  });

  it('room tokens are limited per user per minute: 429 in the error shape, with retry-after', async () => {
    const { workerCookie, callId } = await workerInCall();
    const answers = [];
    for (let i = 0; i < ROOM_TOKENS_PER_MINUTE + 2; i++) answers.push(await h.request('POST', `/api/calls/${callId}/token`, { cookie: workerCookie }));
    expect(answers.slice(0, ROOM_TOKENS_PER_MINUTE - 1).every((a) => a.statusCode === 200)).toBe(true);
    const refused = answers.at(-1)!;
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // another user is not affected
    const other = await workerInCall();
    expect(other.worker.connected).toBe(true);
  });

  it('connections (reconnects with a held token) are limited per user per minute', async () => {
    const { workerCookie, callId } = await workerInCall();
    const token = await roomToken(h, workerCookie, callId);
    const results: string[] = [];
    for (let i = 0; i < CONNECTIONS_PER_MINUTE + 2; i++) {
      results.push(await openSignal(h.baseUrl, token, sockets).then((s) => {
        s.close();
        return 'connected';
      }, (error: { code?: string }) => error.code ?? 'error'));
    }
    // the worker's first connection above counted too
    expect(results.filter((r) => r === 'connected').length).toBe(CONNECTIONS_PER_MINUTE - 1);
    expect(results.slice(CONNECTIONS_PER_MINUTE - 1)).toEqual(['rate_limited', 'rate_limited', 'rate_limited']);
  });
});

