/**
 * `npm run dispatcher`: sends due reminders as a process of its own (several may run beside each other and beside
 * servers with DISPATCHER=true). Stops cleanly on SIGTERM/SIGINT after the batch in hand.
 */
import { parseConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { createDispatcher } from '../reminders/setup.js';

const config = parseConfig(process.env);
const db = await openDatabase(config, () => {});
const log = (level: string, message: string, detail?: Record<string, unknown>) =>
  console.log(JSON.stringify({ level, time: Date.now(), msg: message, ...detail }));
const leaseSeconds = Number(process.env.DISPATCH_LEASE_SECONDS ?? 60);
const dispatcher = createDispatcher(config, db.app, log, { leaseSeconds });
dispatcher.start();
log('info', 'dispatcher running');
const stop = async () => {
  await dispatcher.stop();
  await db.close();
  log('info', 'dispatcher stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
