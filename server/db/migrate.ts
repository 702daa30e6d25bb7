import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Sql } from 'postgres';
import { MIGRATIONS_DIR } from '../paths.js';

export class MigrationError extends Error {}

interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const migrations = files.map((name) => {
    const match = /^(\d{3,})_[a-z0-9_]+\.sql$/.exec(name);
    if (!match) throw new MigrationError(`migration file name ${name} must look like 001_what_it_does.sql`);
    const sql = fs.readFileSync(path.join(dir, name), 'utf8');
    return { version: Number(match[1]), name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migrations must be numbered 1, 2, 3… without gaps; ${m.name} is out of place`);
  });
  return migrations;
}

// One key for the whole installation: every starter serialises on it, so two instances never apply the same file.
const LOCK_KEY = 0x6e_61_65_72; // "naer"

/**
 * Applies pending migrations in order, each in its own transaction together with its row in schema_migrations.
 * A file changed after it was applied stops everything: the database no longer matches the code that describes it.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const migrations = readMigrations(dir);
  // Created under the same lock as the migrations: two starters racing on `create table if not exists` can otherwise
  // both pass the existence check and one fails on the catalog ("type schema_migrations already exists").
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`;
  });

  const applied: string[] = [];
  for (const migration of migrations) {
    await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
      const rows = await tx<{ version: number; name: string; checksum: string }[]>`select version, name, checksum from schema_migrations order by version`;
      const known = new Map(rows.map((r) => [r.version, r]));
      const newest = rows.at(-1)?.version ?? 0;
      if (newest > migrations.length) {
        throw new MigrationError(`the database has migration ${newest}, newer than this version of Nærvær knows (${migrations.length}); run the newer version`);
      }
      const done = known.get(migration.version);
      if (done) {
        if (done.checksum !== migration.checksum) {
          throw new MigrationError(
            `migrations/${migration.name} was changed after it was applied to this database (checksum differs). ` +
              'Restore the original file and put the change in a new numbered migration.',
          );
        }
        return;
      }
      await tx.unsafe(migration.sql);
      await tx`insert into schema_migrations (version, name, checksum) values (${migration.version}, ${migration.name}, ${migration.checksum})`;
      applied.push(migration.name);
    });
  }
  return { applied };
}
