import { useState } from 'react';
import type { CallSummary } from '../../../protocol/calls';
import { api } from '../api';
import { useLive } from '../events/live';

/**
 * Open sessions for me. Read once, then again whenever the server says they changed (a session opened or ended,
 * someone started waiting), when the live connection comes back and when the page is shown again; polled slowly only
 * while that connection is down (events/live.ts).
 */
export function useOpenCalls(): CallSummary[] {
  const [calls, setCalls] = useState<CallSummary[]>([]);
  useLive(['openCallsChanged'], () => {
    api('GET /api/calls/open').then(setCalls, () => undefined);
  });
  return calls;
}
