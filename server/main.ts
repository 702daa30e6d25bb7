/**
 * The one place that starts and stops everything: configuration, database (embedded or external), migrations,
 * media server, HTTP and signalling. SIGTERM/SIGINT close them in reverse order so no request is cut and no
 * postgres or mediasoup process is left behind.
 */
import { buildApp } from './app.js';
import { loadSigningKeys } from './auth/keys.js';
import { TokenService } from './auth/tokens.js';
import { ConfigError, parseConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { MigrationError, migrate } from './db/migrate.js';
import { endSessionsLeftOpen } from './calls/recovery.js';
import { startMediaServer } from './media.js';
import { createDispatcher } from './reminders/setup.js';
import type { MediaServer } from '../sfu/index.js';

function readConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  // Before the HTTP server's logger exists: the same JSON lines pino writes (level numbers as pino's).
  const PINO_LEVELS = { info: 30, warn: 40, error: 50 } as const;
  const say = (line: string, level: keyof typeof PINO_LEVELS = 'info', detail?: Record<string, unknown>) =>
    console.log(JSON.stringify({ level: PINO_LEVELS[level], time: Date.now(), msg: line, ...detail }));
  let db: Database | undefined;
  let media: MediaServer | undefined;
  try {
    db = await openDatabase(config, say);
    const { applied } = await migrate(db.admin);
    if (applied.length > 0) say(`applied migrations: ${applied.join(', ')}`);
    const leftOpen = await endSessionsLeftOpen(db.admin);
    if (leftOpen.sessions > 0) say(`ended ${leftOpen.sessions} video session(s) left open by the previous run`);
    const tokens = new TokenService(loadSigningKeys(config));
    media = await startMediaServer(config, (level, message, detail) => say(message, level, detail));
    const app = await buildApp(config, { sql: db.app, tokens, media });
    await app.listen({ port: config.port, host: config.host });
    const dispatcher = config.dispatcherInServer
      ? createDispatcher(config, db.app, (level, message, detail) => app.log[level]({ ...detail }, message))
      : undefined;
    dispatcher?.start();
    app.log.info({ publicUrl: config.publicUrl.origin, embeddedDatabase: !config.databaseUrl }, 'Nærvær is ready');

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        app.log.warn('second signal: exiting at once');
        process.exit(1);
      }
      stopping = true;
      app.log.info({ signal }, 'shutting down');
      await dispatcher?.stop();
      await app.close();
      await media!.close();
      await db!.close();
      app.log.info('stopped');
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  } catch (error) {
    await media?.close().catch(() => {});
    await db?.close().catch(() => {});
    if (error instanceof MigrationError) {
      console.error(`Migration error: ${error.message}`);
    } else {
      console.error('Start-up failed:', error instanceof Error ? error.message : error);
    }
    process.exit(1);
  }
}

void main();
