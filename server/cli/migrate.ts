/** `npm run migrate`: apply pending migrations to the configured (or embedded) database and exit. */
import { parseConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../log.js';

const config = parseConfig(process.env);
const log = createLogger({ level: config.logLevel });
const db = await openDatabase(config, log);
try {
  const { applied } = await migrate(db.admin);
  if (applied.length > 0) log.info(`applied migrations: ${applied.join(', ')}`);
  else log.info('the database is up to date');
} catch (error) {
  // Like the server's start-up: a failure is one plain line on stderr for the person at the terminal.
  console.error(`Migration error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
