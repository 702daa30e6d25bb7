/**
 * The organisation's people in the database: teams, staff and citizens, caseloads, and the organisation's own
 * settings. Every query of the people feature, each in one transaction inside the caller's organisation (RLS) with
 * its audit row; plus the installation-level work done with the schema owner's connection.
 */
import type { Sql } from 'postgres';
import type { Role } from '../../protocol/common.js';
import type { OrganisationSettingsWithRetention, UpdateOrganisationWithRetentionBody } from '../../protocol/organisation.js';
import type { CaseloadEntry, Colleague, CreateUserBody, Team, UpdateTeamBody, UpdateUserBody, User, UserListQuery } from '../../protocol/people.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { hashPassword } from '../auth/password.js';
import { revokeSignIns } from '../auth/store.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, notFound } from '../http/errors.js';

/**
 * Installation-level work, done with the schema owner's connection (no organisation context exists yet):
 * creating an organisation and its people. Used by the demo seed and by operators.
 */
export async function createOrganisation(admin: Sql, name: string, id?: string): Promise<string> {
  const [row] = await admin<{ id: string }[]>`
    insert into organisations (id, name) values (coalesce(${id ?? null}::uuid, gen_random_uuid()), ${name})
    on conflict (id) do update set name = excluded.name returning id`;
  return row!.id;
}

export async function upsertUser(
  admin: Sql,
  user: { organisationId: string; role: Role; displayName: string; email?: string; phone?: string; password?: string; id?: string },
): Promise<string> {
  const passwordHash = user.password ? await hashPassword(user.password) : null;
  const [row] = await admin<{ id: string }[]>`
    insert into users (id, organisation_id, role, display_name, email, phone, password_hash)
    values (coalesce(${user.id ?? null}::uuid, gen_random_uuid()), ${user.organisationId}, ${user.role}, ${user.displayName},
            ${user.email ?? null}, ${user.phone ?? null}, ${passwordHash})
    on conflict (id) do update set display_name = excluded.display_name, email = excluded.email, phone = excluded.phone,
      password_hash = excluded.password_hash, active = true, updated_at = now()
    returning id`;
  return row!.id;
}

/** Puts a citizen in a worker's caseload (installation-level, e.g. the demo seed); already there is fine. */
export async function assignCaseload(admin: Sql, caseload: { organisationId: string; workerId: string; citizenId: string }): Promise<void> {
  await admin`
    insert into caseloads (organisation_id, worker_id, citizen_id) values (${caseload.organisationId}, ${caseload.workerId}, ${caseload.citizenId})
    on conflict do nothing`;
}

/**
 * A coordinator may act on any citizen of the organisation (RLS already limits it to that); a worker only on the
 * citizens in their own caseload. Anything else is "not found", so ids reveal nothing about who exists.
 */
export async function assertCitizenAccess(tx: Tx, auth: Auth, citizenId: string): Promise<void> {
  const rows =
    auth.role === 'coordinator'
      ? await tx`select 1 from users where id = ${citizenId} and role = 'citizen'`
      : auth.role === 'worker'
        ? await tx`select 1 from caseloads where worker_id = ${auth.userId} and citizen_id = ${citizenId}`
        : [];
  if (rows.length === 0) throw notFound('No such citizen');
}

interface UserRow {
  id: string;
  role: Role;
  display_name: string;
  email: string | null;
  phone: string | null;
  preferred_language: User['preferredLanguage'];
  team_id: string | null;
  active: boolean;
  sign_in_locked: boolean;
}

const toUser = (r: UserRow): User => ({
  id: r.id, role: r.role, displayName: r.display_name, email: r.email, phone: r.phone,
  preferredLanguage: r.preferred_language, teamId: r.team_id, active: r.active, signInLocked: r.sign_in_locked,
});

// sign_in_locked: the per-account lockout (migration 007), so a coordinator sees whom to unlock.
const USER_COLUMNS = `id, role, display_name, email, phone, preferred_language, team_id, active,
  exists (select 1 from sign_in_failures f where f.user_id = users.id and f.locked_until > now()) as sign_in_locked`;

/** The first word of the audit action about a person: `citizen.…` or `staff.…`. */
const kind = (role: Role) => (role === 'citizen' ? 'citizen' : 'staff');

async function assertWorker(tx: Tx, workerId: string): Promise<void> {
  const [row] = await tx`select 1 from users where id = ${workerId} and role = 'worker'`;
  if (!row) throw notFound('No such worker');
}

async function readOrganisation(tx: Tx): Promise<OrganisationSettingsWithRetention> {
  const [row] = await tx<OrganisationSettingsWithRetention[]>`
    select name, time_zone as "timeZone", reminder_offsets_minutes as "reminderOffsetsMinutes",
           to_char(quiet_hours_start, 'HH24:MI') as "quietHoursStart", to_char(quiet_hours_end, 'HH24:MI') as "quietHoursEnd",
           calendar_titles as "calendarTitles",
           json_build_object('citizenDays', retention_citizen_days, 'linkDays', retention_link_days, 'reminderDays', retention_reminder_days,
                             'callLogDays', retention_call_log_days, 'auditDays', retention_audit_days) as retention
    from organisations`;
  return row!;
}

export type PeopleStore = ReturnType<typeof peopleStore>;

export function peopleStore(sql: Sql) {
  return {
    // Teams

    listTeams(auth: Auth): Promise<Team[]> {
      return inOrganisation(sql, auth.organisationId, (tx) => tx<Team[]>`select id, name, active from teams order by name`);
    },

    createTeam(auth: Auth, name: string): Promise<Team> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<Team[]>`insert into teams (organisation_id, name) values (${auth.organisationId}, ${name.trim()}) returning id, name, active`;
        await audit(tx, auth, 'team.create', null, { teamId: row!.id });
        return row!;
      });
    },

    updateTeam(auth: Auth, teamId: string, { name, active }: UpdateTeamBody): Promise<Team> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<Team[]>`
          update teams set name = coalesce(${name?.trim() ?? null}, name), active = coalesce(${active ?? null}, active)
          where id = ${teamId} returning id, name, active`;
        if (!row) throw notFound('No such team');
        await audit(tx, auth, 'team.update', null, { teamId: row.id });
        return row;
      });
    },

    // Users

    listUsers(auth: Auth, { role, includeInactive }: UserListQuery): Promise<User[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<UserRow[]>`
          select ${tx.unsafe(USER_COLUMNS)} from users
          where (${role ?? null}::text is null or role = ${role ?? null}) and (active or ${includeInactive === 'true'})
          order by role, display_name, id`;
        await audit(tx, auth, 'citizen.list', rows.filter((r) => r.role === 'citizen').map((r) => r.id));
        return rows.map(toUser);
      });
    },

    async createUser(auth: Auth, body: CreateUserBody): Promise<User> {
      const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<UserRow[]>`
          insert into users (organisation_id, role, display_name, email, phone, preferred_language, team_id, password_hash)
          values (${auth.organisationId}, ${body.role}, ${body.displayName.trim()}, ${body.email?.trim() ?? null}, ${body.phone ?? null},
                  ${body.preferredLanguage ?? 'da'}, ${body.teamId ?? null}, ${passwordHash})
          returning ${tx.unsafe(USER_COLUMNS)}`;
        await audit(tx, auth, `${kind(row!.role)}.create`, row!.id);
        return toUser(row!);
      });
    },

    getUser(auth: Auth, userId: string): Promise<User> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<UserRow[]>`select ${tx.unsafe(USER_COLUMNS)} from users where id = ${userId}`;
        if (!row) throw notFound('No such user');
        if (row.role === 'citizen') await audit(tx, auth, 'citizen.read', row.id);
        return toUser(row);
      });
    },

    /** A new password signs the person out everywhere. */
    async updateUser(auth: Auth, userId: string, body: UpdateUserBody): Promise<User> {
      const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [current] = await tx<UserRow[]>`select ${tx.unsafe(USER_COLUMNS)} from users where id = ${userId} for update`;
        if (!current) throw notFound('No such user');
        if (current.role === 'citizen' && passwordHash !== undefined) throw badRequest('Citizens never get a password');
        if (current.role !== 'citizen' && body.email === null) throw badRequest('Staff need an e-mail address to sign in');
        const pick = <K extends keyof typeof body>(key: K, fallback: unknown) => (key in body ? body[key] : fallback);
        const [row] = await tx<UserRow[]>`
          update users set
            display_name = ${(body.displayName?.trim() ?? current.display_name)},
            email = ${pick('email', current.email) as string | null},
            phone = ${pick('phone', current.phone) as string | null},
            preferred_language = ${body.preferredLanguage ?? current.preferred_language},
            team_id = ${pick('teamId', current.team_id) as string | null},
            password_hash = coalesce(${passwordHash ?? null}, password_hash),
            updated_at = now()
          where id = ${current.id}
          returning ${tx.unsafe(USER_COLUMNS)}`;
        if (passwordHash !== undefined) await revokeSignIns(tx, current.id);
        await audit(tx, auth, `${kind(current.role)}.update`, current.id, { fields: Object.keys(body).sort().join(',') });
        return toUser(row!);
      });
    },

    deactivate(auth: Auth, userId: string): Promise<User> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<UserRow[]>`update users set active = false, updated_at = now() where id = ${userId} returning ${tx.unsafe(USER_COLUMNS)}`;
        if (!row) throw notFound('No such user');
        // A deactivated person is signed out everywhere and their unused links stop working.
        await revokeSignIns(tx, row.id);
        await tx`update citizen_links set revoked_at = now() where citizen_id = ${row.id} and revoked_at is null and used_at is null`;
        await audit(tx, auth, `${kind(row.role)}.deactivate`, row.id);
        return toUser(row);
      });
    },

    /** Active staff other than the caller, names and roles only. */
    colleagues(auth: Auth): Promise<Colleague[]> {
      return inOrganisation(sql, auth.organisationId, (tx) => tx<Colleague[]>`
        select id, display_name as "displayName", role from users
        where role <> 'citizen' and active and id <> ${auth.userId} order by display_name, id`);
    },

    // Caseloads: which citizens a worker supports

    caseload(auth: Auth, workerId: string): Promise<CaseloadEntry[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertWorker(tx, workerId);
        const rows = await tx<{ citizen_id: string; display_name: string; since: Date }[]>`
          select c.citizen_id, u.display_name, c.created_at as since
          from caseloads c join users u on u.id = c.citizen_id
          where c.worker_id = ${workerId} and u.active order by u.display_name, u.id`;
        await audit(tx, auth, 'citizen.list', rows.map((r) => r.citizen_id), { workerId });
        return rows.map((r) => ({ citizenId: r.citizen_id, displayName: r.display_name, since: r.since.toISOString() }));
      });
    },

    async addToCaseload(auth: Auth, workerId: string, citizenId: string): Promise<void> {
      await inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertWorker(tx, workerId);
        const [citizen] = await tx`select 1 from users where id = ${citizenId} and role = 'citizen' and active`;
        if (!citizen) throw notFound('No such citizen');
        const inserted = await tx`
          insert into caseloads (organisation_id, worker_id, citizen_id) values (${auth.organisationId}, ${workerId}, ${citizenId})
          on conflict do nothing returning 1`;
        if (inserted.length > 0) await audit(tx, auth, 'caseload.add', citizenId, { workerId });
      });
    },

    async removeFromCaseload(auth: Auth, workerId: string, citizenId: string): Promise<void> {
      await inOrganisation(sql, auth.organisationId, async (tx) => {
        const removed = await tx`delete from caseloads where worker_id = ${workerId} and citizen_id = ${citizenId} returning 1`;
        if (removed.length === 0) throw notFound('This citizen is not in that caseload');
        await audit(tx, auth, 'caseload.remove', citizenId, { workerId });
      });
    },

    // The organisation's settings: reminder offsets, SMS quiet hours, calendar titles, retention

    organisationSettings(auth: Auth): Promise<OrganisationSettingsWithRetention> {
      return inOrganisation(sql, auth.organisationId, readOrganisation);
    },

    updateOrganisationSettings(auth: Auth, body: UpdateOrganisationWithRetentionBody): Promise<OrganisationSettingsWithRetention> {
      const r = body.retention ?? {};
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await tx`
          update organisations set
            reminder_offsets_minutes = coalesce(${body.reminderOffsetsMinutes ? tx.array(body.reminderOffsetsMinutes) : null}::int[], reminder_offsets_minutes),
            quiet_hours_start = coalesce(${body.quietHoursStart ?? null}::time, quiet_hours_start),
            quiet_hours_end = coalesce(${body.quietHoursEnd ?? null}::time, quiet_hours_end),
            calendar_titles = coalesce(${body.calendarTitles ?? null}, calendar_titles),
            retention_citizen_days = coalesce(${r.citizenDays ?? null}::int, retention_citizen_days),
            retention_link_days = coalesce(${r.linkDays ?? null}::int, retention_link_days),
            retention_reminder_days = coalesce(${r.reminderDays ?? null}::int, retention_reminder_days),
            retention_call_log_days = coalesce(${r.callLogDays ?? null}::int, retention_call_log_days),
            retention_audit_days = coalesce(${r.auditDays ?? null}::int, retention_audit_days)
          where id = ${auth.organisationId}`;
        // Names of the changed settings only; a shortened retention is on the record before it deletes anything.
        const fields = [...Object.keys(body).filter((k) => k !== 'retention'), ...Object.keys(r).map((k) => `retention.${k}`)].sort();
        await audit(tx, auth, 'organisation.update', null, { fields: fields.join(',') });
        return readOrganisation(tx);
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    people: PeopleStore;
  }
}
