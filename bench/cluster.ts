import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../server/db/embedded.js';

/**
 * The PostgreSQL a benchmark's harness creates its database in: TEST_DATABASE_URL when given, else an embedded one
 * in a temporary folder (searchable by the database's own user when we are root). Call stop() at the end.
 */
export async function benchCluster(): Promise<{ work: string; stop(): Promise<void> }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-bench-'));
  fs.chmodSync(work, 0o711);
  const cluster = process.env.TEST_DATABASE_URL ? undefined : await startEmbeddedPostgres(path.join(work, 'pg'), () => {});
  process.env.NAERVAER_CLUSTER_URL = process.env.TEST_DATABASE_URL ?? cluster!.url;
  return {
    work,
    async stop() {
      await cluster?.stop();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
