import { useEffect, useRef } from 'react';
import type { Socket } from 'socket.io-client';
import { EVENTS_NAMESPACE, type EventsClientToServer, type EventsServerToClient } from '../../../protocol/events';

/** While the live connection is down (a proxy without WebSockets, a flaky network), the screen is read this often. */
const FALLBACK_POLL_MS = 60_000;

/**
 * Runs `load` once, then whenever the server says over /events that one of `events` happened, when the live
 * connection comes (back) and when the page is shown again. No polling while the connection is up: the events carry
 * the news (they say only *that* something changed; `load` asks the HTTP API what). Only while it is down is `load`
 * run slowly on a timer, so a request is never missed for good.
 */
export function useLive(events: readonly (keyof EventsServerToClient)[], load: () => void): void {
  const latest = useRef(load);
  latest.current = load;
  const key = events.join(',');
  useEffect(() => {
    let stopped = false;
    let socket: Socket<EventsServerToClient, EventsClientToServer> | undefined;
    let poll: number | undefined;
    const run = () => {
      if (!stopped && document.visibilityState !== 'hidden') latest.current();
    };
    const startPolling = () => {
      poll ??= window.setInterval(run, FALLBACK_POLL_MS);
    };
    const stopPolling = () => {
      window.clearInterval(poll);
      poll = undefined;
    };
    const onShown = () => document.visibilityState === 'visible' && run();

    run();
    document.addEventListener('visibilitychange', onShown);
    import('socket.io-client').then(({ io }) => {
      if (stopped) return;
      socket = io(EVENTS_NAMESPACE, { path: '/socket.io/', transports: ['websocket'] });
      socket.on('connect', () => {
        stopPolling();
        run();
      });
      socket.on('disconnect', startPolling);
      socket.on('connect_error', startPolling);
      for (const event of events) socket.on(event, run);
    }, startPolling);
    return () => {
      stopped = true;
      stopPolling();
      document.removeEventListener('visibilitychange', onShown);
      socket?.disconnect();
    };
  }, [key]);
}

/** The digits of a number as written ("38 64 00 00", "+45 12 34 56 78") for a tel: link. */
export function telHref(number: string): string {
  return `tel:${number.replace(/[^0-9+]/g, '')}`;
}

/** Minutes from now until `instant`, at least 1 (a "within 0 minutes" reads as a broken promise). */
export function minutesUntil(instant: string, now = Date.now()): number {
  return Math.max(1, Math.ceil((Date.parse(instant) - now) / 60_000));
}

/** Whole minutes since `instant`, never below 0 (a clock a little ahead of the server's). */
export function minutesSince(instant: string, now = Date.now()): number {
  return Math.max(0, Math.floor((now - Date.parse(instant)) / 60_000));
}
