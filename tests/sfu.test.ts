import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config.js';
import { startMediaServer } from '../server/media.js';
import type { MediaServer } from '../sfu/index.js';

let media: MediaServer;
beforeAll(async () => {
  media = await startMediaServer(parseConfig({ MEDIA_WORKERS: '2', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1' }), () => {});
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
    await alice.createTransport('send');
    await alice.createTransport('recv');
    const bobSend = await bob.createTransport('send');
    expect(await routerTransports('room-c')).toBe(3);
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
