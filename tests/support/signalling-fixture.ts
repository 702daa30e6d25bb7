import type { Socket } from 'socket.io-client';
import { afterEach } from 'vitest';
import { startCall } from './calls.js';
import type { Harness, Org } from './harness.js';
import { useHarness } from './use-harness.js';

/**
 * The setup every signalling test file shares: one served harness for the file, and the sockets a test opens closed
 * after it (pass `sockets` to openSignal). Each test makes its own organisation and session with `freshCall()`, so
 * tests never depend on each other's state.
 */
export function useSignallingHarness(env: Record<string, string> = {}): {
  readonly h: Harness;
  sockets: Socket[];
  freshCall(): Promise<{ org: Org; workerCookie: string; callId: string }>;
} {
  const { h } = useHarness({ env, serve: true, organisation: false });
  const sockets: Socket[] = [];
  afterEach(() => {
    sockets.forEach((s) => s.close());
    sockets.length = 0;
  });
  const fixture = {
    h,
    sockets,
    async freshCall() {
      const org = await h.seedOrganisation();
      const workerCookie = await h.login(org.workerEmail);
      return { org, workerCookie, callId: await startCall(h, org, workerCookie) };
    },
  };
  return fixture;
}
