import { useEffect, useState } from 'react';
import type { CallSummary } from '../../../protocol/calls';
import { api } from '../api';

/** Open sessions for me, refreshed every few seconds while the page is visible. */
export function useOpenCalls(enabled: boolean): [CallSummary[], () => void] {
  const [calls, setCalls] = useState<CallSummary[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!enabled) return;
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
  }, [enabled, tick]);
  return [calls, () => setTick((n) => n + 1)];
}
