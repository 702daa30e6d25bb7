/**
 * Live events for signed-in people, on the socket.io namespace /events beside signalling (same server, same path).
 * The session cookie admits a connection, exactly as it admits an HTTP request (a valid token, a sign-in that still
 * holds, an active person); each connection joins its person's room, and the server tells a person that something
 * of theirs changed. Events carry no data, only a name: the client then asks the HTTP API, whose checks decide what
 * it may see. So a stale connection (its sign-in ended since) can learn nothing but that something changed.
 *
 * Every emit goes through `toUser`: when Nærvær runs on several hosts (issue 14), socket.io's PostgreSQL adapter
 * carries those room emits to the host the person is connected to, and nothing here changes.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type ServerOptions, type Socket } from 'socket.io';
import { EVENTS_NAMESPACE, type EventsClientToServer, type EventsRefusal, type EventsServerToClient } from '../../protocol/events.js';
import { SESSION_COOKIE } from '../auth/auth.js';
import type { AuthStore } from '../auth/store.js';
import type { TokenService } from '../auth/tokens.js';
import type { CallStore } from '../calls/store.js';
import { asSystem } from '../db/actor.js';
import { AttemptCounter } from '../http/rate-limit.js';
import type { Logger } from '../log.js';

interface EventsSocketData {
  userId: string;
  organisationId: string;
  /** The sign-in the cookie was issued under: when it ends, the connection goes (signInsChanged). */
  signInId: string;
}

type EventsNamespace = Namespace<EventsClientToServer, EventsServerToClient, Record<never, never>, EventsSocketData>;
type EventsSocket = Socket<EventsClientToServer, EventsServerToClient, Record<never, never>, EventsSocketData>;

export type EventName = keyof EventsServerToClient;

const userRoom = (userId: string) => `user:${userId}`;

/**
 * Connections per person per minute: each costs a database round. An open app reconnects a handful of times an
 * hour at most (a network change, a phone waking up); a loop that hammers the server is cut off here.
 */
const CONNECTIONS_PER_MINUTE = 30;

/** The value of one cookie in a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

export interface UserEventsDeps {
  tokens: TokenService;
  signIns: Pick<AuthStore, 'currentRole'>;
  calls: Pick<CallStore, 'participantIds'>;
  log: Logger;
}

/**
 * Several hosts: the live events' own socket.io server at /socket.io/ (signalling has moved to the host's own path),
 * with the adapter that carries each emit to every host. The same limits as signalling's: same origin only, small
 * messages (clients send nothing here but the handshake).
 */
export function eventsSocketServer(httpServer: HttpServer, origin: string, adapter: ServerOptions['adapter']): Server {
  return new Server(httpServer, {
    path: '/socket.io/',
    serveClient: false,
    maxHttpBufferSize: 4 * 1024,
    allowRequest: (request, callback) => callback(null, request.headers.origin === origin),
    adapter,
  });
}

export class UserEvents {
  private namespace: EventsNamespace | undefined;
  private readonly connections = new AttemptCounter(CONNECTIONS_PER_MINUTE, 60_000);

  constructor(private readonly deps: UserEventsDeps) {}

  /** Opens the namespace on the signalling server's socket.io (CallSignalling.socketServer). */
  attach(io: Server): void {
    const namespace = io.of(EVENTS_NAMESPACE) as unknown as EventsNamespace;
    namespace.use((socket, next) => {
      this.admit(socket).then(() => next(), (error: unknown) => {
        if (!(error instanceof Refused)) this.deps.log.error({ err: error }, 'events handshake failed');
        const data: EventsRefusal = { code: error instanceof Refused ? error.code : 'unauthorized' };
        next(Object.assign(new Error(data.code === 'rate_limited' ? 'Too many connections; wait a minute' : 'Sign in first'), { data }));
      });
    });
    namespace.on('connection', (socket) => void socket.join(userRoom(socket.data.userId)));
    this.namespace = namespace;
  }

  /**
   * Tells one person that something of theirs changed, on whichever host they are connected to. Never throws: a lost
   * event costs a refresh, not a request. `thisHostOnly`: for news every host hears by itself (a database NOTIFY
   * every host listens to), so that several hosts do not each send it to every host.
   */
  toUser(userId: string, event: EventName, options: { thisHostOnly?: boolean } = {}): void {
    const namespace = this.namespace;
    if (!namespace) return;
    (options.thisHostOnly ? namespace.local : namespace).to(userRoom(userId)).emit(event);
  }

  /** A session opened or ended, or its waiting room changed: everyone taking part is told. Never throws. */
  callChanged(organisationId: string, callId: string): void {
    // Who is in the session is the system's to look up, whoever's action changed it (server/db/actor.ts).
    asSystem(() => this.deps.calls.participantIds(organisationId, callId)).then(
      (userIds) => {
        for (const userId of userIds) this.toUser(userId, 'openCallsChanged');
      },
      (error: unknown) => this.deps.log.error({ err: error }, 'telling participants of a session change failed'),
    );
  }

  /** The session cookie of the connection's upgrade request, checked as requireRoles checks a request's. */
  private async admit(socket: EventsSocket): Promise<void> {
    const token = cookieValue(socket.request.headers.cookie, SESSION_COOKIE);
    const claims = token && token.length < 4096 ? await this.deps.tokens.verify(token, 'session') : undefined;
    if (!claims) throw new Refused();
    if (this.connections.hit(claims.sub).limited) throw new Refused('rate_limited');
    const role = await this.deps.signIns.currentRole({ userId: claims.sub, organisationId: claims.org, signInId: claims.sid });
    if (!role) throw new Refused();
    socket.data.userId = claims.sub;
    socket.data.organisationId = claims.org;
    socket.data.signInId = claims.sid;
  }

  /**
   * Someone's sign-ins changed (signed out, password changed, deactivated): their connections whose sign-in no
   * longer holds are closed, so a device signed out stops hearing even that something changed. Never throws.
   */
  async signInsChanged(organisationId: string, userId: string): Promise<void> {
    try {
      const sockets = (await this.namespace?.in(userRoom(userId)).fetchSockets()) ?? [];
      for (const socket of sockets) {
        const { signInId } = socket.data;
        if (socket.data.organisationId !== organisationId) continue;
        if (!(await this.deps.signIns.currentRole({ userId, organisationId, signInId }))) socket.disconnect(true);
      }
    } catch (error) {
      this.deps.log.error({ err: error }, 'closing the live events of ended sign-ins failed');
    }
  }
}

class Refused extends Error {
  constructor(readonly code: EventsRefusal['code'] = 'unauthorized') {
    super(code);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Live events to signed-in people (routes tell the people a change concerns). */
    events: UserEvents;
  }
}
