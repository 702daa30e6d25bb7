import { useEffect, useState } from 'react';

/** Duty's clock: how long until an answer is promised, how long a request has waited, and a screen that counts. */

/** Minutes from now until `instant`, at least 1 (a "within 0 minutes" reads as a broken promise). */
export function minutesUntil(instant: string, now = Date.now()): number {
  return Math.max(1, Math.ceil((Date.parse(instant) - now) / 60_000));
}

/** Whole minutes since `instant`, never below 0 (a clock a little ahead of the server's). */
export function minutesSince(instant: string, now = Date.now()): number {
  return Math.max(0, Math.floor((now - Date.parse(instant)) / 60_000));
}

/** Re-renders every `ms`, so "inden for 12 minutter" counts down while the screen is open. */
export function useTick(ms: number): void {
  const [, setNow] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
}
