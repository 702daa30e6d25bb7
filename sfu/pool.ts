import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { MediaServerOptions } from './types.js';

export interface PooledWorker {
  index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** Rooms placed on this worker: the load measure. */
  rooms: number;
}

/**
 * One mediasoup worker per core, each with a WebRtcServer on one UDP and one TCP port (firewall-friendly: two ports
 * per worker instead of a range). A worker that dies is replaced on the same ports; 'died' lets rooms move.
 */
export class WorkerPool extends EventEmitter<{ died: [PooledWorker] }> {
  private readonly workers: PooledWorker[] = [];
  private closed = false;

  private constructor(
    private readonly mediasoup: typeof import('mediasoup'),
    private readonly options: MediaServerOptions,
  ) {
    super();
  }

  static async start(options: MediaServerOptions): Promise<WorkerPool> {
    // mediasoup reads the binary's path from the environment when it is first imported.
    if (options.workerBin) process.env.MEDIASOUP_WORKER_BIN = options.workerBin;
    const mediasoup = await import('mediasoup');
    const pool = new WorkerPool(mediasoup, options);
    for (let i = 0; i < options.workers; i++) pool.workers.push(await pool.spawn(i));
    return pool;
  }

  private async spawn(index: number): Promise<PooledWorker> {
    const worker = await this.mediasoup.createWorker({ logLevel: 'warn', disableLiburing: true });
    const port = () => (this.options.basePort === 0 ? 0 : this.options.basePort + index);
    const listenInfos: types.TransportListenInfo[] = [];
    const announced = this.options.announcedAddress ? { announcedAddress: this.options.announcedAddress } : {};
    if (this.options.enableUdp) listenInfos.push({ protocol: 'udp', ip: this.options.listenIp, port: port(), ...announced });
    if (this.options.enableTcp) listenInfos.push({ protocol: 'tcp', ip: this.options.listenIp, port: port(), ...announced });
    const webRtcServer = await worker.createWebRtcServer({ listenInfos });
    const pooled: PooledWorker = { index, worker, webRtcServer, rooms: 0 };
    worker.on('died', (error) => void this.replace(pooled, error));
    return pooled;
  }

  private async replace(dead: PooledWorker, error: Error): Promise<void> {
    if (this.closed) return;
    this.options.log.error({ pid: dead.worker.pid, index: dead.index, error: error.message }, 'media worker died; replacing it');
    const slot = this.workers.indexOf(dead);
    this.workers.splice(slot, 1);
    this.emit('died', dead);
    try {
      // Same index, so the same ports (freed by the dead process): firewall rules stay true.
      this.workers.push(await this.spawn(dead.index));
    } catch (spawnError) {
      this.options.log.error({ error: (spawnError as Error).message }, 'could not start a replacement media worker');
    }
  }

  /** The live worker with the fewest rooms; waits briefly while a dead one is being replaced. */
  async leastLoaded(waitMs = 5000): Promise<PooledWorker> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const live = this.workers.filter((w) => !w.worker.closed);
      if (live.length > 0) return live.reduce((best, w) => (w.rooms < best.rooms ? w : best));
      if (this.closed || Date.now() > deadline) throw new Error('no media worker is running');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  list(): readonly PooledWorker[] {
    return this.workers;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.workers) w.worker.close();
    this.workers.length = 0;
  }
}
