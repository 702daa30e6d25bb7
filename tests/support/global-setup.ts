import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { randomBytes } from 'node:crypto';
import { connect } from '../../server/db/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../server/db/embedded.js';
import { migrate } from '../../server/db/migrate.js';
import { createLogger } from '../../server/log.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the PostgreSQL cluster the tests create their databases in. */
    clusterUrl: string;
    /** A database migrated once for the run, which a harness's database is copied from (harness.ts). */
    templateDatabase: string;
  }
}

let embedded: EmbeddedPostgres | undefined;
let startedAt = 0;
/** The one-minute load average, every 30 s of the run. */
const loads: number[] = [];
let loadSampler: NodeJS.Timeout | undefined;
let dataDir: string | undefined;
let template: { clusterUrl: string; name: string } | undefined;

/** One real PostgreSQL for the run: TEST_DATABASE_URL when given, else an embedded one in a temporary folder. */
export async function setup(project: TestProject): Promise<void> {
  startedAt = Date.now();
  loads.push(os.loadavg()[0]!);
  loadSampler = setInterval(() => loads.push(os.loadavg()[0]!), 30_000).unref();
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-test-pg-'));
    embedded = await startEmbeddedPostgres(dataDir, createLogger({ level: 'silent' }));
    url = embedded.url;
  }
  project.provide('clusterUrl', url);
  // Every harness needs the migrated schema: migrating once and copying the database (CREATE DATABASE … TEMPLATE, a
  // file copy) is several times faster than running every migration in every test file. No one stays connected to
  // the template, which copying requires.
  const name = `naervaer_template_${randomBytes(4).toString('hex')}`;
  const root = connect(url, { max: 1 });
  try {
    await root.unsafe(`create database ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const owner = connect(target.toString(), { max: 1 });
    try {
      await migrate(owner);
    } finally {
      await owner.end();
    }
  } finally {
    await root.end();
  }
  template = { clusterUrl: url, name };
  project.provide('templateDatabase', name);
}

export async function teardown(): Promise<void> {
  // What the run had to work with, one line: a slow run on a busy or small machine shows as such.
  clearInterval(loadSampler);
  const meanLoad = loads.reduce((sum, load) => sum + load, 0) / Math.max(1, loads.length);
  let shm = 'no /dev/shm';
  try {
    const stats = fs.statfsSync('/dev/shm');
    shm = `/dev/shm ${Math.round((stats.bavail * stats.bsize) / 2 ** 20)} MiB free`;
  } catch {
    // not Linux, or no shared memory mount: the line says so
  }
  console.log(
    `Test machine: ${os.availableParallelism()} cores, load average ${loads[0]?.toFixed(1)} at the start, ${meanLoad.toFixed(1)} on average, ${Math.max(...loads).toFixed(1)} at most, ` +
      `${Math.round(os.freemem() / 2 ** 30)} of ${Math.round(os.totalmem() / 2 ** 30)} GiB free, ${shm}, ` +
      `${Math.round((Date.now() - startedAt) / 1000)} s`,
  );
  if (template && !embedded) {
    const root = connect(template.clusterUrl, { max: 1 });
    await root.unsafe(`drop database if exists ${template.name} with (force)`).finally(() => root.end());
  }
  await embedded?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
