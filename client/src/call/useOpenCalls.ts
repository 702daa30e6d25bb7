import { useEffect, useState } from 'react';
import type { CallSummary } from '../../../protocol/calls';
import { api } from '../api';

/** Open sessions for me, refreshed every few seconds while the page is visible. */
export function useOpenCalls(): CallSummary[] {
  const [calls, setCalls] = useState<CallSummary[]>([]);
  useEffect(() => {
    let stopped = false;
    const load = () => {
      if (document.visibilityState === 'hidden') return;
      api('GET /api/calls/open').then((c) => !stopped && setCalls(c), () => undefined);
    };
    load();
    const timer = window.setInterval(load, 4000);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, []);
  return calls;
}
