import { useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
import type { CallSummary } from '../../../protocol/calls';
import { EVENTS_NAMESPACE, type EventsClientToServer, type EventsServerToClient } from '../../../protocol/events';
import { api } from '../api';

/** While the live connection is down (a proxy without WebSockets, a flaky network), the list is read this often. */
const FALLBACK_POLL_MS = 60_000;

/**
 * Open sessions for me. Read once, then again whenever the server says they changed (a session opened or ended,
 * someone started waiting: socket.io namespace /events, see protocol/events.ts), when the live connection comes
 * back (something may have changed while it was down) and when the page is shown again. Only while that connection
 * is down is the list polled, slowly.
 *
 * socket.io-client is imported when the hook first runs, not with the page: the first download stays small (the
 * budget in tests/budget.test.ts) and the list shows before the live connection is up.
 */
export function useOpenCalls(): CallSummary[] {
  const [calls, setCalls] = useState<CallSummary[]>([]);
  useEffect(() => {
    let stopped = false;
    let socket: Socket<EventsServerToClient, EventsClientToServer> | undefined;
    let poll: number | undefined;
    const load = () => {
      if (document.visibilityState === 'hidden') return;
      api('GET /api/calls/open').then((c) => !stopped && setCalls(c), () => undefined);
    };
    const startPolling = () => {
      poll ??= window.setInterval(load, FALLBACK_POLL_MS);
    };
    const stopPolling = () => {
      window.clearInterval(poll);
      poll = undefined;
    };
    const onShown = () => {
      if (document.visibilityState === 'visible') load();
    };

    load();
    startPolling();
    document.addEventListener('visibilitychange', onShown);
    import('socket.io-client').then(({ io }) => {
      if (stopped) return;
      // Same origin, path and transport as signalling (WebSocket only: where a proxy blocks it, the slow poll
      // above carries on); the session cookie goes with the handshake and admits it.
      socket = io(EVENTS_NAMESPACE, { path: '/socket.io/', transports: ['websocket'] });
      socket.on('connect', () => {
        stopPolling();
        load();
      });
      socket.on('disconnect', startPolling);
      socket.on('connect_error', startPolling);
      socket.on('openCallsChanged', load);
    }, startPolling);

    return () => {
      stopped = true;
      stopPolling();
      document.removeEventListener('visibilitychange', onShown);
      socket?.disconnect();
    };
  }, []);
  return calls;
}
