import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import type { Harness } from './harness.js';
import { SmsGatewayStub } from './sms-gateway.js';

export interface DispatcherProcesses {
  /** The SMS provider stand-in the processes send to; set `delayMs` to keep a batch in flight when a kill comes. */
  readonly gateway: SmsGatewayStub;
  /** Starts one more `npm run dispatcher` on the harness's database (a short lease, so a killed one's rows come back soon). */
  start(): ChildProcess;
}

/**
 * `npm run dispatcher` as real processes, run from the source (no build needed, so it always tests the code in the
 * tree), sending to an SMS gateway stand-in of their own. Every process started is killed after the file or describe.
 */
export function useDispatcherProcesses(h: Harness): DispatcherProcesses {
  const gateway = new SmsGatewayStub();
  let gatewayUrl = '';
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    gatewayUrl = await gateway.start();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await gateway.stop();
  });
  return {
    gateway,
    start() {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/dispatcher.ts'], {
        env: {
          ...process.env, DATABASE_URL: h.databaseUrl, DATA_DIR: h.dataDir, PUBLIC_URL: 'http://naervaer.test', SMS_GATEWAY_URL: gatewayUrl,
          SMS_GATEWAY_TOKEN: gateway.token, DISPATCH_LEASE_SECONDS: '2', LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      children.push(child);
      return child;
    },
  };
}
