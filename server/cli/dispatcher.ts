/**
 * `npm run dispatcher`: sends due reminders as a process of its own (several may run beside each other and beside
 * servers with DISPATCHER=true). Stops cleanly on SIGTERM/SIGINT after the batch in hand.
 */
import { parseConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { createLogger } from '../log.js';
import { createDispatcher } from '../reminders/setup.js';

const config = parseConfig(process.env);
const log = createLogger({ level: config.logLevel });
const db = await openDatabase(config, log);
const dispatcher = createDispatcher(config, db.app, log);
dispatcher.start();
log.info('dispatcher running');
const stop = async () => {
  await dispatcher.stop();
  await db.close();
  log.info('dispatcher stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
