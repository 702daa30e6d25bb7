import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../protocol/common.js';
import { toErrorBody } from '../server/http/errors.js';
import { PASSWORD, startHarness } from './support/harness.js';
import { useHarness } from './support/use-harness.js';
import { rawRequest, requestHead, type RawResponse } from './support/raw-http.js';
import { snapshotRows } from './support/snapshot.js';

// Listening for real: some requests below are written byte for byte to a socket, as no HTTP client would send them.
const { h, org } = useHarness({ serve: true });
let port: number;

beforeAll(() => {
  port = Number(new URL(h.baseUrl).port);
});

/** The error shape, with nothing else in the body. */
function expectErrorShape(body: string, code?: string) {
  const parsed = JSON.parse(body) as unknown;
  expect(parsed).toEqual({ error: { code: code ?? expect.any(String), message: expect.any(String) } });
}

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

  it('say why a request was refused as cross-site, naming PUBLIC_URL (the usual cause: a browser on another address)', async () => {
    h.logs.length = 0;
    const refused = await h.request('POST', '/api/auth/login', { body: { email: 'a@b.dk', password: 'x' }, headers: { origin: 'http://192.0.2.2:8080' } });
    expect(refused.statusCode).toBe(403);
    const line = h.logs.map((l) => JSON.parse(l) as { level: number; msg: string; origin?: string; publicUrl?: string }).find((l) => l.msg.includes('csrf'));
    expect(line).toMatchObject({ level: 40, origin: 'http://192.0.2.2:8080', publicUrl: h.config.publicUrl.origin });
  });
});

describe('CSRF and no-store follow the route as routed, not the raw URL', () => {
  // Spellings of /api/… that the router sends to the same route as /api/…
  const spellings: [string, (path: string) => string][] = [
    ['percent-encoded', (path) => path.replace('/api/', '/%61pi/')],
    ['double slash', (path) => `/${path}`],
    ['dot segment', (path) => path.replace('/api/', '/api/./')],
    ['absolute-form', (path) => `http://127.0.0.1:${port}${path}`],
  ];

  it('refuses every mutating route, for every role, from a foreign origin or without Origin, however the path is spelled', async () => {
    const cookies: Record<Role, string> = {
      coordinator: await h.login(org.coordinatorEmail),
      worker: await h.login(org.workerEmail),
      volunteer: await h.login(org.volunteerEmail),
      citizen: await citizenCookie(),
    };
    const team = await h.request('POST', '/api/teams', { cookie: cookies.coordinator, body: { name: 'Team Syd' } });
    const ids: Record<string, string> = {
      teamId: team.json().id, userId: org.otherCitizenId, workerId: org.workerId, citizenId: org.citizenId,
    };
    // Bodies that would be accepted, so that a request slipping past the check would change something.
    const bodies: Record<string, unknown> = {
      'POST /api/teams': { name: 'Evil team' },
      'PATCH /api/teams/:teamId': { name: 'Evil name' },
      'POST /api/users': { role: 'citizen', displayName: 'Evil Borger' },
      'PATCH /api/users/:userId': { displayName: 'Evil Borger' },
      'POST /api/appointments': { citizenId: org.citizenId, start: '2030-01-07T10:00', modality: 'video' },
      'PUT /api/my/settings': { preferredModality: 'phone' },
      'PUT /api/citizens/:citizenId/settings': { preferredModality: 'phone' },
      'POST /api/citizens/:citizenId/medication-schedules': { timesOfDay: ['08:00'], weekdays: [1], wording: 'Evil' },
      'PATCH /api/organisation': { calendarTitles: 'initials' },
      'POST /api/calls': { citizenId: org.citizenId },
    };
    const mutating = h.app.apiRoutes.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
    expect(mutating.length).toBeGreaterThan(20);
    const before = await snapshotRows(h.admin);
    const refused = new Set<string>();
    const attempts: (() => Promise<void>)[] = [];
    for (const route of mutating) {
      const path = route.url.replace(/:(\w+)/g, (_, name: string) => ids[name] ?? '5f0c3c2e-0000-4000-8000-00000000000f');
      const body = JSON.stringify(bodies[`${route.method} ${route.url}`] ?? {});
      for (const [spelling, spell] of spellings) {
        for (const [role, cookie] of Object.entries(cookies)) {
          for (const origin of ['http://evil.example', undefined]) {
            attempts.push(async () => {
              const what = `${route.method} ${route.url} (${spelling}, ${role}, ${origin ?? 'no Origin'})`;
              const response = await rawRequest(port, requestHead(route.method, spell(path), {
                Host: `127.0.0.1:${port}`, Origin: origin, Cookie: cookie, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)),
              }), body);
              expect([403, 404], what).toContain(response.status);
              expectErrorShape(response.body, response.status === 403 ? 'csrf' : 'not_found');
              expect(response.headers['cache-control'], what).toBe('no-store');
              if (response.status === 403) refused.add(`${route.method} ${route.url} ${spelling}`);
            });
          }
        }
      }
    }
    // Several at a time, as browsers send them: thousands of requests one after another took a minute on a busy machine.
    await inParallel(attempts, 8);
    expect(await snapshotRows(h.admin)).toEqual(before);
    // The spellings that reached the routes before the fix (and created a team with a 201) reach them still — and
    // are refused there: a 404 everywhere would also pass the loop above without proving the check.
    for (const route of mutating) {
      for (const spelling of ['percent-encoded', 'absolute-form']) expect(refused, `${route.method} ${route.url} ${spelling}`).toContain(`${route.method} ${route.url} ${spelling}`);
    }
  });

  it('answers API reads with no-store, whichever spelling reached them', async () => {
    const cookie = await h.login(org.coordinatorEmail);
    const reachedTheApi: string[] = [];
    for (const [spelling, spell] of spellings) {
      const response = await rawRequest(port, requestHead('GET', spell('/api/teams'), { Host: `127.0.0.1:${port}`, Cookie: cookie }));
      // A spelling the router does not take to /api/teams gets the app shell or a 404, never the API's data.
      if (!response.headers['content-type']?.startsWith('application/json')) continue;
      reachedTheApi.push(spelling);
      expect(response.headers['cache-control'], spelling).toBe('no-store');
    }
    expect(reachedTheApi).toEqual(expect.arrayContaining(['percent-encoded', 'absolute-form']));
  });

  async function citizenCookie(): Promise<string> {
    const worker = await h.login(org.workerEmail);
    const link = await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie: worker });
    const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(link.json().url).hash.slice(1) } });
    return `naervaer_session=${exchanged.cookies.find((c) => c.name === 'naervaer_session')!.value}`;
  }
});

describe('every 4xx has the error shape and echoes nothing of the request', () => {
  const marker = 'echo-marker-7f3a';

  function expectNoEcho(response: RawResponse) {
    expect(response.raw).not.toContain(marker);
  }

  it('a path parameter over the length limit: 414', async () => {
    const cookie = await h.login(org.coordinatorEmail);
    const response = await h.request('GET', `/api/users/${marker}${'x'.repeat(120)}`, { cookie });
    expect(response.statusCode).toBe(414);
    expectErrorShape(response.body, 'uri_too_long');
    expect(response.body).not.toContain(marker);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('a URL that does not decode: 400', async () => {
    for (const target of ['/%c0%ae%c0%ae/api/health', `/api/users/%c0%ae${marker}`, '/api/%E0%A4%A']) {
      const response = await rawRequest(port, requestHead('GET', target, { Host: `127.0.0.1:${port}` }));
      expect(response.status, target).toBe(400);
      expectErrorShape(response.body, 'bad_url');
      expectNoEcho(response);
    }
  });

  it('headers or an address over the size limit: 431', async () => {
    const bigHeader = await rawRequest(port, requestHead('GET', '/api/health', { Host: `127.0.0.1:${port}`, 'X-Big': marker + 'a'.repeat(20_000) }));
    const bigUrl = await rawRequest(port, requestHead('GET', `/api/health?${marker}=${'a'.repeat(20_000)}`, { Host: `127.0.0.1:${port}` }));
    for (const response of [bigHeader, bigUrl]) {
      expect(response.status).toBe(431);
      expectErrorShape(response.body, 'headers_too_large');
      expectNoEcho(response);
    }
  });

  it('an address with no route: 404, without repeating the address', async () => {
    const response = await rawRequest(port, requestHead('POST', `/api/${marker}`, { Host: `127.0.0.1:${port}`, Origin: h.baseUrl, 'Content-Length': '0' }));
    expect(response.status).toBe(404);
    expectErrorShape(response.body, 'not_found');
    expectNoEcho(response);
  });

  it('a request that is not HTTP: 400', async () => {
    const response = await rawRequest(port, `GET /api/health ${marker}\r\n\r\n`);
    expect(response.status).toBe(400);
    expectErrorShape(response.body, 'bad_request');
    expectNoEcho(response);
  });

  it('impossible dates are refused: 400 validation, and real ones (29 February in a leap year) accepted', async () => {
    const cookie = await h.login(org.workerEmail);
    for (const from of ['2027-02-30', '0000-00-00', '2026-13-01', '2026-04-31', '2027-02-29', '0001-01-01']) {
      const response = await h.request('GET', `/api/appointments?from=${from}`, { cookie });
      expect(response.statusCode, from).toBe(400);
      expectErrorShape(response.body, 'validation');
    }
    expect((await h.request('GET', '/api/appointments?from=2028-02-29', { cookie })).statusCode).toBe(200);
    const before = await snapshotRows(h.admin);
    for (const start of ['2027-02-30T10:00', '2026-06-01T24:00', '2026-06-01T10:60', '0000-00-00T00:00']) {
      const response = await h.request('POST', '/api/appointments', { cookie, body: { citizenId: org.citizenId, start, modality: 'video' } });
      expect(response.statusCode, start).toBe(400);
      expectErrorShape(response.body, 'validation');
    }
    expect(await snapshotRows(h.admin)).toEqual(before);
  });
});

describe('control characters in strings', () => {
  it('are refused with 400 validation on every string field, and nothing is written', async () => {
    const coordinator = await h.login(org.coordinatorEmail);
    const worker = await h.login(org.workerEmail);
    const booked = await h.request('POST', '/api/appointments', { cookie: worker, body: { citizenId: org.citizenId, start: '2031-03-03T10:00', modality: 'video' } });
    expect(booked.statusCode).toBe(201);
    const appointmentId = (booked.json() as { id: string }[])[0]!.id;
    const cases: [string, string, string | undefined, Record<string, unknown>][] = [
      ['POST', '/api/auth/login', undefined, { email: 'a\u0000b@x.dk', password: 'x' }],
      ['POST', '/api/auth/login', undefined, { email: org.workerEmail, password: 'pass\u0000word' }],
      ['POST', '/api/teams', coordinator, { name: 'Team\u0000Nul' }],
      ['POST', '/api/teams', coordinator, { name: 'Team\u001bEscape' }],
      ['POST', '/api/users', coordinator, { role: 'citizen', displayName: 'Nul\u0000Borger' }],
      ['POST', '/api/users', coordinator, { role: 'citizen', displayName: 'Bidi\u0085Borger' }],
      ['PATCH', `/api/users/${org.otherCitizenId}`, coordinator, { displayName: 'x\u0000' }],
      ['POST', '/api/appointments', worker, { citizenId: org.citizenId, start: '2031-03-04T10:00', modality: 'video', staffNote: 'note\u0000' }],
      ['POST', `/api/appointments/${appointmentId}/cancel`, worker, { reason: 'syg\u0000' }],
      ['POST', `/api/appointments/${appointmentId}/reschedule`, worker, { start: '2031-03-05T10:00', reason: '\u0000' }],
      ['POST', `/api/appointments/${appointmentId}/status`, worker, { status: 'held', reason: 'ok\u0000' }],
      ['POST', `/api/citizens/${org.citizenId}/medication-schedules`, worker, { timesOfDay: ['08:00'], weekdays: [1], wording: 'Tag\u0000medicin' }],
      ['POST', '/api/auth/password', worker, { currentPassword: PASSWORD, newPassword: 'a new passphrase\u0000' }],
    ];
    const before = await snapshotRows(h.admin);
    h.logs.length = 0;
    for (const [method, url, cookie, body] of cases) {
      const response = await h.request(method, url, { cookie, body });
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBe(400);
      expectErrorShape(response.body, 'validation');
    }
    const after = await snapshotRows(h.admin);
    // Sign-in attempts may count a wrong password; nothing else is written.
    expect({ ...after, sign_in_failures: '' }).toEqual({ ...before, sign_in_failures: '' });
    expect(h.logs.join('\n')).not.toMatch(/"level":50/);
  });

  it('newlines and tabs are kept in multi-line fields, refused in one-line fields', async () => {
    const coordinator = await h.login(org.coordinatorEmail);
    const worker = await h.login(org.workerEmail);
    const note = await h.request('POST', '/api/appointments', {
      cookie: worker, body: { citizenId: org.citizenId, start: '2031-04-07T10:00', modality: 'video', staffNote: 'Linje 1\n\tLinje 2' },
    });
    expect(note.statusCode).toBe(201);
    const team = await h.request('POST', '/api/teams', { cookie: coordinator, body: { name: 'Team\nNord' } });
    expect(team.statusCode).toBe(400);
  });

  it('every string a request can carry (body, path, query, in every route of /api/docs) refuses control characters', async () => {
    type Schema = { type?: string; format?: string; pattern?: string; enum?: unknown[]; const?: unknown; anyOf?: Schema[]; properties?: Record<string, Schema>; items?: Schema };
    const docs = (await h.request('GET', '/api/docs')).json() as { paths: Record<string, Record<string, { parameters?: { name: string; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>> };
    // Formats the server checks strictly (no control character can pass them).
    const strictFormats = new Set(['uuid', 'date', 'local-date-time']);
    const loose: string[] = [];
    const visit = (schema: Schema | undefined, where: string): void => {
      if (!schema) return;
      schema.anyOf?.forEach((s, i) => visit(s, `${where}|${i}`));
      Object.entries(schema.properties ?? {}).forEach(([k, s]) => visit(s, `${where}.${k}`));
      visit(schema.items, `${where}[]`);
      if (schema.type !== 'string' || schema.enum || schema.const !== undefined || strictFormats.has(schema.format ?? '')) return;
      const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern, 'u');
      if (!pattern || ['a\u0000b', 'a\u001bb', 'a\u0085b', '\u0000'].some((text) => pattern.test(text))) loose.push(where);
    };
    for (const [path, methods] of Object.entries(docs.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const parameter of operation.parameters ?? []) visit(parameter.schema, `${method.toUpperCase()} ${path} ${parameter.name}`);
        for (const content of Object.values(operation.requestBody?.content ?? {})) visit(content.schema, `${method.toUpperCase()} ${path} body`);
      }
    }
    expect(loose, 'use Text() from protocol/common.ts for these').toEqual([]);
  });

  it('a database refusal of a character is a 400, not a 500, should a field ever slip through', () => {
    for (const code of ['22021', '22P05']) {
      expect(toErrorBody(Object.assign(new Error('invalid byte sequence'), { code }))).toMatchObject({ status: 400, body: { error: { code: 'validation' } }, unexpected: false });
    }
  });
});

/** Runs the tasks, at most `width` at a time; the first failure fails the whole. */
async function inParallel(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: width }, lane));
}
