import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { startMediaServer } from '../server/media.js';
import { PEER_LIMITS, type MediaServer } from '../sfu/index.js';
import { MAX_INCOMING_BITRATE, MIN_OUTGOING_BITRATE } from '../sfu/room.js';
import { rtpParameters } from './support/calls.js';

let media: MediaServer;
beforeAll(async () => {
  media = await startMediaServer(parseConfig({ MEDIA_WORKERS: '2', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1' }), createLogger({ level: 'silent' }));
});
afterAll(() => media.close());

async function routerTransports(roomId: string): Promise<number> {
  const room = media.room(roomId)!;
  return (await room.router.dump()).transportIds.length;
}

describe('sfu/', () => {
  it('imports nothing from the server and knows nothing of HTTP, users or the database', () => {
    const imports = execFileSync('grep', ['-rhoE', "from '[^']+'", 'sfu/'], { encoding: 'utf8' });
    expect(imports).not.toMatch(/server\/|fastify|postgres|socket\.io|jose/);
  });

  it('runs one worker per configured core, each with a WebRtcServer on one UDP and one TCP port', async () => {
    expect(media.pool.list()).toHaveLength(2);
    for (const w of media.pool.list()) {
      const dump = await w.webRtcServer.dump();
      expect(dump.udpSockets).toHaveLength(1);
      expect(dump.tcpServers).toHaveLength(1);
    }
  });

  it('places rooms on the least-loaded worker, one router per session', async () => {
    const a = await media.openRoom('room-a');
    const b = await media.openRoom('room-b');
    expect(a.host).not.toBe(b.host);
    expect(await media.openRoom('room-a')).toBe(a);
    media.closeRoom('room-a');
    media.closeRoom('room-b');
    expect(await media.counts()).toMatchObject({ routers: 0, rooms: 0 });
  });

  it('frees transports when a peer leaves and everything when the room ends', async () => {
    const room = await media.openRoom('room-c');
    const alice = room.join('alice');
    const bob = room.join('bob');
    const aliceSend = await alice.createTransport('send');
    const aliceRecv = await alice.createTransport('recv');
    const bobSend = await bob.createTransport('send');
    expect(await routerTransports('room-c')).toBe(3);
    // What a receiver is sent never sinks below the floor (a camera's lowest layer and the sound); what a sender may
    // send is capped.
    const [recvStats] = await alice.transports.get(aliceRecv.id)!.getStats();
    expect(recvStats!.minOutgoingBitrate).toBe(MIN_OUTGOING_BITRATE);
    const [sendStats] = await alice.transports.get(aliceSend.id)!.getStats();
    expect(sendStats!.maxIncomingBitrate).toBe(MAX_INCOMING_BITRATE);
    room.leave('alice');
    expect(await routerTransports('room-c')).toBe(1);
    // a peer acts only on its own objects
    await expect(alice.restartIce(bobSend.id)).rejects.toMatchObject({ code: 'bad_state' });
    const carol = room.join('carol');
    await expect(carol.restartIce(bobSend.id)).rejects.toMatchObject({ code: 'not_found' });
    // joining again with the same id replaces the old peer (a reconnect) and frees its transports
    room.join('bob');
    expect(await routerTransports('room-c')).toBe(0);
    media.closeRoom('room-c');
    expect(await media.counts()).toMatchObject({ routers: 0, transports: 0, rooms: 0 });
  });

  it('caps what one peer can hold: one transport per direction, PEER_LIMITS producers and consumers, one consumer per producer', async () => {
    const room = await media.openRoom('room-limits');
    const senders = Array.from({ length: 11 }, (_, i) => room.join(`sender-${i}`));
    const producerIds: string[] = [];
    for (const [i, sender] of senders.entries()) {
      const transport = await sender.createTransport('send');
      for (const kind of ['audio', 'video'] as const) {
        producerIds.push(await sender.produce(transport.id, kind, rtpParameters(kind, 1000 + i * 2 + (kind === 'video' ? 1 : 0)) as never, kind === 'audio' ? 'microphone' : 'camera'));
      }
      // a third stream is one too many, whatever its kind
      await expect(sender.produce(transport.id, 'video', rtpParameters('video', 5000 + i) as never, 'camera')).rejects.toMatchObject({ code: 'limit_reached' });
    }
    const receiver = room.join('receiver');
    const [recv, again] = await Promise.allSettled([receiver.createTransport('recv'), receiver.createTransport('recv')]);
    expect(recv.status).toBe('fulfilled');
    expect(again).toMatchObject({ status: 'rejected', reason: { code: 'limit_reached' } });
    await receiver.createTransport('send');
    await expect(receiver.createTransport('send')).rejects.toMatchObject({ code: 'limit_reached' });
    expect(receiver.transports.size).toBe(PEER_LIMITS.transports);

    const capabilities = room.rtpCapabilities;
    const results = await Promise.allSettled(producerIds.map((id) => receiver.consume(id, capabilities)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(PEER_LIMITS.consumers);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      Array(producerIds.length - PEER_LIMITS.consumers).fill('limit_reached'),
    );
    await expect(receiver.consume(producerIds[0]!, capabilities)).rejects.toMatchObject({ code: 'bad_state' });
    // closing a producer frees its consumer's place
    senders[0]!.closeProducer(producerIds[0]!);
    await expect.poll(() => receiver.consumers.size).toBe(PEER_LIMITS.consumers - 1);
    await expect(receiver.consume(producerIds.at(-1)!, capabilities)).resolves.toMatchObject({ producerId: producerIds.at(-1) });
    media.closeRoom('room-limits');
  });

  it('mediasoup refusing what a client sent is the client’s error, not ours', async () => {
    const room = await media.openRoom('room-params');
    const peer = room.join('peer');
    const transport = await peer.createTransport('send');
    const pcmu = { ...rtpParameters('audio', 1), codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000 }] };
    await expect(peer.produce(transport.id, 'audio', pcmu as never, 'microphone')).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('unsupported codec') });
    await expect(peer.produce(transport.id, 'audio', { codecs: 7 } as never, 'microphone')).rejects.toMatchObject({ code: 'bad_request' });
    await peer.produce(transport.id, 'audio', rtpParameters('audio', 2) as never, 'microphone');
    // the same MID twice is refused by the worker itself
    await expect(peer.produce(transport.id, 'video', { ...rtpParameters('video', 3), mid: '2' } as never, 'camera')).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('MID') });
    await expect(peer.connectTransport(transport.id, { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] })).resolves.toBeUndefined();
    await expect(peer.connectTransport(transport.id, { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] })).rejects.toMatchObject({ code: 'bad_state' });
    media.closeRoom('room-params');
  });

  it('replaces a killed worker; its rooms are reset so peers rejoin elsewhere', async () => {
    const room = await media.openRoom('room-d');
    room.join('dave');
    const reset = new Promise<void>((resolve) => room.once('reset', resolve));
    const pid = room.host.worker.pid;
    process.kill(pid, 'SIGKILL');
    await reset;
    expect(room.closed).toBe(true);
    await expect.poll(() => media.pool.list().filter((w) => !w.worker.closed).length, { timeout: 10_000 }).toBe(2);
    expect(media.pool.list().map((w) => w.worker.pid)).not.toContain(pid);
    const rebuilt = await media.openRoom('room-d');
    expect(rebuilt).not.toBe(room);
    expect(rebuilt.router.closed).toBe(false);
    media.closeRoom('room-d');
  });
});
