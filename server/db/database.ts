import postgres, { type Sql, type TransactionSql } from 'postgres';
import { startEmbeddedPostgres } from './embedded.js';

/** The role every request runs as. Created by the first migration; it cannot bypass row-level security. */
export const APP_ROLE = 'naervaer_app';

export type Tx = TransactionSql;

export interface Database {
  /** The schema owner's connection: migrations and installation-level work only. */
  admin: Sql;
  /** Every connection of this pool runs as APP_ROLE (set in the startup packet), so RLS always applies. */
  app: Sql;
  url: string;
  /** pid of the embedded server when this process started it. */
  embeddedPid: number | undefined;
  close(): Promise<void>;
}

export function connect(url: string, options: { role?: string; max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'naervaer', ...(options.role ? { role: options.role } : {}) },
  });
}

export async function openDatabase(
  settings: { databaseUrl: string | undefined; dataDir: string },
  log: (line: string) => void,
): Promise<Database> {
  const embedded = settings.databaseUrl ? undefined : await startEmbeddedPostgres(settings.dataDir, log);
  const url = settings.databaseUrl ?? embedded!.url;
  const admin = connect(url, { max: 2 });
  const app = connect(url, { role: APP_ROLE, max: 10 });
  return {
    admin,
    app,
    url,
    embeddedPid: embedded?.owned ? embedded.pid : undefined,
    async close() {
      await Promise.all([app.end({ timeout: 5 }), admin.end({ timeout: 5 })]);
      await embedded?.stop();
    },
  };
}

/**
 * Runs fn in a transaction scoped to one organisation: row-level security shows and accepts only that
 * organisation's rows, whatever the SQL inside says.
 */
export function inOrganisation<T>(sql: Sql, organisationId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('app.org_id', ${organisationId}, true)`;
    return fn(tx);
  }) as Promise<T>;
}
