import fs from 'node:fs';
import { SignJWT, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../server/auth/auth.js';
import { AttemptCounter, clientKey, MAX_TRACKED_ADDRESSES } from '../server/http/rate-limit.js';
import { PASSWORD, sessionCookie, startHarness } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h, org } = useHarness();

describe('sign-in', () => {
  it('signs a worker in with an HttpOnly SameSite cookie and shows who they are', async () => {
    const response = await h.request('POST', '/api/auth/login', { body: { email: org.workerEmail.toUpperCase(), password: PASSWORD } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { id: org.workerId, role: 'worker', displayName: 'Bo Bostøtte' }, organisation: { id: org.id } });
    const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.path).toBe('/');
    const me = await h.request('GET', '/api/me', { cookie: sessionCookie(response) });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.role).toBe('worker');
  });

  it('answers a wrong password and an unknown e-mail the same way', async () => {
    const wrong = await h.request('POST', '/api/auth/login', { body: { email: org.workerEmail, password: 'not the password' } });
    const unknown = await h.request('POST', '/api/auth/login', { body: { email: 'nobody@nowhere.dk', password: PASSWORD } });
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'invalid_credentials', message: 'E-mail or password is wrong' } });
      expect(response.cookies).toHaveLength(0);
    }
  });

  it('refuses a deactivated user', async () => {
    const coordinator = await h.login(org.coordinatorEmail);
    const volunteerCookie = await h.login(org.volunteerEmail);
    const deactivated = await h.request('POST', `/api/users/${org.volunteerId}/deactivate`, { cookie: coordinator });
    expect(deactivated.statusCode).toBe(200);
    expect((await h.request('GET', '/api/me', { cookie: volunteerCookie })).statusCode).toBe(401);
    const again = await h.request('POST', '/api/auth/login', { body: { email: org.volunteerEmail, password: PASSWORD } });
    expect(again.statusCode).toBe(401);
    await h.admin`update users set active = true where id = ${org.volunteerId}`;
  });

  it('ends the session for real on logout: the old cookie no longer works', async () => {
    const cookie = await h.login(org.workerEmail);
    const logout = await h.request('POST', '/api/auth/logout', { cookie });
    expect(logout.statusCode).toBe(204);
    expect(logout.cookies.find((c) => c.name === SESSION_COOKIE)?.value).toBe('');
    const me = await h.request('GET', '/api/me', { cookie });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('unauthorized');
    const [row] = await h.admin`select count(*)::int as n from auth_sessions where user_id = ${org.workerId} and revoked_at is not null`;
    expect(row!.n).toBeGreaterThanOrEqual(1);
  });

  it('changing the password signs out other devices but keeps this one', async () => {
    const here = await h.login(org.workerEmail);
    const elsewhere = await h.login(org.workerEmail);
    const wrong = await h.request('POST', '/api/auth/password', { cookie: here, body: { currentPassword: 'nope', newPassword: 'a brand new passphrase' } });
    expect(wrong.statusCode).toBe(400);
    const changed = await h.request('POST', '/api/auth/password', { cookie: here, body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } });
    expect(changed.statusCode).toBe(204);
    expect((await h.request('GET', '/api/me', { cookie: here })).statusCode).toBe(200);
    expect((await h.request('GET', '/api/me', { cookie: elsewhere })).statusCode).toBe(401);
    expect((await h.request('POST', '/api/auth/login', { body: { email: org.workerEmail, password: PASSWORD } })).statusCode).toBe(401);
    await h.request('POST', '/api/auth/password', { cookie: here, body: { currentPassword: 'a brand new passphrase', newPassword: PASSWORD } });
  });
});

describe('session tokens', () => {
  async function validClaims() {
    const cookie = await h.login(org.workerEmail);
    const token = cookie.split('=')[1]!;
    const [, payload] = token.split('.');
    return { cookie, token, payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown> };
  }
  const asCookie = (token: string) => `${SESSION_COOKIE}=${token}`;
  const expectRefused = async (token: string) => {
    const response = await h.request('GET', '/api/me', { cookie: asCookie(token) });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
  };
  const storedKey = () => (JSON.parse(fs.readFileSync(`${h.dataDir}/keys/signing-keys.json`, 'utf8')) as { keys: { kid: string; secret: string }[] }).keys[0]!;
  const secret = () => new Uint8Array(Buffer.from(storedKey().secret, 'base64url'));

  it('refuses a token whose payload was tampered with', async () => {
    const { token } = await validClaims();
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    claims.role = 'coordinator';
    await expectRefused([header, base64url.encode(JSON.stringify(claims)), signature].join('.'));
  });

  it('refuses alg:none', async () => {
    const { payload } = await validClaims();
    const none = [base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' })), base64url.encode(JSON.stringify(payload)), ''].join('.');
    await expectRefused(none);
  });

  it('refuses an expired token, a wrong audience, a wrong issuer and an unknown key, even when correctly signed', async () => {
    const { payload } = await validClaims();
    const { kid } = storedKey();
    const sign = (claims: Record<string, unknown>, headerKid = kid) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: headerKid }).sign(secret());
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await sign({ ...payload, iat: now - 7200, exp: now - 3600 }));
    await expectRefused(await sign({ ...payload, aud: 'signal' }));
    await expectRefused(await sign({ ...payload, iss: 'someone-else' }));
    await expectRefused(await sign(payload, 'unknown-kid'));
    // and the same claims signed properly are accepted, so the refusals above are about the one changed thing
    const ok = await h.request('GET', '/api/me', { cookie: asCookie(await sign(payload)) });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses garbage', async () => {
    await expectRefused('not-a-jwt');
    await expectRefused('a.b.c');
  });
});

describe('CSRF', () => {
  it('refuses a mutating request from another origin, or without Origin when a session cookie is sent', async () => {
    const cookie = await h.login(org.coordinatorEmail);
    const before = await h.admin`select count(*)::int as n from teams`;
    const foreign = await h.request('POST', '/api/teams', { cookie, body: { name: 'Evil team' }, headers: { origin: 'https://evil.example' } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('csrf');
    const app = h.app;
    const noOrigin = await app.inject({ method: 'POST', url: '/api/teams', headers: { cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'Evil team' }) });
    expect(noOrigin.statusCode).toBe(403);
    const after = await h.admin`select count(*)::int as n from teams`;
    expect(after[0]!.n).toBe(before[0]!.n);
    const same = await h.request('POST', '/api/teams', { cookie, body: { name: 'Team Nord' } });
    expect(same.statusCode).toBe(201);
  });
});

describe('rate limit', () => {
  it('answers 429 with the error shape after too many sign-in attempts', async () => {
    const limited = await startHarness({ SIGN_IN_RATE_LIMIT: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await limited.request('POST', '/api/auth/login', { body: { email: 'x@y.dk', password: 'wrong' } });
        statuses.push(response.statusCode);
        if (response.statusCode === 429) {
          expect(response.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
          expect(response.headers['retry-after']).toBeDefined();
        }
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const exchange = await Promise.all(
        Array.from({ length: 4 }, () => limited.request('POST', '/api/citizen-links/exchange', { body: { secret: 'A'.repeat(43) } })),
      );
      expect(exchange.map((r) => r.statusCode).sort()).toEqual([404, 404, 404, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('sign-in limits behind a proxy', () => {
  it('with TRUST_PROXY=1 a client rotating X-Forwarded-For still meets the limit: only the hop our proxy added counts', async () => {
    const proxied = await startHarness({ SIGN_IN_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        // The client wrote the first entry itself; the proxy (on loopback here) appended the address it saw.
        const response = await proxied.app.inject({
          method: 'POST', url: '/api/auth/login', remoteAddress: '127.0.0.1',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}, 203.0.113.7` },
          payload: JSON.stringify({ email: 'x@y.dk', password: 'wrong' }),
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // Another client behind the same proxy is not held back by the first one.
      const other = await proxied.app.inject({
        method: 'POST', url: '/api/auth/login', remoteAddress: '127.0.0.1',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.8' },
        payload: JSON.stringify({ email: 'x@y.dk', password: 'wrong' }),
      });
      expect(other.statusCode).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('a client that reaches the app directly from a public address cannot pose as a proxy', async () => {
    const proxied = await startHarness({ SIGN_IN_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await proxied.app.inject({
          method: 'POST', url: '/api/auth/login', remoteAddress: '192.0.2.55',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` },
          payload: JSON.stringify({ email: 'x@y.dk', password: 'wrong' }),
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await proxied.close();
    }
  });

  it('the address limiter holds a bounded number of addresses: 100,000 new ones do not grow it past its cap', () => {
    const counter = new AttemptCounter(3, 60_000, 10_000);
    const now = Date.now();
    for (let i = 0; i < 100_000; i++) counter.hit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, now);
    expect(counter.size).toBe(10_000);
    // It still counts: the newest address reaches its limit as usual.
    const last = '10.1.134.159';
    expect([counter.hit(last, now), counter.hit(last, now), counter.hit(last, now)].map((r) => r.limited)).toEqual([false, false, true]);
    expect(MAX_TRACKED_ADDRESSES).toBeLessThanOrEqual(100_000);
  });

  it('counts an IPv6 client by its /64, so a client cannot take a new address for every attempt', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:ffff:1:2:3'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('per-account lockout', () => {
  // Each attempt costs a real password hash (scrypt, 32 MiB): on a busy machine dozens of them take a while.
  it('locks an account after 10 wrong passwords, answers like an unknown e-mail, and a coordinator can lift it', { timeout: 180_000 }, async () => {
    const locking = await h.seedOrganisation('Låsekommune');
    const attempt = (password: string, email = locking.workerEmail) => h.request('POST', '/api/auth/login', { body: { email, password } });
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong password ${i}`)).statusCode).toBe(401);
    // Locked: even the right password is refused, with exactly the answer an unknown e-mail gets.
    const locked = await attempt(PASSWORD);
    const unknown = await attempt(PASSWORD, 'nobody-at-all@nowhere.dk');
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual(unknown.json());
    expect(locked.json()).toEqual({ error: { code: 'invalid_credentials', message: 'E-mail or password is wrong' } });
    expect(locked.cookies).toHaveLength(0);
    const [event] = await h.admin<{ action: string; detail: { minutes: number } }[]>`
      select action, detail from audit_events where subject_id = ${locking.workerId} and action = 'staff.sign_in_locked'`;
    expect(event?.detail.minutes).toBe(15);
    // Other accounts of the organisation are not affected.
    expect((await attempt(PASSWORD, locking.coordinatorEmail)).statusCode).toBe(200);

    const coordinator = await h.login(locking.coordinatorEmail);
    const otherOrganisation = await h.login(org.coordinatorEmail);
    expect((await h.request('POST', `/api/users/${locking.workerId}/unlock`, { cookie: otherOrganisation })).statusCode).toBe(404);
    expect((await attempt(PASSWORD)).statusCode).toBe(401);
    // The coordinator's people list shows whom to unlock.
    const lockedOf = async () => ((await h.request('GET', '/api/users', { cookie: coordinator })).json() as { id: string; signInLocked: boolean }[])
      .filter((u) => u.signInLocked).map((u) => u.id);
    expect(await lockedOf()).toEqual([locking.workerId]);
    const unlocked = await h.request('POST', `/api/users/${locking.workerId}/unlock`, { cookie: coordinator });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toEqual({ wasLocked: true });
    const [audited] = await h.admin<{ actor_id: string }[]>`select actor_id from audit_events where subject_id = ${locking.workerId} and action = 'staff.unlock'`;
    expect(audited?.actor_id).toBe(locking.coordinatorId);
    expect(await lockedOf()).toEqual([]);
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
  });

  it('a second lock lasts twice as long, and a correct password in between starts the count again', { timeout: 180_000 }, async () => {
    const locking = await h.seedOrganisation('Dobbeltkommune');
    const attempt = (password: string) => h.request('POST', '/api/auth/login', { body: { email: locking.volunteerEmail, password } });
    for (let i = 0; i < 9; i++) await attempt('wrong');
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 9; i++) await attempt('wrong');
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) await attempt('wrong');
    expect((await attempt(PASSWORD)).statusCode).toBe(401);
    // The first lock ran out (moved into the past here rather than waited for): ten more wrong passwords lock for 30 minutes.
    await h.admin`update sign_in_failures set locked_until = now() - interval '1 second' where user_id = ${locking.volunteerId}`;
    for (let i = 0; i < 10; i++) await attempt('wrong');
    const [row] = await h.admin<{ minutes: number }[]>`
      select round(extract(epoch from locked_until - now()) / 60)::int as minutes from sign_in_failures where user_id = ${locking.volunteerId}`;
    expect(row?.minutes).toBe(30);
  });

  it('only a coordinator unlocks, and only staff of their own organisation', async () => {
    const coordinator = await h.login(org.coordinatorEmail);
    const notLocked = await h.request('POST', `/api/users/${org.workerId}/unlock`, { cookie: coordinator });
    expect(notLocked.json()).toEqual({ wasLocked: false });
    const citizen = await h.request('POST', `/api/users/${org.citizenId}/unlock`, { cookie: coordinator });
    expect(citizen.statusCode).toBe(404);
    expect(citizen.json().error.code).toBe('not_found');
  });
});
