import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../server/db/embedded.js';
import { createLogger } from '../server/log.js';

/**
 * The PostgreSQL a benchmark's harness creates its database in: TEST_DATABASE_URL when given, else an embedded one
 * in a temporary folder (searchable by the database's own user when we are root). Call stop() at the end.
 *
 * A benchmark may fail anywhere (no built client, no browser, a thrown assertion, Ctrl-C); whatever happens, the
 * embedded server it started must not outlive it. So besides stop() an exit hook asks PostgreSQL for an immediate
 * shutdown (SIGQUIT, synchronous to send) and removes the folder, and SIGINT/SIGTERM exit through that hook.
 */
export async function benchCluster(): Promise<{ work: string; stop(): Promise<void> }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-bench-'));
  fs.chmodSync(work, 0o711);
  const cluster = process.env.TEST_DATABASE_URL ? undefined : await startEmbeddedPostgres(path.join(work, 'pg'), createLogger({ level: 'silent' }));
  process.env.NAERVAER_CLUSTER_URL = process.env.TEST_DATABASE_URL || cluster!.url;

  let stopped = false;
  const onExit = () => {
    if (stopped) return;
    stopped = true;
    if (cluster?.owned) {
      try {
        process.kill(cluster.pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`benchmark interrupted by ${signal}`);
    process.exit(130);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  return {
    work,
    async stop() {
      if (stopped) return;
      process.off('exit', onExit);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await cluster?.stop();
      stopped = true;
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
