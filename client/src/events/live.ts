import { useEffect, useRef } from 'react';
import type { Socket } from 'socket.io-client';
import { EVENTS_NAMESPACE, type EventsClientToServer, type EventsServerToClient } from '../../../protocol/events';

/**
 * Live updates for open screens over socket.io's /events namespace (protocol/events.ts, server/events/): the server
 * says only *that* something of mine changed; the screen then asks the HTTP API what. Used by the open-sessions list
 * (call/useOpenCalls.ts) and duty's lists and chat.
 */

/** While the live connection is down (a proxy without WebSockets, a flaky network), the screen is read this often. */
const FALLBACK_POLL_MS = 60_000;

type EventsSocket = Socket<EventsServerToClient, EventsClientToServer>;

/**
 * One /events connection for all the live lists on a page (the open sessions, the Vagt list, an open chat), opened by
 * the first that needs it and closed with the last: fewer connections per person (the server limits them a minute).
 * socket.io-client is imported then, not with the page: the first download stays small (tests/budget.test.ts) and a
 * list shows before its live connection is up. Same origin, path and transport as signalling (WebSocket only: where a
 * proxy blocks it, the slow poll carries on); the session cookie goes with the handshake and admits it.
 */
let shared: { socket: Promise<EventsSocket>; users: number } | null = null;
function acquireSocket(): Promise<EventsSocket> {
  shared ??= {
    socket: import('socket.io-client').then(({ io }) => io(EVENTS_NAMESPACE, { path: '/socket.io/', transports: ['websocket'], forceNew: true })),
    users: 0,
  };
  shared.users += 1;
  return shared.socket;
}
function releaseSharedSocket(): void {
  if (!shared) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  const { socket } = shared;
  shared = null;
  void socket.then((s) => s.disconnect(), () => undefined);
}

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
    let socket: EventsSocket | undefined;
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
    const onConnect = () => {
      stopPolling();
      run();
    };
    const onShown = () => document.visibilityState === 'visible' && run();

    run();
    document.addEventListener('visibilitychange', onShown);
    acquireSocket().then((s) => {
      if (stopped) return;
      socket = s;
      s.on('connect', onConnect);
      s.on('disconnect', startPolling);
      s.on('connect_error', startPolling);
      for (const event of events) s.on(event, run);
      // Already connected (another list opened it): nothing may have been missed between our load and now but the
      // load itself, which has run; and if it is still connecting, 'connect' comes.
      if (!s.connected && !s.active) startPolling();
    }, startPolling);
    return () => {
      stopped = true;
      stopPolling();
      document.removeEventListener('visibilitychange', onShown);
      if (socket) {
        socket.off('connect', onConnect);
        socket.off('disconnect', startPolling);
        socket.off('connect_error', startPolling);
        for (const event of events) socket.off(event, run);
      }
      releaseSharedSocket();
    };
  }, [key]);
}
