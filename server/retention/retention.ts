import type { Sql } from 'postgres';

/** What one application of the retention rules did: per organisation and category, how many rows. */
export interface RetentionOutcome {
  organisationId: string;
  /** citizens_anonymised, links_deleted, reminder_links_deleted, sign_ins_deleted, calendar_feeds_deleted, reminders_deleted, call_logs_deleted or audit_events_deleted */
  category: string;
  affected: number;
}

/**
 * Applies every organisation's retention settings once (migration 008, apply_retention). It runs over the
 * application's own login: the function, owned by the schema owner, does exactly the deleting and anonymising the
 * settings call for and nothing else, so the dispatcher never needs the owner's connection. Runs that overlap (two
 * dispatchers) do not both work: the second returns nothing.
 */
export async function applyRetention(sql: Sql): Promise<RetentionOutcome[]> {
  const rows = await sql<{ organisation_id: string; category: string; affected: number }[]>`select * from apply_retention()`;
  return rows.map((r) => ({ organisationId: r.organisation_id, category: r.category, affected: r.affected }));
}

/** Totals per category over all organisations, for a log line that names no organisation's data. */
export function retentionTotals(outcomes: readonly RetentionOutcome[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const o of outcomes) totals[o.category] = (totals[o.category] ?? 0) + o.affected;
  return totals;
}

export interface RetentionScheduleOptions {
  sql: Sql;
  log: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;
  /** Delay before the first run after start: not during start-up, but soon, so a server restarted often still runs it. */
  firstRunMs?: number;
  intervalMs?: number;
}

/** Runs retention on a timer (started and stopped with the reminder dispatcher, see server/reminders/setup.ts). */
export class RetentionSchedule {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(private readonly options: RetentionScheduleOptions) {}

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
      const outcomes = await applyRetention(this.options.sql);
      if (outcomes.length > 0) this.options.log('info', 'retention applied', { totals: retentionTotals(outcomes) });
      return outcomes;
    } catch (error) {
      this.options.log('error', 'retention failed', { error: (error as Error).message });
      return [];
    }
  }
}
