import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inOrganisation } from '../server/db/database.js';
import { startHarness, type Harness, type Org } from './support/harness.js';

let h: Harness;
let a: Org;
let b: Org;

beforeAll(async () => {
  h = await startHarness();
  a = await h.seedOrganisation('Aarhus');
  b = await h.seedOrganisation('Billund');
});
afterAll(() => h.close());

const TENANT_TABLES = ['organisations', 'teams', 'users', 'caseloads', 'auth_sessions', 'citizen_links', 'audit_events', 'call_sessions', 'call_participants', 'appointments'];

describe('row-level security (the application role)', () => {
  it('an unfiltered query in one organisation sees none of another organisation’s rows, in any tenant table', async () => {
    // Make sure every table has rows of both organisations.
    for (const org of [a, b]) {
      const cookie = await h.login(org.workerEmail);
      expect((await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie })).statusCode).toBe(201);
      expect((await h.request('POST', '/api/calls', { cookie, body: { citizenId: org.citizenId } })).statusCode).toBe(201);
      expect((await h.request('POST', '/api/appointments', { cookie, body: { citizenId: org.citizenId, start: `${new Date().getUTCFullYear() + 1}-01-05T10:00`, modality: 'phone' } })).statusCode).toBe(201);
      const coordinator = await h.login(org.coordinatorEmail);
      expect((await h.request('POST', '/api/teams', { cookie: coordinator, body: { name: 'Team Syd' } })).statusCode).toBe(201);
    }
    for (const table of TENANT_TABLES) {
      const all = await h.admin.unsafe<{ org: string }[]>(`select ${table === 'organisations' ? 'id' : 'organisation_id'}::text as org from ${table}`);
      expect(new Set(all.map((r) => r.org)), table).toEqual(new Set([a.id, b.id]));
      const seen = await inOrganisation(h.sql, a.id, (tx) =>
        tx.unsafe<{ org: string }[]>(`select ${table === 'organisations' ? 'id' : 'organisation_id'}::text as org from ${table}`));
      expect(seen.length, table).toBeGreaterThan(0);
      expect(new Set(seen.map((r) => r.org)), table).toEqual(new Set([a.id]));
    }
  });

  it('without an organisation set, the application role sees nothing', async () => {
    for (const table of TENANT_TABLES) {
      const rows = await h.sql.unsafe(`select * from ${table}`);
      expect(rows, table).toHaveLength(0);
    }
  });

  it('cannot write rows into another organisation, nor change or read them by id', async () => {
    await expect(
      inOrganisation(h.sql, a.id, (tx) => tx`insert into teams (organisation_id, name) values (${b.id}, 'Sneaky')`),
    ).rejects.toMatchObject({ code: '42501' });
    const updated = await inOrganisation(h.sql, a.id, (tx) => tx`update users set display_name = 'Hacked' where id = ${b.citizenId} returning id`);
    expect(updated).toHaveLength(0);
    const [citizen] = await h.admin`select display_name from users where id = ${b.citizenId}`;
    expect(citizen!.display_name).toBe('Carl Borger');
  });

  it('the application role cannot switch RLS off or become the owner', async () => {
    await expect(h.sql.begin((tx) => tx`set local row_security = off`.then(() => tx`select * from users`))).rejects.toMatchObject({ code: '42501' });
    await expect(h.sql`select current_user`.then((r) => r[0]!.current_user)).resolves.toBe('naervaer_app');
    const [role] = await h.admin`select rolbypassrls, rolsuper from pg_roles where rolname = 'naervaer_app'`;
    expect(role).toEqual({ rolbypassrls: false, rolsuper: false });
  });

  it('sign-in lookup crosses organisations but returns only what sign-in needs', async () => {
    const rows = await h.sql`select * from sign_in_lookup(${b.workerEmail})`;
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(['active', 'organisation_id', 'password_hash', 'user_id']);
    // citizens are never found by it
    expect(await h.sql`select * from sign_in_lookup('')`).toHaveLength(0);
  });

  it('the audit trail is append-only for the application', async () => {
    await expect(inOrganisation(h.sql, a.id, (tx) => tx`delete from audit_events`)).rejects.toMatchObject({ code: '42501' });
    await expect(inOrganisation(h.sql, a.id, (tx) => tx`update audit_events set action = 'x.y'`)).rejects.toMatchObject({ code: '42501' });
  });
});

describe('the HTTP API across organisations', () => {
  it('answers 404 for another organisation’s ids and changes nothing', async () => {
    const coordinatorA = await h.login(a.coordinatorEmail);
    const before = await h.admin`select count(*)::int as n from caseloads`;
    const responses = await Promise.all([
      h.request('GET', `/api/users/${b.citizenId}`, { cookie: coordinatorA }),
      h.request('PATCH', `/api/users/${b.citizenId}`, { cookie: coordinatorA, body: { displayName: 'X' } }),
      h.request('POST', `/api/users/${b.workerId}/deactivate`, { cookie: coordinatorA }),
      h.request('PUT', `/api/workers/${a.workerId}/caseload/${b.citizenId}`, { cookie: coordinatorA }),
      h.request('PUT', `/api/workers/${b.workerId}/caseload/${a.citizenId}`, { cookie: coordinatorA }),
      h.request('POST', `/api/citizens/${b.citizenId}/links`, { cookie: coordinatorA }),
      h.request('GET', `/api/citizens/${b.citizenId}/links`, { cookie: coordinatorA }),
      h.request('GET', `/api/workers/${b.workerId}/caseload`, { cookie: coordinatorA }),
    ]);
    for (const response of responses) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    const after = await h.admin`select count(*)::int as n from caseloads`;
    expect(after[0]!.n).toBe(before[0]!.n);
    const [b1] = await h.admin`select display_name, active from users where id = ${b.citizenId}`;
    expect(b1).toEqual({ display_name: 'Carl Borger', active: true });
    const listed = await h.request('GET', '/api/users', { cookie: coordinatorA });
    expect(listed.json().map((u: { id: string }) => u.id)).not.toContain(b.citizenId);
  });
});
