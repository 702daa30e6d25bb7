import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appLoginRoleName, ensureAppLogin } from '../server/db/app-login.js';
import { connect, connectApp, openDatabase } from '../server/db/database.js';
import { MigrationError, migrate, readMigrations } from '../server/db/migrate.js';
import { createLogger } from '../server/log.js';
import { MIGRATIONS_DIR } from '../server/paths.js';
import { freshDatabase } from './support/harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function database() {
  const db = await freshDatabase();
  cleanups.push(db.drop);
  return db;
}

function copyOfMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-migrations-'));
  for (const file of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('migrations', () => {
  it('apply in order on a fresh database, recorded with checksums; a re-run changes nothing', async () => {
    const db = await database();
    const first = await migrate(db.admin);
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    const rows = await db.admin<{ version: number; checksum: string }[]>`select version, checksum from schema_migrations order by version`;
    expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    const second = await migrate(db.admin);
    expect(second.applied).toEqual([]);
    expect(await db.admin`select count(*)::int as n from schema_migrations`).toEqual([{ n: rows.length }]);
  });

  it('refuse to start when an applied file was edited, naming the file', async () => {
    const db = await database();
    const dir = copyOfMigrations();
    await migrate(db.admin, dir);
    fs.appendFileSync(path.join(dir, '001_foundation.sql'), '\n-- a quiet edit\n');
    const error = await migrate(db.admin, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/001_foundation\.sql was changed after it was applied/);
  });

  it('roll a failing migration back completely and record nothing', async () => {
    const db = await database();
    const dir = copyOfMigrations();
    const next = String(readMigrations(dir).length + 1).padStart(3, '0');
    fs.writeFileSync(path.join(dir, `${next}_broken.sql`), 'create table half_done (id int);\nselect no_such_function();\n');
    await expect(migrate(db.admin, dir)).rejects.toThrow(/no_such_function/);
    expect(await db.admin`select to_regclass('half_done') as t`).toEqual([{ t: null }]);
    expect((await db.admin`select count(*)::int as n from schema_migrations`)[0]!.n).toBe(readMigrations().length);
  });

  it('several instances starting at once apply each migration exactly once, none of them failing', async () => {
    // Four starters on separate connections, repeated on fresh databases: the race on creating schema_migrations
    // itself showed up only now and then with two.
    for (let round = 0; round < 3; round++) {
      const db = await database();
      const starters = [db.admin];
      for (let i = 0; i < 3; i++) {
        const other = connect(db.url, { max: 1 });
        cleanups.push(() => other.end({ timeout: 1 }));
        starters.push(other);
      }
      const results = await Promise.all(starters.map((s) => migrate(s)));
      expect(results.flatMap((r) => r.applied).sort()).toEqual(readMigrations().map((m) => m.name).sort());
      expect((await db.admin`select count(*)::int as n from schema_migrations`)[0]!.n).toBe(readMigrations().length);
    }
  });

  it('refuse a database migrated by a newer version', async () => {
    const db = await database();
    await migrate(db.admin);
    await db.admin`insert into schema_migrations (version, name, checksum) values (999, '999_future.sql', 'x')`;
    await expect(migrate(db.admin)).rejects.toThrow(/newer than this version/);
  });
});

describe('the application’s database login', () => {
  it('exists before the first migration, is repaired on every start, and keeps one password for every process', async () => {
    const db = await database();
    const role = appLoginRoleName(db.name);
    const first = await ensureAppLogin(db.admin, db.url);
    const app = connect(first, { max: 1 });
    cleanups.push(() => app.end({ timeout: 1 }));
    expect(await app`select current_user as me`).toEqual([{ me: role }]);
    await migrate(db.admin);

    // Someone widens it by hand; the next start narrows it again.
    await db.admin.unsafe(`alter role ${role} createdb createrole bypassrls; grant pg_read_all_data to ${role}`);
    const second = await ensureAppLogin(db.admin, db.url);
    expect(second).toBe(first);
    const [attributes] = await db.admin`
      select rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication, rolinherit, rolcanlogin,
             array(select g.rolname::text from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = r.oid order by g.rolname) as member_of
      from pg_roles r where rolname = ${role}`;
    expect(attributes).toEqual({ rolsuper: false, rolbypassrls: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolinherit: true, rolcanlogin: true, member_of: ['naervaer_app', 'naervaer_volunteer'] });
    // A process that started before the repair still opens new connections with the password it has.
    const later = connect(first, { max: 1 });
    cleanups.push(() => later.end({ timeout: 1 }));
    expect(await later`select current_user as me`).toEqual([{ me: role }]);
  });

  it('uses a login a DBA made (APP_DATABASE_URL) as it is, when it is a plain member of naervaer_app', async () => {
    const db = await database();
    await migrate(db.admin);
    const role = `naervaer_dba_${db.name.slice(-10)}`;
    await db.admin.unsafe(`create role ${role} login password 'dba-chosen-password' in role naervaer_app`);
    cleanups.push(() => db.admin.unsafe(`drop role if exists ${role}`).then(() => {}));
    const appUrl = new URL(db.url);
    appUrl.username = role;
    appUrl.password = 'dba-chosen-password';
    const opened = await openDatabase({ databaseUrl: db.url, dataDir: os.tmpdir(), appDatabaseUrl: appUrl.toString() }, createLogger({ level: 'silent' }));
    cleanups.push(() => opened.close());
    expect(await opened.app`select current_user as me`).toEqual([{ me: role }]);
    expect(await db.admin`select 1 from pg_roles where rolname = ${appLoginRoleName(db.name)}`).toHaveLength(0);
  });

  it('refuses an application login that could leave row-level security (APP_DATABASE_URL pointing at a superuser)', async () => {
    const db = await database();
    await migrate(db.admin);
    await expect(connectApp(db.admin, db.url, { appUrl: db.url })).rejects.toThrow(/neither a superuser nor allowed to bypass row-level security/);
  });

  it('refuses a DBA-made login that is also a member of a role that can bypass RLS (it could SET ROLE out)', async () => {
    const db = await database();
    await migrate(db.admin);
    const role = `naervaer_dba_${db.name.slice(-10)}`;
    const bypass = `naervaer_bypass_${db.name.slice(-10)}`;
    await db.admin.unsafe(`create role ${bypass} nologin bypassrls`);
    await db.admin.unsafe(`create role ${role} login password 'dba-chosen-password' noinherit in role naervaer_app, ${bypass}`);
    cleanups.push(() => db.admin.unsafe(`drop role if exists ${role}`).then(() => db.admin.unsafe(`drop role if exists ${bypass}`)).then(() => {}));
    const appUrl = new URL(db.url);
    appUrl.username = role;
    appUrl.password = 'dba-chosen-password';
    await expect(connectApp(db.admin, db.url, { appUrl: appUrl.toString() })).rejects.toThrow(new RegExp(`nor a member of a role that is or owns the tables \\(${bypass}\\)`));
  });
});
