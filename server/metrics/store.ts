import type { Sql } from 'postgres';

export interface OutboxHealth {
  /** Reminders whose time has come and that are not sent yet. */
  due: number;
  /** How late the oldest of those is, in seconds (0 when none is due). */
  oldestDueSeconds: number;
  /** Every reminder still to send, due or planned. */
  pending: number;
}

/** What monitoring reads from the database: installation-wide counts, through a function that returns nothing else. */
export function metricsStore(sql: Sql) {
  return {
    async outbox(): Promise<OutboxHealth> {
      const [row] = await sql<{ due: string; oldest_due_seconds: number; pending: string }[]>`select * from public.reminder_outbox_health()`;
      return { due: Number(row!.due), oldestDueSeconds: row!.oldest_due_seconds, pending: Number(row!.pending) };
    },
  };
}
