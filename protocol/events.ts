/**
 * Live events for a signed-in person, over socket.io on the namespace EVENTS_NAMESPACE (same path as signalling,
 * /socket.io/, so a proxy that passes WebSocket upgrades for one passes both). The session cookie admits the
 * connection. An event says only *that* something changed, never what: the client then asks the HTTP API, which
 * checks who may see what as always. So an event can never show anyone more than they could already read.
 */

export const EVENTS_NAMESPACE = '/events';

export interface EventsServerToClient {
  /** The open sessions I take part in changed: one opened or ended, or someone started or stopped waiting. */
  openCallsChanged: () => void;
  /** Staff: a contact request I may claim or hold was made, claimed, moved to the duty queue, cancelled or closed. */
  dutyRequestsChanged: () => void;
  /** Citizen: my contact request changed (claimed, moved to the duty queue, closed). */
  myContactRequestChanged: () => void;
  /** Both sides of a chat request: a message was written. */
  contactMessagesChanged: () => void;
  /** Staff: my follow-ups after a no-show, or (coordinators) the alerts of two no-shows in a row, changed. */
  followUpsChanged: () => void;
  /** Staff: a citizen answered the morning attendance check of one of my appointments. */
  attendanceChanged: () => void;
}

/** The client sends nothing: the connection only listens. */
export type EventsClientToServer = Record<never, never>;

/** Why a connection was refused (socket.io's connect_error `data`). */
export interface EventsRefusal {
  /** No valid sign-in; or too many connections of one person in a minute (the client falls back to polling). */
  code: 'unauthorized' | 'rate_limited';
}
