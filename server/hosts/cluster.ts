/**
 * This host among several sharing one database (issue 14; only when HOST_ID is set). It
 *  - holds a lease on its row of media_hosts and renews it with its load every third of the lease (so one late
 *    renewal does not lose it): its media workers, their consumers and their CPU share;
 *  - places calls for the token routes (CallPlacement): a call stays on its host while that host's lease holds, else
 *    goes to the least-loaded live host (the database function place_call decides, one placement at a time);
 *  - gives socket.io its PostgreSQL adapter (LISTEN/NOTIFY on the same database: no new moving part), which carries
 *    room emits and the routes' messages to every host;
 *  - lets go of live calls that are no longer its own: after a moment when its lease lapsed (a slow database, a
 *    stalled process) a room token may have moved a call to another host; its connections here then move too;
 *  - ends the sessions of hosts gone longer than the reconnect grace that nobody rejoined elsewhere — only while its
 *    own renewals go through, so that after the database was away no host takes the others for dead;
 *  - when an operator drains it (`npm run drain`), calls back once its deadline has passed, to move its calls.
 * A clean stop gives up the lease at once, so its calls move without waiting for the lease to run out.
 */
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { ServerOptions } from 'socket.io';
import type { MediaServer } from '../../sfu/index.js';
import type { CallPlacement } from '../calls/room-token.js';
import type { Logger } from '../log.js';
import type { HostStore } from './store.js';

export interface HostClusterOptions {
  hostId: string;
  leaseSeconds: number;
  /** How long a dead host's sessions wait for someone to rejoin them elsewhere before they end. */
  graceSeconds: number;
  /** The application's login (RLS applies; it may only NOTIFY, LISTEN and use the adapter's table). */
  databaseUrl: string;
  store: HostStore;
  media: MediaServer;
  log: Logger;
}

export class HostCluster implements CallPlacement {
  readonly shared = true;
  readonly hostId: string;
  private readonly pool: pg.Pool;
  private timer: NodeJS.Timeout | undefined;
  private lastCpu: { seconds: number; at: number } | undefined;
  private drainDue: (() => void) | undefined;
  private drained = false;
  private renewing: Promise<void> | undefined;
  /** When the last renewal went through. */
  private renewedAt = 0;
  private calls: { live(): string[]; letGo(callIds: string[]): void } | undefined;

  private constructor(private readonly options: HostClusterOptions) {
    this.hostId = options.hostId;
    // The adapter's connections: one held for LISTEN per socket.io server, the rest for NOTIFY.
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, application_name: `naervaer-${options.hostId}` });
    const failed = (error: Error) => options.log.warn({ err: error }, 'cross-host events: a database connection failed');
    // Idle connections report through the pool; the one the adapter holds for LISTEN only through itself, and an
    // 'error' nobody listens to would end the process (the adapter reconnects on 'end').
    this.pool.on('error', failed);
    this.pool.on('connect', (client) => client.on('error', failed));
  }

  /** The cluster's database side, ready for the socket.io servers; no calls are placed here before join(). */
  static create(options: HostClusterOptions): HostCluster {
    return new HostCluster(options);
  }

  /** Takes the lease — from now calls are placed here: call it once the host answers — and keeps renewing it. */
  async join(): Promise<void> {
    // A (re)start ends a drain: the operator drained the host to restart it.
    await this.options.store.leave(this.hostId);
    await this.renew();
    this.timer = setInterval(() => void this.tick(), Math.max(1000, (this.options.leaseSeconds * 1000) / 3));
    this.timer.unref();
  }

  /** The calls this host runs live, and how to let go of those that are not its own any more. */
  watchCalls(calls: { live(): string[]; letGo(callIds: string[]): void }): void {
    this.calls = calls;
  }

  /** socket.io's PostgreSQL adapter for one socket.io server; `channel` keeps servers of different paths apart. */
  adapter(channel: string): ServerOptions['adapter'] {
    return createAdapter(this.pool, {
      channelPrefix: `naervaer-${channel}`,
      tableName: 'socket_io_attachments',
      errorHandler: (error: Error) => this.options.log.warn({ err: error }, 'cross-host events: the adapter failed'),
    });
  }

  place(callId: string): Promise<string | null> {
    return this.options.store.place(callId);
  }

  /** Called once, after an operator's drain deadline has passed: the calls still here are to move. */
  onDrainDue(callback: () => void): void {
    this.drainDue = callback;
  }

  /**
   * Stopping, first step: the lease goes now, so the browsers this host is about to disconnect are placed on other
   * hosts at their first new room token. Cross-host events still flow until close().
   */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing?.catch(() => undefined);
    await this.options.store.leave(this.hostId).catch((error: unknown) => this.options.log.warn({ err: error }, 'giving up the host lease failed'));
  }

  /** Stopping, last step (after the socket.io servers have closed): the adapter's database connections go. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  private async tick(): Promise<void> {
    const { store, log, leaseSeconds, graceSeconds } = this.options;
    try {
      const previous = this.renewedAt;
      this.renewing = this.renew();
      await this.renewing;
      const live = this.calls?.live() ?? [];
      const elsewhere = await store.callsElsewhere(this.hostId, live);
      if (elsewhere.length > 0) {
        log.warn({ calls: elsewhere.length }, 'calls run on another host now (this host\'s lease lapsed): moving their connections');
        this.calls?.letGo(elsewhere);
      }
      // Only a host whose own lease held all along may take another for dead.
      if (Date.now() - previous < leaseSeconds * 1000) {
        const ended = await store.endSessionsOfLostHosts(graceSeconds);
        if (ended > 0) log.info({ sessions: ended }, 'ended the sessions of a host that is gone');
      }
    } catch (error) {
      log.error({ err: error }, 'renewing the host lease failed');
    }
  }

  private async renew(): Promise<void> {
    const { media, store, hostId, leaseSeconds } = this.options;
    const load = await media.load();
    const now = Date.now();
    const cpu = this.lastCpu && now > this.lastCpu.at ? Math.max(0, load.cpuSeconds - this.lastCpu.seconds) / ((now - this.lastCpu.at) / 1000) / load.workers : 0;
    this.lastCpu = { seconds: load.cpuSeconds, at: now };
    const deadline = await store.renew(hostId, leaseSeconds, { workers: load.workers, consumers: load.consumers, cpu: Math.round(cpu * 1000) / 1000 });
    this.renewedAt = now;
    if (!deadline) {
      this.drained = false;
    } else if (!this.drained && deadline.getTime() <= Date.now()) {
      this.drained = true;
      this.options.log.info('drain deadline passed: moving the calls still on this host');
      this.drainDue?.();
    }
  }
}
