import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';

/**
 * The login the application's pool uses. It is a role of its own, NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE
 * NOREPLICATION, whose only privileges are membership (with INHERIT) of the group `naervaer_app` that policies and
 * grants name, and being allowed to switch to `naervaer_volunteer` for a volunteer's requests. Logging in as the owner and switching with SET ROLE (as before) left the owner one `SET ROLE NONE`
 * away; a login that is not the owner has nowhere to go back to: RESET ROLE, SET ROLE NONE and SET SESSION
 * AUTHORIZATION all end up at this role or are refused.
 *
 * Role names are cluster-wide while our data is per database (the tests run dozens of databases in one cluster),
 * so the login is named after its database. Its random password lives in an owner-only table of that database, so
 * every process of the installation (server, dispatcher, demo, several instances) logs in with the same one; each
 * start re-asserts the role's attributes, membership and password, repairing anything changed by hand.
 */

export const APP_GROUP = 'naervaer_app';

/**
 * The role a volunteer's transactions switch to (migration 019: no grant on case data). The login may SET ROLE to it
 * but does not inherit it (PostgreSQL 16+: WITH INHERIT FALSE; before 16 a membership always inherits, which is
 * harmless as its grants are a subset of naervaer_app's, and the policies key on current_user, not on membership).
 */
export const VOLUNTEER_ROLE = 'naervaer_volunteer';

const LOCK_KEY = 0x6e_61_65_72; // "naer", the migrations' lock: role set-up and migrations never interleave

/** `naervaer_app_<database>`, or a hash of the database name when that is not a plain short identifier. */
export function appLoginRoleName(database: string): string {
  if (/^[a-z_][a-z0-9_]{0,45}$/.test(database)) return `naervaer_app_${database}`;
  return `naervaer_app_${createHash('sha256').update(database).digest('hex').slice(0, 24)}`;
}

/**
 * A SCRAM-SHA-256 verifier (RFC 5803 form, as PostgreSQL stores it), so the password itself never appears in a
 * statement that the server might log (log_statement = ddl logs ALTER ROLE … PASSWORD '…' verbatim).
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const ident = (value: string) => `"${value.replace(/"/g, '""')}"`;

interface RoleRow {
  rolsuper: boolean;
  rolbypassrls: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  rolreplication: boolean;
  rolinherit: boolean;
  rolcanlogin: boolean;
}

/**
 * Ensures this database's application login (see above) and returns the URL to connect with: the owner's URL with
 * the login's name and password. Needs the owner's connection (a superuser, or a role with CREATEROLE and
 * BYPASSRLS: with RLS forced, the owner's cross-organisation functions rely on it bypassing RLS).
 */
export async function ensureAppLogin(admin: Sql, ownerUrl: string): Promise<string> {
  const [owner] = await admin<{ database: string; rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean }[]>`
    select current_database() as database, rolsuper, rolbypassrls, rolcreaterole from pg_roles where rolname = current_user`;
  if (!owner!.rolsuper && !(owner!.rolbypassrls && owner!.rolcreaterole)) {
    throw new Error(
      'the DATABASE_URL user must be a superuser, or have CREATEROLE and BYPASSRLS: it creates the application\'s login role, ' +
        'and sign-in, reminders and retention work across organisations through functions it owns',
    );
  }
  const role = appLoginRoleName(owner!.database);
  const password = await admin.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    // The groups normally come from migrations 001 and 019; creating them here lets the login exist before those run.
    for (const group of [APP_GROUP, VOLUNTEER_ROLE]) {
      await tx.unsafe(`
        do $$ begin
          if not exists (select 1 from pg_roles where rolname = ${literal(group)}) then
            create role ${ident(group)} nologin nosuperuser nobypassrls${group === VOLUNTEER_ROLE ? ' noinherit' : ''};
          end if;
        exception when duplicate_object or unique_violation then
          null; -- another database of this cluster created it at the same moment
        end $$`);
    }
    await tx`
      create table if not exists naervaer_app_login (
        role_name text primary key,
        password text not null check (length(password) >= 32),
        created_at timestamptz not null default now()
      )`;
    // Nobody but the owner reads it; naervaer_app in particular gets no grant.
    await tx`revoke all on naervaer_app_login from public`;
    await tx`insert into naervaer_app_login (role_name, password) values (${role}, ${randomBytes(32).toString('base64url')}) on conflict (role_name) do nothing`;
    const [row] = await tx<{ password: string }[]>`select password from naervaer_app_login where role_name = ${role}`;

    const verifier = literal(scramVerifier(row!.password));
    const [existing] = await tx<RoleRow[]>`
      select rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication, rolinherit, rolcanlogin from pg_roles where rolname = ${role}`;
    if (!existing) {
      await tx.unsafe(`create role ${ident(role)} login nosuperuser nobypassrls nocreatedb nocreaterole noreplication inherit password ${verifier}`);
    } else if (existing.rolsuper || existing.rolbypassrls || existing.rolcreatedb || existing.rolcreaterole || existing.rolreplication) {
      // Someone widened it by hand: narrow it again (needs a superuser owner; anything else fails loudly here).
      await tx.unsafe(`alter role ${ident(role)} nosuperuser nobypassrls nocreatedb nocreaterole noreplication`);
    }
    await tx.unsafe(`alter role ${ident(role)} login inherit valid until 'infinity' password ${verifier}`);

    // Exactly two memberships: naervaer_app, and naervaer_volunteer to switch to (not inherited where that can be said).
    const [version] = await tx<{ grant_options: boolean }[]>`select current_setting('server_version_num')::int >= 160000 as grant_options`;
    const grantOptions = version!.grant_options;
    const memberships = await tx<{ granted: string; inherits: boolean }[]>`
      select g.rolname as granted, ${grantOptions ? tx`m.inherit_option` : tx`true`} as inherits from pg_auth_members m
      join pg_roles g on g.oid = m.roleid join pg_roles r on r.oid = m.member
      where r.rolname = ${role}`;
    for (const m of memberships) {
      const wrong = m.granted !== APP_GROUP && !(m.granted === VOLUNTEER_ROLE && !(grantOptions && m.inherits));
      if (wrong) await tx.unsafe(`revoke ${ident(m.granted)} from ${ident(role)}`);
    }
    if (!memberships.some((m) => m.granted === APP_GROUP)) await tx.unsafe(`grant ${ident(APP_GROUP)} to ${ident(role)}`);
    if (!memberships.some((m) => m.granted === VOLUNTEER_ROLE && !(grantOptions && m.inherits))) {
      await tx.unsafe(`grant ${ident(VOLUNTEER_ROLE)} to ${ident(role)}${grantOptions ? ' with inherit false, set true' : ''}`);
    }
    return row!.password;
  });

  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * Refuses an application login (APP_DATABASE_URL, or ours) that could leave row-level security: a superuser, a
 * BYPASSRLS role or one that is not a member of naervaer_app.
 */
export async function checkAppLogin(app: Sql): Promise<void> {
  // 'member' (not 'usage'): a role it could SET ROLE to counts even without INHERIT. Any such role that is a
  // superuser, may bypass RLS or owns a table would be a way out, so none may exist.
  const [me] = await app<{ rolsuper: boolean; rolbypassrls: boolean; member: boolean; escapes: string[] }[]>`
    select me.rolsuper, me.rolbypassrls, pg_has_role(current_user, ${APP_GROUP}, 'member') as member,
      array(
        select r.rolname::text from pg_roles r
        where r.rolname <> current_user and pg_has_role(current_user, r.oid, 'member')
          and (r.rolsuper or r.rolbypassrls or exists (select 1 from pg_class c where c.relowner = r.oid and c.relkind in ('r', 'p')
                and c.relnamespace = 'public'::regnamespace))
      ) as escapes
    from pg_roles me where me.rolname = current_user`;
  if (!me || me.rolsuper || me.rolbypassrls || !me.member || me.escapes.length > 0) {
    throw new Error(
      `the application's database login must be a member of ${APP_GROUP} and neither a superuser nor allowed to bypass row-level security` +
        (me && me.escapes.length > 0 ? `, nor a member of a role that is or owns the tables (${me.escapes.join(', ')})` : ''),
    );
  }
}
