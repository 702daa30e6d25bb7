import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FALLBACK_CLUSTER_ROOT } from '../server/db/embedded.js';
import { LOCAL_WORKER_BIN, ROOT } from '../server/paths.js';
import { startServerProcess } from './support/server-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-process-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Processes whose command line mentions our data folder: the embedded postgres and its children. */
function processesUsing(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dir) && !line.includes('ps -eo'));
}

describe('the server as a process on the embedded database', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`starts on an empty DATA_DIR, serves, and on ${signal} stops leaving no postgres process`, async () => {
      const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '' });
      const health = await fetch(`${server.baseUrl}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
      const pid = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
      expect(processesUsing(dataDir).length).toBeGreaterThan(0);

      expect(await server.stop(signal)).toBe(0);
      expect(() => process.kill(pid, 0)).toThrow();
      expect(processesUsing(dataDir)).toEqual([]);
      expect(server.output()).toContain('"msg":"stopped"');
    });
  }

  it('keeps its data and signing keys across restarts', async () => {
    const keys = fs.readFileSync(path.join(dataDir, 'keys', 'signing-keys.json'), 'utf8');
    expect((fs.statSync(path.join(dataDir, 'keys', 'signing-keys.json')).mode & 0o777).toString(8)).toBe('600');
    const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(server.output()).not.toContain('applied migrations');
    expect(server.output()).not.toContain('initialising');
    expect(fs.readFileSync(path.join(dataDir, 'keys', 'signing-keys.json'), 'utf8')).toBe(keys);
    expect(await server.stop()).toBe(0);
  });
});

// The most common first run on Debian: cloning into root's home as root, and that home is mode 700. The database runs
// as the user "postgres", who cannot pass through a private parent folder.
describe.skipIf(process.getuid?.() !== 0)('as root, from a checkout inside a private (0700) folder', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-home-'));
  fs.chmodSync(home, 0o700);
  // A whole checkout inside the private folder — code, node_modules (PostgreSQL's programs are in there) and all — as
  // after a clone into root's home and `npm run setup`. Hard links make the copy instant where the file system allows;
  // a symlink would not do: Node resolves it back to the public tree.
  const checkout = path.join(home, 'naervaer');
  fs.mkdirSync(checkout);
  for (const entry of ['package.json', 'dist', 'migrations']) execFileSync('cp', ['-a', path.join(ROOT, entry), checkout]);
  try {
    execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), checkout]);
  } catch {
    execFileSync('cp', ['-a', path.join(ROOT, 'node_modules'), checkout]);
  }
  fs.mkdirSync(path.join(checkout, '.cache'));
  if (fs.existsSync(LOCAL_WORKER_BIN)) execFileSync('cp', ['-a', LOCAL_WORKER_BIN, path.join(checkout, '.cache')]);
  const clusters: string[] = [];
  afterAll(() => {
    fs.rmSync(home, { recursive: true, force: true });
    for (const dir of clusters) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts with the default DATA_DIR, says in one line where the database lives, and stops cleanly', async () => {
    // No DATA_DIR: the default ./data, relative to the working directory, as `npm start` in the checkout does.
    const server = await startServerProcess({ DATA_DIR: '', DATABASE_URL: '' }, { root: checkout });
    // The database user can reach neither the data folder nor the programs in node_modules: both move, and say so.
    expect(server.output()).toContain(`embedded PostgreSQL runs its programs from ${FALLBACK_CLUSTER_ROOT}/pg-`);
    const line = server.output().split('\n').find((l) => l.includes('embedded PostgreSQL keeps its data in'));
    expect(line).toBeDefined();
    const cluster = /keeps its data in (\S+):/.exec(line!)![1]!;
    clusters.push(cluster);
    expect(cluster.startsWith(FALLBACK_CLUSTER_ROOT)).toBe(true);
    expect(fs.readFileSync(path.join(checkout, 'data', 'postgres-location.txt'), 'utf8').trim()).toBe(cluster);
    const health = await fetch(`${server.baseUrl}/api/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
    expect(processesUsing(cluster).length).toBeGreaterThan(0);
    expect(processesUsing(cluster).every((p) => p.includes(`${FALLBACK_CLUSTER_ROOT}/pg-`))).toBe(true);
    expect(await server.stop()).toBe(0);
    expect(processesUsing(cluster)).toEqual([]);

    // The next start finds the same cluster instead of creating a new one.
    const again = await startServerProcess({ DATA_DIR: '', DATABASE_URL: '' }, { root: checkout });
    expect(again.output()).not.toContain('initialising');
    expect(again.output()).toContain(cluster);
    expect(await again.stop()).toBe(0);

    // The checkout deleted and cloned again at the same path: a new DATA_DIR with a new password meets the old
    // cluster, which it cannot open. While the old checkout's server still runs it, the start is refused and names
    // that server; once it is stopped, the old cluster is moved aside with a warning, and a new one starts.
    const old = await startServerProcess({ DATA_DIR: '', DATABASE_URL: '' }, { root: checkout });
    fs.rmSync(path.join(checkout, 'data'), { recursive: true, force: true });
    await expect(startServerProcess({ DATA_DIR: '', DATABASE_URL: '' }, { root: checkout })).rejects.toThrow(`stop the Nærvær server that runs it, pid ${old.child.pid}`);
    expect(await old.stop()).toBe(0);
    const recloned = await startServerProcess({ DATA_DIR: '', DATABASE_URL: '' }, { root: checkout });
    const warning = recloned.output().split('\n').find((l) => l.includes('from an earlier DATA_DIR at this path was moved to'));
    expect(warning).toBeDefined();
    const aside = /moved to (\S+):/.exec(warning!)![1]!;
    clusters.push(aside);
    expect(aside.startsWith(`${cluster}.orphaned-`)).toBe(true);
    expect(fs.existsSync(path.join(aside, 'PG_VERSION'))).toBe(true);
    expect(recloned.output()).toContain('initialising');
    expect(await (await fetch(`${recloned.baseUrl}/api/health`)).json()).toMatchObject({ status: 'ok', database: 'ok' });
    expect(await recloned.stop()).toBe(0);
  });
});
