import { Type } from '@sinclair/typebox';
import type { Sql } from 'postgres';
import {
  CaseloadEntry, Colleague, CreateTeamBody, CreateUserBody, IdParams, Team, UpdateTeamBody, UpdateUserBody, User, UserListQuery,
  type Role,
} from '../../protocol/api.js';
import { audit } from '../audit/audit.js';
import { hashPassword } from '../auth/password.js';
import type { Auth } from '../auth/session.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, forbidden, notFound } from '../http/errors.js';
import type { App, FeatureDeps } from '../http/types.js';

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

export function peopleRoutes(app: App, { sql }: FeatureDeps): void {
  const coordinator = { roles: ['coordinator'] as const };
  const withAuth = <T>(auth: Auth, fn: (tx: Tx) => Promise<T>) => inOrganisation(sql, auth.organisationId, fn);

  // Teams
  app.get('/api/teams', { config: coordinator, schema: { tags: ['people'], response: { 200: Type.Array(Team) } } }, async (request) =>
    withAuth(request.auth!, (tx) => tx<Team[]>`select id, name, active from teams order by name`));

  app.post('/api/teams', { config: coordinator, schema: { tags: ['people'], body: CreateTeamBody, response: { 201: Team } } }, async (request, reply) => {
    const auth = request.auth!;
    const team = await withAuth(auth, async (tx) => {
      const [row] = await tx<Team[]>`insert into teams (organisation_id, name) values (${auth.organisationId}, ${request.body.name.trim()}) returning id, name, active`;
      await audit(tx, auth, 'team.create', null, { teamId: row!.id });
      return row!;
    });
    return reply.code(201).send(team);
  });

  app.patch('/api/teams/:teamId', { config: coordinator, schema: { tags: ['people'], params: IdParams.team, body: UpdateTeamBody, response: { 200: Team } } }, async (request) => {
    const auth = request.auth!;
    const { name, active } = request.body;
    return withAuth(auth, async (tx) => {
      const [row] = await tx<Team[]>`
        update teams set name = coalesce(${name?.trim() ?? null}, name), active = coalesce(${active ?? null}, active)
        where id = ${request.params.teamId} returning id, name, active`;
      if (!row) throw notFound('No such team');
      await audit(tx, auth, 'team.update', null, { teamId: row.id });
      return row;
    });
  });

  // Users
  app.get('/api/users', { config: coordinator, schema: { tags: ['people'], querystring: UserListQuery, response: { 200: Type.Array(User) } } }, async (request) => {
    const auth = request.auth!;
    const { role, includeInactive } = request.query;
    return withAuth(auth, async (tx) => {
      const rows = await tx<UserRow[]>`
        select ${tx.unsafe(USER_COLUMNS)} from users
        where (${role ?? null}::text is null or role = ${role ?? null}) and (active or ${includeInactive === 'true'})
        order by role, display_name, id`;
      await audit(tx, auth, 'citizen.list', rows.filter((r) => r.role === 'citizen').map((r) => r.id));
      return rows.map(toUser);
    });
  });

  app.post('/api/users', { config: coordinator, schema: { tags: ['people'], body: CreateUserBody, response: { 201: User } } }, async (request, reply) => {
    const auth = request.auth!;
    const body = request.body;
    if (body.role === 'citizen' && body.password !== undefined) throw badRequest('Citizens never get a password; create a sign-in link instead');
    if (body.role !== 'citizen' && (body.email === undefined || body.password === undefined)) {
      throw badRequest('Staff need an e-mail address and an initial password to sign in');
    }
    const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
    const user = await withAuth(auth, async (tx) => {
      const [row] = await tx<UserRow[]>`
        insert into users (organisation_id, role, display_name, email, phone, preferred_language, team_id, password_hash)
        values (${auth.organisationId}, ${body.role}, ${body.displayName.trim()}, ${body.email?.trim() ?? null}, ${body.phone ?? null},
                ${body.preferredLanguage ?? 'da'}, ${body.teamId ?? null}, ${passwordHash})
        returning ${tx.unsafe(USER_COLUMNS)}`;
      await audit(tx, auth, `${row!.role === 'citizen' ? 'citizen' : 'staff'}.create`, row!.id);
      return toUser(row!);
    });
    return reply.code(201).send(user);
  });

  app.get('/api/users/:userId', { config: coordinator, schema: { tags: ['people'], params: IdParams.user, response: { 200: User } } }, async (request) => {
    const auth = request.auth!;
    return withAuth(auth, async (tx) => {
      const [row] = await tx<UserRow[]>`select ${tx.unsafe(USER_COLUMNS)} from users where id = ${request.params.userId}`;
      if (!row) throw notFound('No such user');
      if (row.role === 'citizen') await audit(tx, auth, 'citizen.read', row.id);
      return toUser(row);
    });
  });

  app.patch('/api/users/:userId', { config: coordinator, schema: { tags: ['people'], params: IdParams.user, body: UpdateUserBody, response: { 200: User } } }, async (request) => {
    const auth = request.auth!;
    const body = request.body;
    const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
    return withAuth(auth, async (tx) => {
      const [current] = await tx<UserRow[]>`select ${tx.unsafe(USER_COLUMNS)} from users where id = ${request.params.userId} for update`;
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
      if (passwordHash !== undefined) await revokeSessions(tx, current.id);
      await audit(tx, auth, `${current.role === 'citizen' ? 'citizen' : 'staff'}.update`, current.id, { fields: Object.keys(body).sort().join(',') });
      return toUser(row!);
    });
  });

  app.post('/api/users/:userId/deactivate', { config: coordinator, schema: { tags: ['people'], params: IdParams.user, response: { 200: User } } }, async (request) => {
    const auth = request.auth!;
    if (request.params.userId === auth.userId) throw badRequest('You cannot deactivate yourself');
    const user = await withAuth(auth, async (tx) => {
      const [row] = await tx<UserRow[]>`update users set active = false, updated_at = now() where id = ${request.params.userId} returning ${tx.unsafe(USER_COLUMNS)}`;
      if (!row) throw notFound('No such user');
      // A deactivated person is signed out everywhere and their unused links stop working.
      await revokeSessions(tx, row.id);
      await tx`update citizen_links set revoked_at = now() where citizen_id = ${row.id} and revoked_at is null and used_at is null`;
      await audit(tx, auth, `${row.role === 'citizen' ? 'citizen' : 'staff'}.deactivate`, row.id);
      return toUser(row);
    });
    // …and taken out of any call they are in, once the deactivation is committed.
    await app.liveCalls.signInsChanged(auth.organisationId, user.id);
    return user;
  });

  /** Staff of the organisation, for bringing a colleague into a session. Names and roles only. */
  app.get('/api/colleagues', { config: { roles: ['worker', 'coordinator'] }, schema: { tags: ['people'], response: { 200: Type.Array(Colleague) } } }, async (request) =>
    withAuth(request.auth!, (tx) => tx<Colleague[]>`
      select id, display_name as "displayName", role from users
      where role <> 'citizen' and active and id <> ${request.auth!.userId} order by display_name, id`));

  // Caseload: which citizens a worker supports
  app.get('/api/workers/:workerId/caseload', {
    config: { roles: ['coordinator', 'worker'] },
    schema: { tags: ['people'], params: IdParams.worker, response: { 200: Type.Array(CaseloadEntry) } },
  }, async (request) => {
    const auth = request.auth!;
    const { workerId } = request.params;
    if (auth.role === 'worker' && workerId !== auth.userId) throw forbidden('Workers can see only their own caseload');
    return withAuth(auth, async (tx) => {
      await assertWorker(tx, workerId);
      const rows = await tx<{ citizen_id: string; display_name: string; since: Date }[]>`
        select c.citizen_id, u.display_name, c.created_at as since
        from caseloads c join users u on u.id = c.citizen_id
        where c.worker_id = ${workerId} and u.active order by u.display_name, u.id`;
      await audit(tx, auth, 'citizen.list', rows.map((r) => r.citizen_id), { workerId });
      return rows.map((r) => ({ citizenId: r.citizen_id, displayName: r.display_name, since: r.since.toISOString() }));
    });
  });

  app.put('/api/workers/:workerId/caseload/:citizenId', {
    config: coordinator,
    schema: { tags: ['people'], params: IdParams.caseload, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const auth = request.auth!;
    const { workerId, citizenId } = request.params;
    await withAuth(auth, async (tx) => {
      await assertWorker(tx, workerId);
      const [citizen] = await tx`select 1 from users where id = ${citizenId} and role = 'citizen' and active`;
      if (!citizen) throw notFound('No such citizen');
      const inserted = await tx`
        insert into caseloads (organisation_id, worker_id, citizen_id) values (${auth.organisationId}, ${workerId}, ${citizenId})
        on conflict do nothing returning 1`;
      if (inserted.length > 0) await audit(tx, auth, 'caseload.add', citizenId, { workerId });
    });
    return reply.code(204).send(null);
  });

  app.delete('/api/workers/:workerId/caseload/:citizenId', {
    config: coordinator,
    schema: { tags: ['people'], params: IdParams.caseload, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const auth = request.auth!;
    const { workerId, citizenId } = request.params;
    await withAuth(auth, async (tx) => {
      const removed = await tx`delete from caseloads where worker_id = ${workerId} and citizen_id = ${citizenId} returning 1`;
      if (removed.length === 0) throw notFound('This citizen is not in that caseload');
      await audit(tx, auth, 'caseload.remove', citizenId, { workerId });
    });
    return reply.code(204).send(null);
  });
}

async function assertWorker(tx: Tx, workerId: string): Promise<void> {
  const [row] = await tx`select 1 from users where id = ${workerId} and role = 'worker'`;
  if (!row) throw notFound('No such worker');
}

export async function revokeSessions(tx: Tx | Sql, userId: string): Promise<void> {
  await tx`update auth_sessions set revoked_at = now() where user_id = ${userId} and revoked_at is null`;
}
