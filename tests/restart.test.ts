import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, upsertUser } from '../server/people/store.js';
import { freshDatabase, PASSWORD } from './support/harness.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

// A restart must not leave sessions open that no process can run: the citizen would press "Deltag" and wait for a
// worker who can never admit them, and the worker's home would list a ghost under "Åbne samtaler".
describe('sessions left open by a stopped server', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await server?.stop();
    await db.drop();
  });

  const post = (path: string, body: unknown, cookie?: string) =>
    fetch(`${server!.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server!.baseUrl, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });

  it('are ended with the reason server_restart when the server starts again', async () => {
    server = await startServerProcess({ DATABASE_URL: db.url, DISPATCHER: 'false' });
    const org = await createOrganisation(db.admin, 'Genstartkommune');
    const workerId = await upsertUser(db.admin, { organisationId: org, role: 'worker', displayName: 'Bo Bostøtte', email: 'bo@genstart.dk', password: PASSWORD });
    const citizenId = await upsertUser(db.admin, { organisationId: org, role: 'citizen', displayName: 'Carl Borger' });
    await db.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org}, ${workerId}, ${citizenId})`;

    const login = await post('/api/auth/login', { email: 'bo@genstart.dk', password: PASSWORD });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const started = await post('/api/calls', { citizenId }, cookie);
    expect(started.status).toBe(201);
    const { id: callId } = (await started.json()) as { id: string };
    await db.admin`insert into call_segments (organisation_id, participant_id)
      select organisation_id, id from call_participants where session_id = ${callId} and user_id = ${workerId}`;

    expect(await server.stop()).toBe(0);
    server = await startServerProcess({ DATABASE_URL: db.url, DISPATCHER: 'false' });
    expect(server.output()).toContain('ended 1 video session(s) left open by the previous run');

    const [session] = await db.admin`select status, end_reason, ended_at from call_sessions where id = ${callId}`;
    expect(session).toMatchObject({ status: 'ended', end_reason: 'server_restart' });
    const openSegments = await db.admin`select id from call_segments where left_at is null`;
    expect(openSegments).toEqual([]);

    // The worker's list is empty and the session cannot be joined any more.
    const relogin = await post('/api/auth/login', { email: 'bo@genstart.dk', password: PASSWORD });
    const cookie2 = relogin.headers.getSetCookie()[0]!.split(';')[0]!;
    const open = await fetch(`${server.baseUrl}/api/calls/open`, { headers: { cookie: cookie2 } });
    expect(await open.json()).toEqual([]);
    const token = await post(`/api/calls/${callId}/token`, {}, cookie2);
    expect(token.status).toBe(410);
  });
});
