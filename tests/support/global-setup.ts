import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../server/db/embedded.js';
import { createLogger } from '../../server/log.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the PostgreSQL cluster the tests create their databases in. */
    clusterUrl: string;
  }
}

let embedded: EmbeddedPostgres | undefined;
let dataDir: string | undefined;

/** One real PostgreSQL for the run: TEST_DATABASE_URL when given, else an embedded one in a temporary folder. */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-test-pg-'));
    embedded = await startEmbeddedPostgres(dataDir, createLogger({ level: 'silent' }));
    url = embedded.url;
  }
  project.provide('clusterUrl', url);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
