import postgres, { type Sql, type TransactionSql } from 'postgres';
import { checkAppLogin, ensureAppLogin, VOLUNTEER_ROLE } from './app-login.js';
import type { Logger } from '../log.js';
import { startEmbeddedPostgres } from './embedded.js';
import { currentActor } from './actor.js';

export type Tx = TransactionSql;

export interface Database {
  /** The schema owner's connection: migrations and installation-level work only. */
  admin: Sql;
  /** Logs in as the application's own login (a member of the group naervaer_app, not the owner), so RLS always applies. */
  app: Sql;
  url: string;
  /** The application's login URL (APP_DATABASE_URL or our own): for other clients that must run under it too. */
  appUrl: string;
  /** pid of the embedded server when this process started it. */
  embeddedPid: number | undefined;
  close(): Promise<void>;
}

export function connect(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, { max: options.max ?? 10, onnotice: () => {}, connection: { application_name: 'naervaer' } });
}

/**
 * The application's pool: with `appUrl` (a login a DBA made, APP_DATABASE_URL) as given, otherwise our own login
 * ensured through the owner's connection. Either way it is checked before use: a pool that could leave RLS is refused.
 */
export async function connectApp(admin: Sql, ownerUrl: string, options: { max?: number; appUrl?: string } = {}): Promise<Sql> {
  const app = connect(options.appUrl ?? (await ensureAppLogin(admin, ownerUrl)), { max: options.max });
  try {
    await checkAppLogin(app);
  } catch (error) {
    await app.end({ timeout: 1 });
    throw error;
  }
  return app;
}

export async function openDatabase(
  settings: { databaseUrl: string | undefined; dataDir: string; appDatabaseUrl?: string | undefined },
  /** The embedded PostgreSQL says through it where it lives and what it set up. */
  log: Logger,
): Promise<Database> {
  const embedded = settings.databaseUrl ? undefined : await startEmbeddedPostgres(settings.dataDir, log);
  const url = settings.databaseUrl ?? embedded!.url;
  const admin = connect(url, { max: 2 });
  let app: Sql;
  let appUrl: string;
  try {
    appUrl = settings.appDatabaseUrl ?? (await ensureAppLogin(admin, url));
    app = await connectApp(admin, url, { max: 10, appUrl });
  } catch (error) {
    await admin.end({ timeout: 1 });
    await embedded?.stop();
    throw error;
  }
  return {
    admin,
    app,
    url,
    appUrl,
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
  // The person asking (server/db/actor.ts), when the work is theirs and in their own organisation: the row policies
  // per person and per role read it. Set in the same statement as the organisation: no extra round trip.
  const actor = currentActor();
  const asker = actor && actor.organisationId === organisationId ? actor : undefined;
  return sql.begin(async (tx) => {
    // A volunteer's work runs as the role naervaer_volunteer (migration 019): it has no grant on case data at all, so
    // a store that forgot a check still cannot read a note, a phone number or a crisis plan for a volunteer.
    await tx`select set_config('app.org_id', ${organisationId}, true),
                    set_config('app.user_id', ${asker?.userId ?? ''}, true),
                    set_config('app.user_role', ${asker?.role ?? ''}, true)
                    ${asker?.role === 'volunteer' ? tx`, set_config('role', ${VOLUNTEER_ROLE}, true)` : tx``}`;
    return fn(tx);
  }) as Promise<T>;
}
