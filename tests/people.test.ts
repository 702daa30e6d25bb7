import { beforeAll, describe, expect, it } from 'vitest';
import { count } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h, org, cookies } = useHarness({ signIn: ['coordinator'] });
let coordinator: string;

beforeAll(() => {
  coordinator = cookies.coordinator;
});

const auditOf = (subject: string) => h.admin<{ action: string; actor_id: string }[]>`select action, actor_id from audit_events where subject_id = ${subject} order by id`;

describe('teams and users (coordinator)', () => {
  it('creates, lists and renames a team', async () => {
    const created = await h.request('POST', '/api/teams', { cookie: coordinator, body: { name: 'Team Vest' } });
    expect(created.statusCode).toBe(201);
    const team = created.json();
    expect(team).toMatchObject({ name: 'Team Vest', active: true });
    const duplicate = await h.request('POST', '/api/teams', { cookie: coordinator, body: { name: 'Team Vest' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toEqual({ code: 'conflict', message: 'A team with this name already exists' });
    const renamed = await h.request('PATCH', `/api/teams/${team.id}`, { cookie: coordinator, body: { name: 'Team Øst' } });
    expect(renamed.json()).toMatchObject({ id: team.id, name: 'Team Øst' });
    const list = await h.request('GET', '/api/teams', { cookie: coordinator });
    expect(list.json().map((t: { name: string }) => t.name)).toContain('Team Øst');
  });

  it('creates a worker who can then sign in, and a citizen without a password, auditing the citizen', async () => {
    const worker = await h.request('POST', '/api/users', {
      cookie: coordinator,
      body: { role: 'worker', displayName: 'Ny Medarbejder', email: 'ny@testkommune.dk', password: 'long enough password' },
    });
    expect(worker.statusCode).toBe(201);
    expect(worker.json()).toMatchObject({ role: 'worker', email: 'ny@testkommune.dk', active: true, preferredLanguage: 'da' });
    expect(worker.json()).not.toHaveProperty('password_hash');
    await h.login('ny@testkommune.dk', 'long enough password');

    const citizen = await h.request('POST', '/api/users', {
      cookie: coordinator,
      body: { role: 'citizen', displayName: 'Erik Borger', phone: '+4587654321', preferredLanguage: 'en' },
    });
    expect(citizen.statusCode).toBe(201);
    const [row] = await h.admin`select password_hash, organisation_id from users where id = ${citizen.json().id}`;
    expect(row).toEqual({ password_hash: null, organisation_id: org.id });
    expect(await auditOf(citizen.json().id)).toEqual([{ action: 'citizen.create', actor_id: org.coordinatorId }]);

    const withPassword = await h.request('POST', '/api/users', { cookie: coordinator, body: { role: 'citizen', displayName: 'X', password: 'long enough password' } });
    expect(withPassword.statusCode).toBe(400);
    const staffWithoutPassword = await h.request('POST', '/api/users', { cookie: coordinator, body: { role: 'worker', displayName: 'X', email: 'x@x.dk' } });
    expect(staffWithoutPassword.statusCode).toBe(400);
  });

  it('refuses a second staff member with the same e-mail, whatever the case', async () => {
    const before = await count(h.admin, 'users');
    const response = await h.request('POST', '/api/users', {
      cookie: coordinator,
      body: { role: 'volunteer', displayName: 'Dobbelt', email: org.workerEmail.toUpperCase(), password: 'long enough password' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toMatch(/e-mail/);
    expect(await count(h.admin, 'users')).toBe(before);
  });

  it('reads and updates a citizen, each audited', async () => {
    const read = await h.request('GET', `/api/users/${org.otherCitizenId}`, { cookie: coordinator });
    expect(read.json()).toMatchObject({ id: org.otherCitizenId, displayName: 'Dorte Borger', role: 'citizen' });
    const updated = await h.request('PATCH', `/api/users/${org.otherCitizenId}`, { cookie: coordinator, body: { phone: '+4511223344', displayName: 'Dorte B.' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ phone: '+4511223344', displayName: 'Dorte B.' });
    const cleared = await h.request('PATCH', `/api/users/${org.otherCitizenId}`, { cookie: coordinator, body: { phone: null } });
    expect(cleared.json().phone).toBeNull();
    expect((await auditOf(org.otherCitizenId)).map((e) => e.action)).toEqual(['citizen.read', 'citizen.update', 'citizen.update']);
    const [event] = await h.admin`select detail from audit_events where subject_id = ${org.otherCitizenId} and action = 'citizen.update' order by id limit 1`;
    expect(event!.detail).toEqual({ fields: 'displayName,phone' });
  });

  it('lists users, auditing one read per citizen shown', async () => {
    const before = await h.admin`select count(*)::int as n from audit_events where action = 'citizen.list'`;
    const list = await h.request('GET', '/api/users?role=citizen', { cookie: coordinator });
    expect(list.statusCode).toBe(200);
    const citizens = list.json() as { id: string; role: string }[];
    expect(citizens.every((u) => u.role === 'citizen')).toBe(true);
    const after = await h.admin`select count(*)::int as n from audit_events where action = 'citizen.list'`;
    expect(after[0]!.n - before[0]!.n).toBe(citizens.length);
  });
});

describe('caseload', () => {
  it('adds and removes citizens; a worker sees only their own caseload', async () => {
    const added = await h.request('PUT', `/api/workers/${org.workerId}/caseload/${org.otherCitizenId}`, { cookie: coordinator });
    expect(added.statusCode).toBe(204);
    const worker = await h.login(org.workerEmail);
    const mine = await h.request('GET', `/api/workers/${org.workerId}/caseload`, { cookie: worker });
    expect(mine.json().map((c: { citizenId: string }) => c.citizenId).sort()).toEqual([org.citizenId, org.otherCitizenId].sort());
    const [other] = await h.admin<{ id: string }[]>`select id from users where organisation_id = ${org.id} and role = 'worker' and id <> ${org.workerId} limit 1`;
    const theirs = await h.request('GET', `/api/workers/${other!.id}/caseload`, { cookie: worker });
    expect(theirs.statusCode).toBe(403);
    const removed = await h.request('DELETE', `/api/workers/${org.workerId}/caseload/${org.otherCitizenId}`, { cookie: coordinator });
    expect(removed.statusCode).toBe(204);
    const again = await h.request('DELETE', `/api/workers/${org.workerId}/caseload/${org.otherCitizenId}`, { cookie: coordinator });
    expect(again.statusCode).toBe(404);
    expect((await auditOf(org.otherCitizenId)).map((e) => e.action)).toEqual(expect.arrayContaining(['caseload.add', 'caseload.remove']));
  });

  it('refuses a caseload of a non-worker or a non-citizen (enforced by the database too)', async () => {
    const volunteerAsWorker = await h.request('PUT', `/api/workers/${org.volunteerId}/caseload/${org.citizenId}`, { cookie: coordinator });
    expect(volunteerAsWorker.statusCode).toBe(404);
    const workerAsCitizen = await h.request('PUT', `/api/workers/${org.workerId}/caseload/${org.volunteerId}`, { cookie: coordinator });
    expect(workerAsCitizen.statusCode).toBe(404);
    await expect(h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${org.volunteerId}, ${org.citizenId})`).rejects.toMatchObject({ code: '23503' });
  });
});

describe('bad input gets the error shape and changes nothing', () => {
  const cases: { name: string; method: string; url: () => string; body: unknown; headers?: Record<string, string>; status: number; code: string }[] = [
    { name: 'malformed JSON', method: 'POST', url: () => '/api/teams', body: '{"name": "x"', status: 400, code: 'bad_json' },
    { name: 'wrong type', method: 'POST', url: () => '/api/teams', body: { name: 42 }, status: 400, code: 'validation' },
    { name: 'unknown field', method: 'POST', url: () => '/api/teams', body: { name: 'x', colour: 'red' }, status: 400, code: 'validation' },
    { name: 'missing field', method: 'POST', url: () => '/api/users', body: { role: 'worker' }, status: 400, code: 'validation' },
    { name: 'unknown role', method: 'POST', url: () => '/api/users', body: { role: 'admin', displayName: 'x' }, status: 400, code: 'validation' },
    { name: 'invalid e-mail', method: 'POST', url: () => '/api/users', body: { role: 'worker', displayName: 'x', email: 'not-an-email', password: 'long enough password' }, status: 400, code: 'validation' },
    { name: 'invalid phone', method: 'POST', url: () => '/api/users', body: { role: 'citizen', displayName: 'x', phone: '12345' }, status: 400, code: 'validation' },
    { name: 'blank name', method: 'POST', url: () => '/api/teams', body: { name: '   ' }, status: 400, code: 'validation' },
    { name: 'short password', method: 'POST', url: () => '/api/users', body: { role: 'worker', displayName: 'x', email: 'short@x.dk', password: 'short' }, status: 400, code: 'validation' },
    { name: 'empty patch', method: 'PATCH', url: () => `/api/users/${org.citizenId}`, body: {}, status: 400, code: 'validation' },
    { name: 'oversized body', method: 'POST', url: () => '/api/teams', body: { name: 'x'.repeat(70_000) }, status: 413, code: 'too_large' },
    { name: 'not JSON', method: 'POST', url: () => '/api/teams', body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'unsupported_media_type' },
    { name: 'malformed id', method: 'GET', url: () => '/api/users/not-a-uuid', body: undefined, status: 400, code: 'validation' },
    { name: 'unknown id', method: 'GET', url: () => '/api/users/5f0c3c2e-0000-4000-8000-000000000000', body: undefined, status: 404, code: 'not_found' },
    { name: 'unknown team id on a user', method: 'POST', url: () => '/api/users', body: { role: 'citizen', displayName: 'x', teamId: '5f0c3c2e-0000-4000-8000-000000000000' }, status: 404, code: 'not_found' },
    { name: 'unknown route', method: 'GET', url: () => '/api/nothing-here', body: undefined, status: 404, code: 'not_found' },
    { name: 'bad query value', method: 'GET', url: () => '/api/users?role=king', body: undefined, status: 400, code: 'validation' },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const tables = ['teams', 'users', 'caseloads', 'citizen_links'];
      const before = await Promise.all(tables.map((t) => count(h.admin, t)));
      const response = await h.request(c.method, c.url(), { cookie: coordinator, body: c.body, ...(c.headers ? { headers: c.headers } : {}) });
      expect(response.statusCode).toBe(c.status);
      const body = response.json();
      expect(body).toEqual({ error: { code: c.code, message: expect.any(String) } });
      expect(body.error.message).not.toMatch(/at .*\.ts|node_modules/);
      expect(await Promise.all(tables.map((t) => count(h.admin, t)))).toEqual(before);
    });
  }
});
