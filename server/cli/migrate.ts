/** `npm run migrate`: apply pending migrations to the configured (or embedded) database and exit. */
import { parseConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';

const config = parseConfig(process.env);
const db = await openDatabase(config, (line) => console.log(line));
try {
  const { applied } = await migrate(db.admin);
  console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
} catch (error) {
  console.error(`Migration error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
