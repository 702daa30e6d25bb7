/**
 * The media server (SFU): mediasoup workers, rooms, peers. It knows nothing of HTTP, users or the database; the
 * signalling layer calls it through MediaServer and listens to room events. It could run on another host later
 * behind the same interface.
 */
import { WorkerPool } from './pool.js';
import { Room } from './room.js';
import type { MediaServerOptions } from './types.js';
import { MEDIA_CODECS } from './types.js';

export { Room, Peer } from './room.js';
export * from './types.js';

export class MediaServer {
  private readonly rooms = new Map<string, Room>();
  private readonly creating = new Map<string, Promise<Room>>();

  private constructor(
    readonly pool: WorkerPool,
    private readonly options: MediaServerOptions,
  ) {
    pool.on('died', (dead) => {
      // Every room on the dead worker is gone: tell its peers to rejoin; the room is rebuilt on demand elsewhere.
      for (const room of [...this.rooms.values()]) {
        if (room.host === dead) {
          this.rooms.delete(room.id);
          room.close('reset');
        }
      }
    });
  }

  static async start(options: MediaServerOptions): Promise<MediaServer> {
    return new MediaServer(await WorkerPool.start(options), options);
  }

  room(id: string): Room | undefined {
    const room = this.rooms.get(id);
    return room && !room.closed ? room : undefined;
  }

  /** The session's room, created on the least-loaded worker if it does not exist (or its worker died). */
  async openRoom(id: string): Promise<Room> {
    const existing = this.room(id);
    if (existing) return existing;
    const pending = this.creating.get(id);
    if (pending) return pending;
    const creation = (async () => {
      const host = await this.pool.leastLoaded();
      host.rooms += 1;
      const router = await host.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
      const room = new Room(id, router, host);
      room.once('closed', () => {
        if (this.rooms.get(id) === room) this.rooms.delete(id);
      });
      this.rooms.set(id, room);
      this.options.log.info({ room: id, worker: host.worker.pid }, 'room opened');
      return room;
    })();
    this.creating.set(id, creation);
    try {
      return await creation;
    } finally {
      this.creating.delete(id);
    }
  }

  closeRoom(id: string): void {
    this.rooms.get(id)?.close('ended');
    this.rooms.delete(id);
  }

  /** Counts of live mediasoup objects, for leak checks and monitoring. */
  async counts(): Promise<{ workers: number; routers: number; transports: number; rooms: number }> {
    let routers = 0;
    let transports = 0;
    for (const w of this.pool.list()) {
      if (w.worker.closed) continue;
      const dump = await w.worker.dump();
      routers += dump.routerIds.length;
      const server = await w.webRtcServer.dump();
      transports += server.webRtcTransportIds.length;
    }
    return { workers: this.pool.list().length, routers, transports, rooms: this.rooms.size };
  }

  /**
   * What this media server carries now, for placing calls across hosts: consumers on its workers, and the CPU time
   * its workers have used in all (seconds; the caller turns two readings into a share of the cores).
   */
  async load(): Promise<{ workers: number; consumers: number; cpuSeconds: number }> {
    let consumers = 0;
    for (const room of this.rooms.values()) for (const peer of room.peers.values()) consumers += peer.consumers.size;
    const live = this.pool.list().filter((w) => !w.worker.closed);
    const usage = await Promise.all(live.map((w) => w.worker.getResourceUsage()));
    return { workers: Math.max(1, live.length), consumers, cpuSeconds: usage.reduce((sum, u) => sum + (u.ru_utime + u.ru_stime) / 1000, 0) };
  }

  /** Per live worker: rooms placed on it, its routers and transports, and the CPU time it has used (for monitoring). */
  async workerStats(): Promise<{ index: number; rooms: number; routers: number; transports: number; cpuSeconds: number }[]> {
    const stats = [];
    for (const w of this.pool.list()) {
      if (w.worker.closed) continue;
      const [dump, server, usage] = await Promise.all([w.worker.dump(), w.webRtcServer.dump(), w.worker.getResourceUsage()]);
      // ru_utime and ru_stime are milliseconds of user and system CPU time (libuv's getrusage)
      const cpuSeconds = (usage.ru_utime + usage.ru_stime) / 1000;
      stats.push({ index: w.index, rooms: w.rooms, routers: dump.routerIds.length, transports: server.webRtcTransportIds.length, cpuSeconds });
    }
    return stats;
  }

  async close(): Promise<void> {
    for (const room of this.rooms.values()) room.close('ended');
    this.rooms.clear();
    await this.pool.close();
  }
}
