/**
 * Letting a connection in, before socket.io counts it as connected: the room token says who it is and for which
 * session, the per-user connection limit holds, and then the connection's one transaction (store.connect) checks
 * everything and opens its segment.
 *
 * The transaction runs in the person's queue, and the queue stays held until socket.io has connected the socket and
 * the sessions have installed it (or it went away): the next connection of the same person, a removal or a sign-out
 * check always finds this one in place. Of any number of simultaneous connections, the last one therefore stays.
 */
import { UUID_PATTERN } from '../../../protocol/ids.js';
import type { TokenService } from '../../auth/tokens.js';
import { AttemptCounter } from '../../http/rate-limit.js';
import type { Logger } from '../../log.js';
import { CONNECTIONS_PER_MINUTE } from '../limits.js';
import type { AdmittedConnection, CallStore, ConnectionClaims } from '../store.js';
import { SignalError } from './errors.js';
import type { LiveCalls } from './registry.js';
import type { CallSocket } from './socket.js';

/**
 * How long an admitted connection may take to become connected. socket.io connects it or drops it on its next tick;
 * this only keeps a person's queue from waiting for ever if neither is ever seen.
 */
const CONNECT_WITHIN_MS = 10_000;

/** An admitted connection not yet installed: what its transaction found, and the person's queue it holds. */
export interface Admission {
  connection: AdmittedConnection;
  /** Lets the person's next connection, removal or sign-out check run. */
  release(): void;
}

export interface HandshakeDeps {
  tokens: TokenService;
  store: CallStore;
  live: LiveCalls;
  log: Logger;
  /** Several hosts: this host's name. Only tokens naming it, for calls placed on it, are let in. */
  hostId?: string | undefined;
}

export class Handshake {
  private readonly connectionLimit = new AttemptCounter(CONNECTIONS_PER_MINUTE, 60_000);
  /** Admitted connections socket.io has not connected yet, by socket id. */
  private readonly admitted = new Map<string, Admission & { forget(): void }>();

  constructor(private readonly deps: HandshakeDeps) {}

  /** socket.io middleware: resolves when the connection may connect; rejects with why not (SignalError) or a fault. */
  async admit(socket: CallSocket): Promise<void> {
    const claims = await this.identify(socket);
    return new Promise<void>((admitted, refused) => {
      void this.deps.live.perUser.run(claims.userId, async () => {
        let connection: AdmittedConnection;
        try {
          connection = await this.connect(socket, claims);
        } catch (error) {
          refused(error);
          return;
        }
        await new Promise<void>((release) => {
          this.hold(socket, connection, release);
          admitted();
        });
      });
    });
  }

  /** The admission of a socket that has just connected, taken once. Its holder releases it once installed. */
  take(socket: CallSocket): Admission | undefined {
    const admission = this.admitted.get(socket.id);
    if (!admission) return undefined;
    this.admitted.delete(socket.id);
    admission.forget();
    return admission;
  }

  /** The room token's claims, within the per-user connection limit. */
  private async identify(socket: CallSocket): Promise<ConnectionClaims> {
    const token: unknown = socket.handshake.auth.token;
    const claims = typeof token === 'string' && token.length < 4096 ? await this.deps.tokens.verify(token, 'signal') : undefined;
    if (!claims?.call || ![claims.sub, claims.org, claims.sid, claims.call].every((id) => UUID_PATTERN.test(id))) {
      throw new SignalError('unauthorized', 'The room token is missing, expired or invalid');
    }
    // Several hosts: the token was issued for the host the call was placed on then. A call that has moved since (its
    // host died or was drained) is joined by asking for a new token, which names its new host.
    if (claims.host !== this.deps.hostId) throw new SignalError('moved', 'This call runs on another server now; ask for a new room token');
    const limit = this.connectionLimit.hit(claims.sub);
    if (limit.limited) throw new SignalError('rate_limited', `Too many connections; try again in ${limit.retryAfterSeconds} seconds`);
    return { organisationId: claims.org, userId: claims.sub, authSessionId: claims.sid, callId: claims.call };
  }

  /** The connection's one transaction; the segment it opened is closed at once if the connection is gone meanwhile. */
  private async connect(socket: CallSocket, claims: ConnectionClaims): Promise<AdmittedConnection> {
    const { store, live } = this.deps;
    const connection = await store.connect(claims, { loadAdmitted: !live.calls.has(claims.callId), mediaHost: this.deps.hostId ?? null });
    if (connection === 'moved') throw new SignalError('moved', 'This call runs on another server now; ask for a new room token');
    if (!connection) throw new SignalError('not_found', 'This session has ended, is not yours, or you are signed out');
    socket.data = { ...claims, role: connection.role };
    const ended = live.hasEnded(claims.callId);
    if (socket.conn.readyState !== 'open') {
      await store.closeSegment(claims.organisationId, connection.segmentId, ended ? 'session_ended' : 'disconnected');
      throw new SignalError('gone', 'The connection closed');
    }
    // The session ended while the transaction ran: the connection is let in to be told so (sessions.install).
    if (ended) await store.closeSegment(claims.organisationId, connection.segmentId, 'session_ended');
    return connection;
  }

  /** Holds the person's queue until the socket is taken (connected) or goes away before that. */
  private hold(socket: CallSocket, connection: AdmittedConnection, release: () => void): void {
    const gone = () => {
      if (this.admitted.get(socket.id) !== admission) return;
      this.admitted.delete(socket.id);
      admission.forget();
      this.deps.store.closeSegment(socket.data.organisationId, connection.segmentId, 'disconnected')
        .catch((error: unknown) => this.deps.log.error({ err: error }, 'closing a participant failed'))
        .finally(release);
    };
    const timer = setTimeout(gone, CONNECT_WITHIN_MS);
    timer.unref();
    const admission = {
      connection,
      release,
      forget: () => {
        clearTimeout(timer);
        socket.conn.off('close', gone);
      },
    };
    this.admitted.set(socket.id, admission);
    socket.conn.once('close', gone);
    // Closed while the segment was being closed or checked above: the 'close' event has been and gone, so let go now
    // rather than hold the person's queue until the timer.
    if (socket.conn.readyState !== 'open') gone();
  }
}
