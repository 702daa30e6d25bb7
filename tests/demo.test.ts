import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../server/demo/seed.js';
import { useHarness } from './support/use-harness.js';

const { h } = useHarness({ organisation: false });

describe('npm run demo', () => {
  it('seeds idempotently and prints credentials that work', async () => {
    const first = await seedDemo(h.admin, h.sql, h.config);
    const counts = async () => (await h.admin`select role, count(*)::int as n from users group by role order by role`).map((r) => `${r.role}:${r.n}`);
    const afterFirst = await counts();
    const second = await seedDemo(h.admin, h.sql, h.config);
    expect(await counts()).toEqual(afterFirst);
    expect(afterFirst).toEqual(['citizen:3', 'coordinator:1', 'volunteer:1', 'worker:2']);
    expect((await h.admin`select count(*)::int as n from caseloads`)[0]!.n).toBe(3);

    // the first run's passwords were replaced; the second's work
    const old = first.staff[0]!;
    expect((await h.request('POST', '/api/auth/login', { body: { email: old.email, password: old.password } })).statusCode).toBe(401);
    for (const s of second.staff) {
      const login = await h.request('POST', '/api/auth/login', { body: { email: s.email, password: s.password } });
      expect(login.statusCode, s.email).toBe(200);
      expect(login.json().user.role).toBe(s.role);
    }
    const secret = new URL(second.citizenLink.url).hash.slice(1);
    const citizen = await h.request('POST', '/api/citizen-links/exchange', { body: { secret } });
    expect(citizen.statusCode).toBe(200);
    expect(citizen.json().user.displayName).toBe('Carl');
    // Carl has a crisis plan to open (one version, however many runs), shared with the night duty.
    const cookie = citizen.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const plan = await h.request('GET', '/api/my/crisis-plan', { cookie });
    expect(plan.json()).toMatchObject({ version: 1, consent: 'duty_too', changedByName: 'Bo Bostøtte' });
    expect(plan.json().plan.contacts.length).toBeGreaterThan(0);
  });

  it('runs as a command on the embedded database', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-demo-'));
    try {
      const result = spawnSync(process.execPath, ['dist/server/cli/demo.js'], {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PUBLIC_URL: 'http://localhost:8080' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/coordinator\s+koordinator@demo\.naervaer\.dk\s+\S{12}/);
      expect(result.stdout).toMatch(/http:\/\/localhost:8080\/link#[A-Za-z0-9_-]{43}/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
