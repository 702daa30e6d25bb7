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
import { endSessionsLeftOpen, releaseSessionsOfHost } from './calls/store.js';
import { createLogger } from './log.js';
import { startMediaServer } from './media.js';
import { createDispatcher } from './reminders/setup.js';
import type { MediaServer } from '../sfu/index.js';
import { HostCluster } from './hosts/cluster.js';
import { hostStore } from './hosts/store.js';

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
  // The one logger of the process: the database, media, HTTP and the dispatcher each log through a child of it.
  const log = createLogger({ level: config.logLevel });
  let db: Database | undefined;
  let media: MediaServer | undefined;
  try {
    db = await openDatabase(config, log);
    const { applied } = await migrate(db.admin);
    if (applied.length > 0) log.info(`applied migrations: ${applied.join(', ')}`);
    if (config.hostId) {
      const released = await releaseSessionsOfHost(db.admin, config.hostId);
      if (released.sessions > 0) log.info(`let go of ${released.sessions} video session(s) of the previous run: they are placed again as their people reconnect`);
    } else {
      const leftOpen = await endSessionsLeftOpen(db.admin);
      if (leftOpen.sessions > 0) log.info(`ended ${leftOpen.sessions} video session(s) left open by the previous run`);
    }
    const tokens = new TokenService(loadSigningKeys(config));
    media = await startMediaServer(config, log);
    // Several hosts (HOST_ID): this host's lease, call placement and cross-host events (server/hosts/).
    const cluster = config.hostId
      ? HostCluster.create({
        hostId: config.hostId, leaseSeconds: config.hostLeaseSeconds, graceSeconds: config.callReconnectGraceSeconds,
        databaseUrl: db.appUrl, store: hostStore(db.app), media, log: log.child({ module: 'hosts' }),
      })
      : undefined;
    const app = await buildApp(config, { sql: db.app, tokens, media, log, ...(cluster ? { cluster } : {}) });
    await app.listen({ port: config.port, host: config.host });
    // Several hosts: calls are placed here from now, when the host answers.
    await cluster?.join();
    const dispatcher = config.dispatcherInServer ? createDispatcher(config, db.app, log, { onOutcomes: (outcomes) => app.metrics?.dispatched(outcomes) }) : undefined;
    dispatcher?.start();
    log.info({ publicUrl: config.publicUrl.origin, embeddedDatabase: !config.databaseUrl, ...(config.hostId ? { hostId: config.hostId } : {}) }, 'Nærvær is ready');

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        log.warn('second signal: exiting at once');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      await dispatcher?.stop();
      // Several hosts: the lease goes first, so that the calls this host ends here move to another host at once.
      await cluster?.release();
      await app.close();
      await cluster?.close();
      await media!.close();
      await db!.close();
      log.info('stopped');
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
