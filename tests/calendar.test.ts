import { describe, expect, it } from 'vitest';
import { inOrganisation } from '../server/db/database.js';
import { useHarness } from './support/use-harness.js';

const { h, org } = useHarness({ organisation: 'Kalenderkommune' });

async function newFeed(cookie: string): Promise<string> {
  const created = await h.request('POST', '/api/calendar-feeds', { cookie });
  expect(created.statusCode).toBe(201);
  return new URL(created.json().url).pathname;
}

async function newWorker(): Promise<{ id: string; cookie: string }> {
  const coordinator = await h.login(org.coordinatorEmail);
  const email = `kalender-${Math.random().toString(36).slice(2)}@kalenderkommune.dk`;
  const created = await h.request('POST', '/api/users', { cookie: coordinator, body: { role: 'worker', displayName: 'Kim Kalender', email, password: 'correct horse battery staple' } });
  expect(created.statusCode).toBe(201);
  return { id: created.json().id, cookie: await h.login(email) };
}

describe('calendar feeds', () => {
  it('every read of a feed writes an audit row naming the worker and the feed, with counts only', async () => {
    const worker = await h.login(org.workerEmail);
    const path = await newFeed(worker);
    const [feed] = await h.admin<{ id: string }[]>`select id from calendar_feeds where worker_id = ${org.workerId} and revoked_at is null`;
    for (let i = 0; i < 2; i++) expect((await h.request('GET', path)).statusCode).toBe(200);
    const rows = await h.admin`
      select actor_id, actor_role, subject_id, detail from audit_events where action = 'calendar_feed.read' and organisation_id = ${org.id} order by id`;
    expect(rows).toEqual([
      { actor_id: org.workerId, actor_role: 'worker', subject_id: feed!.id, detail: { appointments: 0, titles: 'neutral' } },
      { actor_id: org.workerId, actor_role: 'worker', subject_id: feed!.id, detail: { appointments: 0, titles: 'neutral' } },
    ]);
  });

  it('deactivating the worker revokes their feeds: the feed URL stops working', async () => {
    const worker = await newWorker();
    const path = await newFeed(worker.cookie);
    expect((await h.request('GET', path)).statusCode).toBe(200);
    const coordinator = await h.login(org.coordinatorEmail);
    expect((await h.request('POST', `/api/users/${worker.id}/deactivate`, { cookie: coordinator })).statusCode).toBe(200);

    const read = await h.request('GET', path);
    expect(read.statusCode).toBe(404);
    expect(read.json()).toEqual({ error: { code: 'not_found', message: 'No such calendar' } });
    const feeds = await h.admin<{ revoked: boolean }[]>`select revoked_at is not null as revoked from calendar_feeds where worker_id = ${worker.id}`;
    expect(feeds).toEqual([{ revoked: true }]);
  });

  it('the database revokes them whatever path deactivates the worker, and reactivation does not bring them back', async () => {
    const worker = await newWorker();
    const path = await newFeed(worker.cookie);
    // Not through the API: a plain update, as a future import or a hand-written fix would do it.
    await inOrganisation(h.sql, org.id, (tx) => tx`update users set active = false where id = ${worker.id}`);
    expect((await h.request('GET', path)).statusCode).toBe(404);
    const [feed] = await h.admin<{ revoked: boolean }[]>`select revoked_at is not null as revoked from calendar_feeds where worker_id = ${worker.id}`;
    expect(feed).toEqual({ revoked: true });

    await inOrganisation(h.sql, org.id, (tx) => tx`update users set active = true where id = ${worker.id}`);
    expect((await h.request('GET', path)).statusCode).toBe(404);
  });
});
