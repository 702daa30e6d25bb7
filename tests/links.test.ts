import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionCookie } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h, org, cookies } = useHarness({ signIn: ['worker'] });
let worker: string;

beforeAll(() => {
  worker = cookies.worker;
});

async function newLink(citizenId = org.citizenId) {
  const response = await h.request('POST', `/api/citizens/${citizenId}/links`, { cookie: worker });
  expect(response.statusCode).toBe(201);
  const body = response.json() as { id: string; url: string; expiresAt: string };
  const url = new URL(body.url);
  return { ...body, secret: url.hash.slice(1), url };
}

const exchange = (secret: string) => h.request('POST', '/api/citizen-links/exchange', { body: { secret } });

describe('citizen sign-in links', () => {

  it('puts a 256-bit secret in the fragment and stores only its hash', async () => {
    const link = await newLink();
    expect(link.url.origin).toBe('http://naervaer.test');
    expect(link.url.pathname).toBe('/link');
    expect(link.url.search).toBe('');
    expect(link.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await h.admin`select secret_hash, expires_at, citizen_id, created_by from citizen_links where id = ${link.id}`;
    expect(Buffer.from(row!.secret_hash).equals(createHash('sha256').update(link.secret).digest())).toBe(true);
    const dump = JSON.stringify(await h.admin`select * from citizen_links`);
    expect(dump).not.toContain(link.secret);
    expect(row!.citizen_id).toBe(org.citizenId);
    expect(row!.created_by).toBe(org.workerId);
    const hours = (new Date(link.expiresAt).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(71);
    expect(hours).toBeLessThanOrEqual(72);
  });

  it('exchanges the secret for a long-lived citizen session, once', async () => {
    const link = await newLink();
    const response = await exchange(link.secret);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { id: org.citizenId, role: 'citizen', displayName: 'Carl Borger' }, organisation: { id: org.id }, openCallId: null });
    const cookie = response.cookies.find((c) => c.name === 'naervaer_session')!;
    const days = (new Date(cookie.expires!).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    const me = await h.request('GET', '/api/me', { cookie: sessionCookie(response) });
    expect(me.json().user.role).toBe('citizen');

    const reused = await exchange(link.secret);
    expect(reused.statusCode).toBe(410);
    expect(reused.json().error.code).toBe('link_used');
    expect(reused.cookies).toHaveLength(0);
  });

  it('a revoked link gets a clear message', async () => {
    const link = await newLink();
    const revoked = await h.request('POST', `/api/citizen-links/${link.id}/revoke`, { cookie: worker });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().status).toBe('revoked');
    const response = await exchange(link.secret);
    expect(response.statusCode).toBe(410);
    expect(response.json().error).toEqual({ code: 'link_revoked', message: expect.stringMatching(/cancelled/) });
  });

  it('an expired link gets a clear message', async () => {
    const link = await newLink();
    await h.admin`update citizen_links set created_at = now() - interval '4 days', expires_at = now() - interval '1 day' where id = ${link.id}`;
    const response = await exchange(link.secret);
    expect(response.statusCode).toBe(410);
    expect(response.json().error.code).toBe('link_expired');
    const [row] = await h.admin`select used_at from citizen_links where id = ${link.id}`;
    expect(row!.used_at).toBeNull();
  });

  it('an unknown or malformed secret is refused without a hint', async () => {
    const unknown = await exchange('B'.repeat(43));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('link_invalid');
    const malformed = await exchange('short');
    expect(malformed.statusCode).toBe(400);
  });

  it('two devices racing with the same link: exactly one gets a session', async () => {
    const link = await newLink();
    const results = await Promise.all([exchange(link.secret), exchange(link.secret), exchange(link.secret)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 410, 410]);
  });

  it('a worker can link only citizens in their caseload; lists and revokes are audited', async () => {
    const outside = await h.request('POST', `/api/citizens/${org.otherCitizenId}/links`, { cookie: worker });
    expect(outside.statusCode).toBe(404);
    const list = await h.request('GET', `/api/citizens/${org.citizenId}/links`, { cookie: worker });
    expect(list.statusCode).toBe(200);
    expect(new Set(list.json().map((l: { status: string }) => l.status))).toEqual(new Set(['active', 'used', 'revoked', 'expired']));
    const actions = await h.admin`select distinct action from audit_events where subject_id = ${org.citizenId} and actor_id = ${org.workerId}`;
    expect(actions.map((a) => a.action).sort()).toEqual(['citizen_link.create', 'citizen_link.list', 'citizen_link.revoke']);
    // a coordinator's link for the other citizen cannot be revoked by this worker
    const coordinator = await h.login(org.coordinatorEmail);
    const foreign = await h.request('POST', `/api/citizens/${org.otherCitizenId}/links`, { cookie: coordinator });
    const revoke = await h.request('POST', `/api/citizen-links/${foreign.json().id}/revoke`, { cookie: worker });
    expect(revoke.statusCode).toBe(404);
  });

  it('deactivating a citizen signs them out and kills their unused links', async () => {
    const citizenSession = sessionCookie(await exchange((await newLink()).secret));
    const unused = await newLink();
    const coordinator = await h.login(org.coordinatorEmail);
    expect((await h.request('POST', `/api/users/${org.citizenId}/deactivate`, { cookie: coordinator })).statusCode).toBe(200);
    expect((await h.request('GET', '/api/me', { cookie: citizenSession })).statusCode).toBe(401);
    // refused like an unknown link: a deactivated citizen's links tell nothing about them
    const refused = await exchange(unused.secret);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('link_invalid');
    expect(refused.cookies).toHaveLength(0);
    await h.admin`update users set active = true where id = ${org.citizenId}`;
  });
});

// Started after the tests above: a session's start is audited, and one of them counts the audit's actions.
describe('a sign-in link while the worker waits in a session', () => {
  it('says which session the citizen\'s worker waits in, so the link page goes straight to the device check', async () => {
    const started = await h.request('POST', '/api/calls', { cookie: worker, body: { citizenId: org.citizenId } });
    expect(started.statusCode).toBe(201);
    try {
      const response = await exchange((await newLink()).secret);
      expect(response.statusCode).toBe(200);
      expect(response.json().openCallId).toBe(started.json().id);
    } finally {
      expect((await h.request('POST', `/api/calls/${started.json().id}/end`, { cookie: worker })).statusCode).toBe(204);
    }
  });
});
