import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../server/paths.js';

/** Command lines of processes working in one of the benchmarks' temporary folders (their embedded PostgreSQL). */
function benchProcesses(): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`${os.tmpdir()}/naervaer-bench-`) && !line.includes('ps -eo'));
}

function run(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // The benchmark's own embedded cluster, not an external one: that is the one that used to be left behind.
  const inherited = { ...process.env };
  delete inherited.TEST_DATABASE_URL;
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), script], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

// A benchmark that fails half-way (here: no browser to launch) used to leave its embedded PostgreSQL running for hours.
describe('a benchmark that fails', () => {
  it('exits non-zero and leaves no PostgreSQL and no temporary folder behind', async () => {
    const before = new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('naervaer-bench-')));
    const { code, output } = await run('bench/join.ts', { CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/nonexistent|Failed to launch|ENOENT/);
    // PostgreSQL's immediate shutdown completes a moment after the benchmark has exited: wait for it, boundedly.
    for (let i = 0; i < 100 && benchProcesses().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(benchProcesses()).toEqual([]);
    const after = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('naervaer-bench-') && !before.has(f));
    expect(after).toEqual([]);
  });
});
