/**
 * `npm run retention`: applies every organisation's retention settings once and prints what it did (counts per
 * category, no personal data). The dispatcher does the same on a schedule; this is for operators and cron.
 */
import { parseConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { createLogger } from '../log.js';
import { retentionTotals } from '../retention/retention.js';
import { retentionStore } from '../retention/store.js';

const config = parseConfig(process.env);
const log = createLogger({ level: config.logLevel });
const db = await openDatabase(config, log);
try {
  const outcomes = await retentionStore(db.app).apply();
  // The command's answer, not a log line: one JSON object as the last line on stdout for cron and scripts to read,
  // whatever LOG_LEVEL says.
  console.log(JSON.stringify({ organisations: new Set(outcomes.map((o) => o.organisationId)).size, totals: retentionTotals(outcomes) }));
} catch (error) {
  console.error(`Retention failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
