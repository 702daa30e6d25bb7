/**
 * `npm run retention`: applies every organisation's retention settings once and prints what it did (counts per
 * category, no personal data). The dispatcher does the same on a schedule; this is for operators and cron.
 */
import { parseConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { applyRetention, retentionTotals } from '../retention/retention.js';

const config = parseConfig(process.env);
const db = await openDatabase(config, () => {});
try {
  const outcomes = await applyRetention(db.app);
  console.log(JSON.stringify({ organisations: new Set(outcomes.map((o) => o.organisationId)).size, totals: retentionTotals(outcomes) }));
} catch (error) {
  console.error(`Retention failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
