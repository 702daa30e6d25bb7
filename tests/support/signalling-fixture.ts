import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startCall } from './calls.js';
import { startHarness, type Harness, type Org } from './harness.js';

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
  let harness: Harness | undefined;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    harness = await startHarness(env, { serve: true });
  });
  afterEach(() => {
    sockets.forEach((s) => s.close());
    sockets.length = 0;
  });
  afterAll(() => harness?.close());
  const fixture = {
    get h(): Harness {
      if (!harness) throw new Error('the harness starts in beforeAll');
      return harness;
    },
    sockets,
    async freshCall() {
      const h = fixture.h;
      const org = await h.seedOrganisation();
      const workerCookie = await h.login(org.workerEmail);
      return { org, workerCookie, callId: await startCall(h, org, workerCookie) };
    },
  };
  return fixture;
}
