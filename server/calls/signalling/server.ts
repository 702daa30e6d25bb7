/**
 * socket.io signalling for calls, on the HTTP server's port: the handshake lets a connection in (handshake.ts), the
 * guard checks every message (guard.ts), the handlers answer them (handlers.ts), and the live calls (registry.ts,
 * sessions.ts, rooms.ts, removals.ts) drive the SFU and write the session log (store.ts).
 *
 * One live connection per participant, always: connections of one person are let in one at a time, the newest
 * replaces the previous one, and a session that ends keeps no connection and answers no message.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import type { Ack, ClientMessageName, HandshakeRefusal, InterServerEvents, SessionEndReason, SignalRefusal, SignalReply } from '../../../protocol/signalling.js';
import type { MediaServer } from '../../../sfu/index.js';
import type { TokenService } from '../../auth/tokens.js';
import type { Logger } from '../../log.js';
import type { CallStore } from '../store.js';
import { turnIceServers, type TurnSettings } from '../turn.js';
import { refusalOf, SignalError } from './errors.js';
import { isMessageName, MESSAGE_NAMES, MessageGuard } from './guard.js';
import { messageHandlers, type HandlerDeps, type MessageHandlers } from './handlers.js';
import { Handshake } from './handshake.js';
import { LiveCalls } from './registry.js';
import { Removals } from './removals.js';
import { MediaRooms } from './rooms.js';
import { CallSessions, type Joined } from './sessions.js';
import { sessionRoom, type CallServer, type CallSocket } from './socket.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Live calls, for the routes that change who may still be in one (sign-out, password change, deactivation). */
    liveCalls: Pick<CallSignalling, 'signInsChanged'>;
  }
}

/** A hard ceiling at the transport; messages are limited far lower, one by one, by the guard. */
const MAX_HTTP_BUFFER_BYTES = 64 * 1024;

export interface SignallingDeps {
  /** The only origin whose pages may connect (PUBLIC_URL's). */
  origin: string;
  store: CallStore;
  tokens: TokenService;
  media: MediaServer;
  log: Logger;
  /** How long a dropped staff owner has to come back before the call ends. */
  reconnectGraceMs: number;
  /** A message was refused (monitoring counts them by message and code; nothing about who sent it). */
  onRefused?: (message: ClientMessageName, code: SignalRefusal['code']) => void;
  /** A browser's quality sample (monitoring's histograms). */
  onQuality?: HandlerDeps['onQuality'];
  /** TURN servers the browsers get with each transport (server/calls/turn.ts). */
  turn?: TurnSettings;
  /** A session ended or its waiting room changed: tells its people's open screens (server/events/). */
  onCallChanged?: (organisationId: string, callId: string) => void;
  /**
   * Several hosts (issue 14): this host's name, its signalling path (/rtc/<host>/socket.io/) and socket.io's adapter
   * that carries room emits and the routes' messages (InterServerEvents) to the other hosts. Unset: one instance.
   */
  cluster?: { hostId: string; path: string; adapter: ServerOptions['adapter'] };
}

export class CallSignalling {
  private readonly io: CallServer;
  private readonly log: Logger;
  private readonly live = new LiveCalls();
  private readonly handshake: Handshake;
  private readonly sessions: CallSessions;
  private readonly removals: Removals;
  private readonly handlers: MessageHandlers;
  private readonly onRefused: SignallingDeps['onRefused'];
  private readonly crossHost: boolean;
  private readonly media: MediaServer;

  constructor(httpServer: HttpServer, deps: SignallingDeps) {
    const { store, media, log, cluster } = deps;
    this.onRefused = deps.onRefused;
    this.crossHost = cluster !== undefined;
    this.media = media;
    const live = this.live;
    this.log = log;
    this.io = new Server(httpServer, {
      path: cluster?.path ?? '/socket.io/',
      serveClient: false,
      maxHttpBufferSize: MAX_HTTP_BUFFER_BYTES,
      allowRequest: (request, callback) => callback(null, request.headers.origin === deps.origin),
      ...(cluster ? { adapter: cluster.adapter } : {}),
    });
    const rooms = new MediaRooms({ media, live, log });
    this.handshake = new Handshake({ tokens: deps.tokens, store, live, log, hostId: cluster?.hostId });
    this.sessions = new CallSessions({ io: this.io, store, media, live, rooms, log, reconnectGraceMs: deps.reconnectGraceMs, onCallChanged: deps.onCallChanged });
    this.removals = new Removals({ store, live, log });
    const turn = deps.turn;
    this.handlers = messageHandlers({ store, sessions: this.sessions, rooms, iceServers: () => (turn ? turnIceServers(turn) : []), onQuality: deps.onQuality });

    this.io.use((socket, next) => {
      this.handshake.admit(socket).then(() => next(), (error: unknown) => {
        const refusal = refusalOf(error);
        if (!refusal) log.error({ err: error }, 'signalling handshake failed');
        const data: HandshakeRefusal = { code: refusal?.code ?? 'internal' };
        next(Object.assign(new Error(refusal?.message ?? 'Could not join'), { data }));
      });
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    // What a route on another host tells this one: done here as if the route had run here (never echoed back).
    if (this.crossHost) {
      this.io.on('signInsChanged', (organisationId, userId) => void this.removals.signInsChanged(organisationId, userId));
      this.io.on('removeFromCall', (callId, userId) => void this.removals.removeFromCall(callId, userId).catch(() => undefined));
      this.io.on('callEnded', (callId, reason) => this.sessions.endedElsewhere(callId, reason));
    }
  }

  /** The socket.io server, for other namespaces on the same path and port (server/events/ opens /events). */
  get socketServer(): Server {
    return this.io as unknown as Server;
  }

  /** Waiting citizens of a call, for the worker's list over HTTP. */
  waitingCount(callId: string): number {
    return this.live.waitingCount(callId);
  }

  /** Someone's sign-ins changed: their connections whose sign-in no longer holds are taken out. Never throws. */
  signInsChanged(organisationId: string, userId: string): Promise<void> {
    this.toOtherHosts('signInsChanged', organisationId, userId);
    return this.removals.signInsChanged(organisationId, userId);
  }

  /** Staff took this user out of the session (the route has recorded it): their connections to it go now. */
  removeFromCall(callId: string, userId: string): Promise<void> {
    this.toOtherHosts('removeFromCall', callId, userId);
    return this.removals.removeFromCall(callId, userId);
  }

  /** Ends a call for everyone (over HTTP: the session may not be live in this process, hence its organisation). */
  async endCall(callId: string, endedBy: string, reason: SessionEndReason, organisationId: string): Promise<boolean> {
    const ended = await this.sessions.endCall(callId, endedBy, reason, organisationId);
    if (ended) this.toOtherHosts('callEnded', callId, reason);
    return ended;
  }

  /**
   * Several hosts: the connections a route's change concerns may be on another host. Each host acts on its own
   * connections; a host that has none of them does nothing. Never throws: the change is recorded, and a lost
   * message is caught by the sign-in sweep (removals.ts) or the session's end at the next connection.
   */
  private toOtherHosts<E extends keyof InterServerEvents>(event: E, ...args: Parameters<InterServerEvents[E]>): void {
    if (!this.crossHost) return;
    try {
      this.io.serverSideEmit(event, ...args);
    } catch (error) {
      this.log.error({ err: error, event }, 'telling the other hosts failed');
    }
  }

  /** The sessions live in this process. */
  liveCallIds(): string[] {
    return [...this.live.calls.keys()];
  }

  /** Live calls in this process: sessions with someone connected, people in them, and people in waiting rooms. */
  liveCounts(): { calls: number; participants: number; waiting: number } {
    let participants = 0;
    let waitingPeople = 0;
    for (const call of this.live.calls.values()) {
      for (const member of call.members.values()) {
        if (member.state === 'in_call') participants += 1;
        else if (member.state === 'waiting') waitingPeople += 1;
      }
    }
    return { calls: this.live.calls.size, participants, waiting: waitingPeople };
  }

  /**
   * Several hosts, drained (`npm run drain`) past its deadline: every call here moves (or those named: they run on
   * another host now, or have ended, server/hosts/cluster.ts). Each connection's transport
   * closes — to the browser a dropped connection, so it reconnects as it always does, asks for a new room token, and
   * that places the call on another host (this one takes no new calls). Each segment here ends 'moved'. The calls'
   * live state goes first, so that no owner's grace period here can end a session that now runs elsewhere.
   */
  moveAway(callIds?: string[]): void {
    for (const call of [...this.live.calls.values()].filter((c) => !callIds || callIds.includes(c.id))) {
      this.live.calls.delete(call.id);
      if (call.staffGrace) clearTimeout(call.staffGrace);
      call.staffGrace = undefined;
      for (const member of call.members.values()) {
        member.leaveReason = 'moved';
        member.socket.conn.close();
      }
      this.media.closeRoom(call.id);
    }
  }

  async close(): Promise<void> {
    this.removals.close();
    // Several hosts: the calls go on elsewhere, so their browsers are let go to reconnect rather than told to stop.
    await this.sessions.close({ handOver: this.crossHost });
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }

  /**
   * Handlers are attached synchronously, before anything is awaited: the client sends 'join' the moment it is
   * connected, and socket.io drops a message nobody listens to yet. Each handler waits for the installation instead.
   */
  private onConnection(socket: CallSocket): void {
    void socket.join(sessionRoom(socket.data.callId));
    this.live.addConnection(socket);

    const ready = this.install(socket);
    ready.catch((error: unknown) => {
      if (!(error instanceof SignalError)) this.log.error({ err: error }, 'signalling connection failed');
      const endReason = this.live.endReason(socket.data.callId);
      if (endReason) socket.emit('sessionEnded', { reason: endReason });
      socket.disconnect(true);
    });

    const guard = new MessageGuard(this.log);
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (isMessageName(event)) return;
      const refusal = guard.unknown(event);
      const ack = args.at(-1);
      if (refusal && typeof ack === 'function') ack({ ok: false, error: refusal } satisfies Ack<never>);
    });
    for (const name of MESSAGE_NAMES) this.answer(socket, ready, guard, name);

    socket.on('disconnect', () => {
      this.live.removeConnection(socket);
      ready.then(({ call, member }) => {
        if (call.members.get(member.userId) !== member) return; // replaced by a newer connection, or the session ended
        call.members.delete(member.userId);
        return this.sessions.departed(call, member, member.leaveReason ?? 'disconnected');
      }).catch((error: unknown) => {
        if (!(error instanceof SignalError)) this.log.error({ err: error }, 'closing a participant failed');
      });
    });
  }

  /** Installs the connection the handshake admitted, then lets the person's next connection, removal or check run. */
  private async install(socket: CallSocket): Promise<Joined> {
    const admission = this.handshake.take(socket);
    if (!admission) throw new SignalError('gone', 'The connection was not admitted in time');
    try {
      return await this.sessions.install(socket, admission.connection);
    } finally {
      admission.release();
    }
  }

  /** Answers one kind of message on this connection: guard, then (once installed and still current) its handler. */
  private answer<N extends ClientMessageName>(socket: CallSocket, ready: Promise<Joined>, guard: MessageGuard, name: N): void {
    // Registered under the name as one of all the names: socket.io's listener type cannot follow a generic name.
    const event: ClientMessageName = name;
    socket.on(event, async (...args: unknown[]) => {
      const last = args.at(-1);
      const reply = (answer: Ack<SignalReply<N>>) => {
        if (typeof last === 'function') last(answer);
      };
      if (typeof last === 'function') args.pop();
      const refuse = (refusal: SignalRefusal) => {
        guard.refused(name, refusal);
        this.onRefused?.(name, refusal.code);
        reply({ ok: false, error: refusal });
      };
      const checked = guard.check(name, args);
      if (!checked.ok) return refuse(checked.refusal);
      try {
        const { call, member } = await ready;
        if (this.live.hasEnded(call.id)) return refuse({ code: 'session_ended', message: 'This session has ended' });
        if (call.members.get(member.userId) !== member) return refuse({ code: 'replaced', message: 'A newer connection took over' });
        let closeAfter = false;
        const data = await this.handlers[name](checked.message, { call, member, closeAfterReply: () => (closeAfter = true) });
        reply({ ok: true, data });
        if (closeAfter) socket.disconnect(true);
      } catch (error) {
        const refusal = refusalOf(error);
        if (refusal) return refuse(refusal);
        this.log.error({ err: error, event: name }, 'signalling handler failed');
        reply({ ok: false, error: { code: 'internal', message: 'Something went wrong on the server' } });
      }
    });
  }
}
