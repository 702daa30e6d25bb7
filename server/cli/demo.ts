/**
 * `npm run demo`: seeds the demo organisation on the configured (or embedded) database and prints the staff
 * sign-in details and a fresh citizen sign-in link. Works while the server runs: it shares the embedded database.
 */
import { parseConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { seedDemo } from '../demo/seed.js';
import { createLogger } from '../log.js';
import { pino } from 'pino';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  // The terminal shows what the demo made; its log goes to stderr and says only what went wrong (where the embedded
  // database keeps its data is the server's to say, and it already did at start).
  const db = await openDatabase(config, createLogger({ level: 'warn', stream: pino.destination({ fd: 2, sync: true }) }));
  try {
    await migrate(db.admin);
    const demo = await seedDemo(db.admin, db.app, config);
    // What it made is the command's answer for the person at the terminal (passwords included), not log lines.
    console.log(`\nDemo organisation "Demokommune" is ready at ${config.publicUrl.origin}\n`);
    console.log('Staff sign-in (new passwords on every run of npm run demo):');
    for (const s of demo.staff) console.log(`  ${s.role.padEnd(12)} ${s.email.padEnd(30)} ${s.password}`);
    console.log(`\nCitizen sign-in link for ${demo.citizenLink.citizen} (works once, on one device):\n  ${demo.citizenLink.url}\n`);
  } finally {
    await db.close();
  }
}

await main();
