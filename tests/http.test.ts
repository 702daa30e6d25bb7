import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, type Harness, type Org } from './support/harness.js';

let h: Harness;
let org: Org;

beforeAll(async () => {
  h = await startHarness();
  org = await h.seedOrganisation();
});
afterAll(() => h.close());

describe('HTTP basics', () => {
  it('GET /api/health reports the database', async () => {
    const response = await h.request('GET', '/api/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', database: 'ok', version: expect.any(String) });
  });

  it('sends a strict CSP with no third-party origins, no-referrer and no-store on the API', async () => {
    const response = await h.request('GET', '/api/health');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|unsafe-inline|unsafe-eval|\*/);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('adds HSTS and Secure cookies behind https', async () => {
    const secure = await startHarness({ PUBLIC_URL: 'https://video.kommune.dk' });
    try {
      const seeded = await secure.seedOrganisation();
      const response = await secure.request('POST', '/api/auth/login', { body: { email: seeded.workerEmail, password: PASSWORD } });
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(response.cookies.find((c) => c.name === 'naervaer_session')?.secure).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('publishes an OpenAPI document at /api/docs covering every API route', async () => {
    const response = await h.request('GET', '/api/docs');
    expect(response.statusCode).toBe(200);
    const doc = response.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const route of h.app.apiRoutes.filter((r) => r.url !== '/api/docs')) {
      const openApiPath = route.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[openApiPath]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
    expect(JSON.stringify(doc.paths['/api/auth/login'])).toContain('password');
  });
});

describe('logs', () => {
  it('never contain e-mail addresses, passwords, names, cookies or link secrets', async () => {
    h.logs.length = 0;
    const login = await h.request('POST', '/api/auth/login', { body: { email: org.coordinatorEmail, password: PASSWORD } });
    const cookie = login.headers['set-cookie'] as string;
    const sessionValue = cookie.split(';')[0]!.split('=')[1]!;
    await h.request('POST', '/api/auth/login', { body: { email: org.workerEmail, password: 'wrong-password-here' } });
    const coordinatorCookie = `naervaer_session=${sessionValue}`;
    const created = await h.request('POST', '/api/users', { cookie: coordinatorCookie, body: { role: 'citizen', displayName: 'Hemmelig Borgersen', phone: '+4599887766' } });
    const link = await h.request('POST', `/api/citizens/${created.json().id}/links`, { cookie: coordinatorCookie });
    const secret = new URL(link.json().url).hash.slice(1);
    await h.request('POST', '/api/citizen-links/exchange', { body: { secret } });
    // a duplicate e-mail makes the database put the value in its error detail
    await h.request('POST', '/api/users', { cookie: coordinatorCookie, body: { role: 'worker', displayName: 'Dup', email: org.workerEmail, password: 'long enough password' } });

    const logs = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(5);
    for (const secretValue of [org.coordinatorEmail, org.workerEmail, PASSWORD, 'wrong-password-here', 'Hemmelig', '+4599887766', sessionValue, secret]) {
      expect(logs).not.toContain(secretValue);
    }
    expect(logs).toContain('/api/citizens/:citizenId/links');
  });
});
