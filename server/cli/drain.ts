/**
 * `npm run drain -- <host-id> [minutes]`: before restarting one of several hosts (HOST_ID), stop new calls going to it
 * and move the calls still on it after a deadline (10 minutes by default; 0: at the host's next lease renewal). The
 * browsers in those calls reconnect by themselves to the host their new room token names — a second's pause. The
 * drain ends when the host starts again. Prints one JSON line.
 */
import { parseConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { hostStore } from '../hosts/store.js';
import { createLogger } from '../log.js';

const [hostId, minutesText = '10'] = process.argv.slice(2);
if (!hostId || !/^[a-z0-9][a-z0-9-]{0,31}$/.test(hostId) || !/^\d+(\.\d+)?$/.test(minutesText)) {
  console.error('Usage: npm run drain -- <host-id> [minutes until its calls are moved, default 10]');
  process.exit(2);
}
const seconds = Math.round(Number(minutesText) * 60);

const config = parseConfig(process.env);
const db = await openDatabase(config, createLogger({ level: config.logLevel }));
try {
  const found = await hostStore(db.app).drain(hostId, seconds);
  if (!found) {
    console.error(`No host "${hostId}" has run against this database (HOST_ID of each host).`);
    process.exitCode = 1;
  } else {
    console.log(JSON.stringify({ host: hostId, newCalls: 'elsewhere', callsMovedAt: new Date(Date.now() + seconds * 1000).toISOString() }));
  }
} catch (error) {
  console.error(`Drain failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
