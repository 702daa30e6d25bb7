/**
 * The server's figures in Prometheus' format (prom-client), for the operator's monitoring: HTTP latency by route, live
 * calls and what they hold per media worker, worker CPU and restarts, refused signalling messages, the reminder outbox,
 * the dispatcher's sends and the browsers' own call-quality measures. Labels are route patterns, worker numbers,
 * message names and codes: never an id, a name or an address. Its own registry, so several apps in one process (the
 * tests) do not mix their figures.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MediaServer } from '../../sfu/index.js';
import type { OutboxHealth } from './store.js';

export interface MetricsSources {
  media: MediaServer;
  liveCalls: () => { calls: number; participants: number; waiting: number };
  outbox: () => Promise<OutboxHealth>;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly httpSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly refusals: Counter<'message' | 'code'>;
  private readonly reminders: Counter<'result'>;
  private readonly workerRestarts: Counter;
  private readonly rttSeconds: Histogram;
  private readonly lossPercent: Histogram;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'naervaer_' });
    this.httpSeconds = new Histogram({
      name: 'naervaer_http_request_duration_seconds', help: 'HTTP requests by route pattern, method and status class',
      labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers,
    });
    this.refusals = new Counter({ name: 'naervaer_signalling_refusals_total', help: 'Signalling messages refused, by message and code', labelNames: ['message', 'code'], registers });
    this.reminders = new Counter({ name: 'naervaer_reminders_dispatched_total', help: 'Reminders the dispatcher in this process handled, by result (sent, retry, failed, cancelled)', labelNames: ['result'], registers });
    this.workerRestarts = new Counter({ name: 'naervaer_media_worker_restarts_total', help: 'Media workers that died and were replaced', registers });
    this.rttSeconds = new Histogram({ name: 'naervaer_call_rtt_seconds', help: 'Round-trip time browsers report for their media connection', buckets: [0.025, 0.05, 0.1, 0.15, 0.25, 0.4, 0.7, 1, 2], registers });
    this.lossPercent = new Histogram({ name: 'naervaer_call_packet_loss_percent', help: 'Packet loss browsers report for what they receive', buckets: [0.1, 0.5, 1, 2, 3, 5, 10, 20], registers });
    sources.media.pool.on('died', () => this.workerRestarts.inc());

    const live = (name: string, help: string, pick: (counts: ReturnType<MetricsSources['liveCalls']>) => number) =>
      new Gauge({ name, help, registers, collect() { this.set(pick(sources.liveCalls())); } });
    live('naervaer_calls_active', 'Video sessions with someone connected to this process', (c) => c.calls);
    live('naervaer_call_participants', 'People in a call (admitted) on this process', (c) => c.participants);
    live('naervaer_call_waiting', 'People in a waiting room on this process', (c) => c.waiting);

    // One scrape asks the workers once; the four per-worker gauges read that answer.
    let workerStats: ReturnType<MediaServer['workerStats']> | undefined;
    const perWorker = (name: string, help: string, pick: (w: Awaited<ReturnType<MediaServer['workerStats']>>[number]) => number) =>
      new Gauge({
        name, help, labelNames: ['worker'], registers,
        async collect() {
          this.reset();
          for (const w of await (workerStats ??= sources.media.workerStats().finally(() => setImmediate(() => (workerStats = undefined))))) {
            this.set({ worker: String(w.index) }, pick(w));
          }
        },
      });
    perWorker('naervaer_media_worker_rooms', 'Rooms (sessions) placed on each media worker', (w) => w.rooms);
    perWorker('naervaer_media_worker_routers', 'mediasoup routers on each media worker', (w) => w.routers);
    perWorker('naervaer_media_worker_transports', 'WebRTC transports on each media worker', (w) => w.transports);
    perWorker('naervaer_media_worker_cpu_seconds', 'CPU time each media worker has used since it started (rate() gives its load)', (w) => w.cpuSeconds);

    let outbox: Promise<OutboxHealth> | undefined;
    const outboxGauge = (name: string, help: string, pick: (o: OutboxHealth) => number) =>
      new Gauge({
        name, help, registers,
        async collect() {
          this.set(pick(await (outbox ??= sources.outbox().finally(() => setImmediate(() => (outbox = undefined))))));
        },
      });
    outboxGauge('naervaer_reminder_outbox_due', 'Reminders whose time has come and that are not sent yet (all organisations)', (o) => o.due);
    outboxGauge('naervaer_reminder_outbox_oldest_due_seconds', 'How late the oldest due reminder is', (o) => o.oldestDueSeconds);
    outboxGauge('naervaer_reminder_outbox_pending', 'Reminders still to send, due or planned', (o) => o.pending);
  }

  /** One HTTP request done: `route` is the pattern (/api/calls/:callId), never the path with its ids. */
  request(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpSeconds.observe({ method, route, status: `${Math.floor(statusCode / 100)}xx` }, seconds);
  }

  refused(message: string, code: string): void {
    this.refusals.inc({ message, code });
  }

  dispatched(results: readonly { result: string }[]): void {
    for (const { result } of results) this.reminders.inc({ result });
  }

  quality(sample: { rttMs?: number; packetLossPct?: number }): void {
    if (sample.rttMs !== undefined) this.rttSeconds.observe(sample.rttMs / 1000);
    if (sample.packetLossPct !== undefined) this.lossPercent.observe(sample.packetLossPct);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's Prometheus figures; undefined unless METRICS_TOKEN is set. */
    metrics: Metrics | undefined;
  }
}
