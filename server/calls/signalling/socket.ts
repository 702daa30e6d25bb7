/** socket.io typed with the signalling contract (protocol/signalling.ts), as this server uses it. */
import type { Server, Socket } from 'socket.io';
import type { CallRole, ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../../../protocol/signalling.js';

/** Who a connection is: set by the handshake from the room token and the connection's transaction. */
export interface SocketData {
  userId: string;
  organisationId: string;
  /** The participant's role in the database (the token's claim is not trusted for permissions). */
  role: CallRole;
  /** The session the room token admits to (its `call` claim). */
  callId: string;
  /** The sign-in the room token was issued under (its `sid` claim): when it is revoked, the connection goes. */
  authSessionId: string;
}

export type CallServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type CallSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The socket.io room of every connection to one session, registered or not yet: ending the session empties it. */
export const sessionRoom = (callId: string) => `session:${callId}`;
