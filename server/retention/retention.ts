import type { Logger } from '../log.js';
import type { RetentionOutcome, RetentionStore } from './store.js';

/** Totals per category over all organisations, for a log line that names no organisation's data. */
export function retentionTotals(outcomes: readonly RetentionOutcome[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const o of outcomes) totals[o.category] = (totals[o.category] ?? 0) + o.affected;
  return totals;
}

export interface RetentionScheduleOptions {
  store: RetentionStore;
  /** The schedule logs through a child of this (`module: 'retention'`). */
  log: Logger;
  /** Delay before the first run after start: not during start-up, but soon, so a server restarted often still runs it. */
  firstRunMs?: number;
  intervalMs?: number;
}

/** Runs retention on a timer (started and stopped with the reminder dispatcher, see server/reminders/setup.ts). */
export class RetentionSchedule {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;
  readonly #log: Logger;

  constructor(private readonly options: RetentionScheduleOptions) {
    this.#log = options.log.child({ module: 'retention' });
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(this.options.firstRunMs ?? 60_000);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.runOnce().finally(() => this.#schedule(this.options.intervalMs ?? 6 * 3600_000));
    }, delayMs);
    // A pending retention run never keeps a process alive that is otherwise done.
    this.#timer.unref();
  }

  /** One run; failures are logged, not thrown, and the next run comes at the usual time. */
  async runOnce(): Promise<RetentionOutcome[]> {
    try {
      const outcomes = await this.options.store.apply();
      if (outcomes.length > 0) this.#log.info({ totals: retentionTotals(outcomes) }, 'retention applied');
      return outcomes;
    } catch (error) {
      this.#log.error({ err: error }, 'retention failed');
      return [];
    }
  }
}
