import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
