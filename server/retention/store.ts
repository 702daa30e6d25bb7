/**
 * Retention in the database: one call of apply_retention() (migration 008), which does exactly the deleting and
 * anonymising every organisation's settings call for. It is the one place the feature touches SQL.
 */
import type { Sql } from 'postgres';

/** What one application of the retention rules did: per organisation and category, how many rows. */
export interface RetentionOutcome {
  organisationId: string;
  /** citizens_anonymised, links_deleted, reminder_links_deleted, sign_ins_deleted, calendar_feeds_deleted, reminders_deleted, call_logs_deleted or audit_events_deleted */
  category: string;
  affected: number;
}

export type RetentionStore = ReturnType<typeof retentionStore>;

export function retentionStore(sql: Sql) {
  return {
    /**
     * Applies every organisation's retention settings once (contact requests and their chat: apply_duty_retention,
     * migration 013, in the same statement). It runs over the application's own login, across organisations rather than inside one: the function, owned by the schema owner, does exactly the deleting and
     * anonymising the settings call for and nothing else, so the dispatcher never needs the owner's connection. Runs
     * that overlap (two dispatchers) do not both work: the second returns nothing.
     */
    async apply(): Promise<RetentionOutcome[]> {
      const rows = await sql<{ organisation_id: string; category: string; affected: number }[]>`select * from apply_retention() union all select * from apply_duty_retention()`;
      return rows.map((r) => ({ organisationId: r.organisation_id, category: r.category, affected: r.affected }));
    },
  };
}
