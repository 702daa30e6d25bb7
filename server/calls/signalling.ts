import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Server, Socket } from 'socket.io';
import type { Sql } from 'postgres';
import type { FastifyBaseLogger } from 'fastify';
import { MediaServer, SfuError, type Room } from '../../sfu/index.js';
import {
  ClientMessages, MAX_MESSAGE_BYTES, type Ack, type ClientMessage, type ClientMessageName, type RemovalReason, type RoomState,
  type SessionEndReason,
} from '../../protocol/signalling.js';
import type { Role } from '../../protocol/api.js';
import type { TokenService } from '../auth/tokens.js';
import { inOrganisation } from '../db/database.js';
import { callRoles } from './call-roles.js';
import { AttemptCounter } from '../http/rate-limit.js';
import { CONNECTIONS_PER_MINUTE, SerialPerKey } from './limits.js';
import { inCall, peerInfo, waiting, type LiveCall, type Member } from './live.js';
import { admission, admittedUsers, CallLog, openSegment, validSignIns, type LeaveReason } from './store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Live calls, for the routes that change who may still be in one (sign-out, password change, deactivation). */
    liveCalls: Pick<CallSignalling, 'signInsChanged'>;
  }
}

const checkers = Object.fromEntries(Object.entries(ClientMessages).map(([name, schema]) => [name, TypeCompiler.Compile(schema)])) as {
  [N in ClientMessageName]: TypeCheck<(typeof ClientMessages)[N]>;
};

class SignalError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface SocketData {
  userId: string;
  organisationId: string;
  /** The participant's role in the database (the token's claim is not trusted for permissions). */
  role: Role;
  callId: string;
  /** The sign-in session the room token was issued under: when it is revoked, the connection goes. */
  authSessionId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The socket.io room of every connection to one session, registered or not yet: ending the session empties it. */
const sessionRoom = (callId: string) => `session:${callId}`;

// Per-socket flood control: a token bucket. A call needs a few dozen messages to set up, then a trickle. Unknown
// messages draw from the same bucket; past it they are dropped unanswered.
const BUCKET_SIZE = 60;
const REFILL_PER_SECOND = 20;
/** Ended sessions remembered, so a connection racing the end cannot bring one back to life in memory. */
const REMEMBERED_ENDED_SESSIONS = 10_000;
/**
 * Sign-outs and deactivations tell signalling at once; this sweep also catches the ways a sign-in ends that do not
 * (expiry, a coordinator resetting a password), within this interval.
 */
const SIGN_IN_SWEEP_MS = 30_000;

export interface SignallingDeps {
  sql: Sql;
  tokens: TokenService;
  media: MediaServer;
  log: FastifyBaseLogger;
  /** How long a dropped staff owner has to come back before the call ends. */
  reconnectGraceMs: number;
}

interface HandlerContext {
  call: LiveCall;
  member: Member;
  /** Disconnect this socket once the reply is sent (hang-up): the sender gets its acknowledgement first. */
  closeAfterReply(): void;
}

/**
 * socket.io signalling for calls: authenticates the handshake with a room token, validates every message, keeps
 * the live call state, drives the SFU and writes the session log.
 *
 * One live connection per participant, always: registrations of one user run one at a time, the newest connection
 * replaces the previous one, and a session that ends keeps no connection and answers no message.
 */
export class CallSignalling {
  private readonly calls = new Map<string, LiveCall>();
  /** Sessions ended by this process, with why: a connection that raced the end is told the same reason. */
  private readonly ended = new Map<string, SessionEndReason>();
  private readonly socketsByUser = new Map<string, Set<Socket>>();
  private readonly perUser = new SerialPerKey();
  private readonly connectionLimit = new AttemptCounter(CONNECTIONS_PER_MINUTE, 60_000);
  private readonly sweep: NodeJS.Timeout;
  private readonly log: CallLog;

  constructor(
    private readonly io: Server,
    private readonly deps: SignallingDeps,
  ) {
    this.log = new CallLog(deps.sql);
    io.use((socket, next) => {
      this.authenticate(socket).then(() => next(), (error: Error) => {
        if (!(error instanceof SignalError)) deps.log.error({ err: error }, 'signalling handshake failed');
        const refusal = new Error(error instanceof SignalError ? error.message : 'Could not join') as Error & { data?: unknown };
        refusal.data = { code: error instanceof SignalError ? error.code : 'internal' };
        next(refusal);
      });
    });
    io.on('connection', (socket) => this.onConnection(socket));
    this.sweep = setInterval(() => void this.sweepSignIns(), SIGN_IN_SWEEP_MS);
    this.sweep.unref();
  }

  /** Waiting citizens of a call, for the worker's list over HTTP. */
  waitingCount(callId: string): number {
    const call = this.calls.get(callId);
    return call ? waiting(call).length : 0;
  }

  /**
   * Someone's sign-in sessions changed (sign-out, password change, deactivation). Each of their connections whose
   * sign-in no longer holds is told why and disconnected; its media goes with it. Never throws: the sign-out itself
   * has happened, and the sweep will retry.
   */
  async signInsChanged(organisationId: string, userId: string): Promise<void> {
    try {
      await this.perUser.run(userId, () => this.takeOutSignedOut(organisationId, [...(this.socketsByUser.get(userId) ?? [])]));
    } catch (error) {
      this.deps.log.error({ err: error }, 'could not check the live calls of a signed-out user');
    }
  }

  /** Staff took this user out of the session (the route has recorded it): their connections to it go now. */
  async removeFromCall(callId: string, userId: string): Promise<void> {
    await this.perUser.run(userId, async () => {
      for (const socket of [...(this.socketsByUser.get(userId) ?? [])]) {
        if (dataOf(socket).callId === callId) this.takeOut(socket, 'removed');
      }
    });
  }

  private takeOut(socket: Socket, reason: RemovalReason): void {
    const data = dataOf(socket);
    const member = this.calls.get(data.callId)?.members.get(data.userId);
    if (member?.socket === socket) member.leaveReason = reason;
    socket.emit('removed', { reason });
    socket.disconnect(true);
  }

  /** Of these connections (one organisation's), those whose sign-in no longer holds are taken out. */
  private async takeOutSignedOut(organisationId: string, sockets: Socket[]): Promise<void> {
    const valid = await inOrganisation(this.deps.sql, organisationId, (tx) => validSignIns(tx, sockets.map((s) => dataOf(s))));
    for (const socket of sockets) if (socket.connected && !valid.has(dataOf(socket).authSessionId)) this.takeOut(socket, 'signed_out');
  }

  private async sweepSignIns(): Promise<void> {
    const byOrganisation = new Map<string, Socket[]>();
    for (const sockets of this.socketsByUser.values()) {
      for (const socket of sockets) {
        const list = byOrganisation.get(dataOf(socket).organisationId) ?? [];
        list.push(socket);
        byOrganisation.set(dataOf(socket).organisationId, list);
      }
    }
    for (const [organisationId, sockets] of byOrganisation) {
      try {
        await this.takeOutSignedOut(organisationId, sockets);
      } catch (error) {
        this.deps.log.error({ err: error }, 'sign-in sweep of live calls failed');
      }
    }
  }

  private async authenticate(socket: Socket): Promise<void> {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const claims = typeof token === 'string' && token.length < 4096 ? await this.deps.tokens.verify(token, 'signal') : undefined;
    if (!claims?.call || ![claims.sub, claims.org, claims.sid, claims.call].every((id) => UUID.test(id))) {
      throw new SignalError('unauthorized', 'The room token is missing, expired or invalid');
    }
    const limit = this.connectionLimit.hit(claims.sub);
    if (limit.limited) throw new SignalError('rate_limited', `Too many connections; try again in ${limit.retryAfterSeconds} seconds`);
    const who = { userId: claims.sub, authSessionId: claims.sid, callId: claims.call };
    const row = await inOrganisation(this.deps.sql, claims.org, (tx) => admission(tx, who, { lock: false }));
    if (!row) throw new SignalError('not_found', 'This session has ended, is not yours, or you are signed out');
    socket.data = { ...who, organisationId: claims.org, role: row.role } satisfies SocketData;
  }

  /**
   * Registers the connection as the call's member for this user. Runs one at a time per user, so of any number of
   * simultaneous connections the last one stays and each earlier one is replaced (segment 'replaced').
   * One transaction re-checks everything the handshake checked and opens the segment, with the session row locked
   * so that an end cannot pass it unseen.
   */
  private register(socket: Socket): Promise<{ call: LiveCall; member: Member }> {
    const data = dataOf(socket);
    return this.perUser.run(data.userId, async () => {
      if (!socket.connected) throw new SignalError('gone', 'The connection closed');
      if (this.ended.has(data.callId)) throw new SignalError('session_ended', 'This session has ended');
      const known = this.calls.has(data.callId);
      const found = await inOrganisation(this.deps.sql, data.organisationId, async (tx) => {
        const row = await admission(tx, data, { lock: true });
        if (!row) return undefined;
        return { row, segmentId: await openSegment(tx, data.organisationId, row.participant_id), admitted: known ? [] : await admittedUsers(tx, data.callId) };
      });
      if (!found) throw new SignalError('not_found', 'This session has ended, is not yours, or you are signed out');
      // Either may have happened while the transaction ran; the segment it opened is then closed at once.
      if (this.ended.has(data.callId)) {
        await this.log.closeSegment(data.organisationId, found.segmentId, 'session_ended');
        throw new SignalError('session_ended', 'This session has ended');
      }
      if (!socket.connected) {
        await this.log.closeSegment(data.organisationId, found.segmentId, 'disconnected');
        throw new SignalError('gone', 'The connection closed');
      }
      let call = this.calls.get(data.callId);
      if (!call) {
        call = { id: data.callId, organisationId: data.organisationId, ownerId: found.row.owner_id, admitted: new Set(found.admitted), members: new Map() };
        this.calls.set(call.id, call);
      }
      const member: Member = {
        userId: data.userId, participantId: found.row.participant_id, role: data.role, displayName: found.row.display_name,
        socket, segmentId: found.segmentId, state: 'connected', audioOnly: false,
      };
      const previous = call.members.get(data.userId);
      call.members.set(data.userId, member);
      if (call.staffGrace && data.userId === call.ownerId) {
        clearTimeout(call.staffGrace);
        call.staffGrace = undefined;
      }
      if (previous) {
        // The same person connected again (a reconnect, a second tab): the newer connection wins.
        previous.leaveReason = 'replaced';
        previous.socket.disconnect(true);
        await this.departed(call, previous, 'replaced');
      }
      if (callRoles.seesWaiting(member, call)) socket.emit('waiting', waiting(call).map(peerInfo));
      return { call, member };
    });
  }

  /**
   * Handlers are attached synchronously, before anything is awaited: the client sends 'join' the moment it is
   * connected, and socket.io drops a message nobody listens to yet. Each handler waits for registration instead.
   */
  private onConnection(socket: Socket): void {
    const data = dataOf(socket);
    void socket.join(sessionRoom(data.callId));
    const mine = this.socketsByUser.get(data.userId) ?? new Set<Socket>();
    mine.add(socket);
    this.socketsByUser.set(data.userId, mine);

    const ready = this.register(socket);
    ready.catch((error: unknown) => {
      if (!(error instanceof SignalError)) this.deps.log.error({ err: error }, 'signalling connection failed');
      const endReason = this.ended.get(data.callId);
      if (endReason) socket.emit('sessionEnded', { reason: endReason });
      socket.disconnect(true);
    });

    const tokens = { level: BUCKET_SIZE, at: Date.now() };
    const take = () => {
      const now = Date.now();
      tokens.level = Math.min(BUCKET_SIZE, tokens.level + ((now - tokens.at) / 1000) * REFILL_PER_SECOND);
      tokens.at = now;
      if (tokens.level < 1) return false;
      tokens.level -= 1;
      return true;
    };
    // A misbehaving client can send thousands of bad messages; the log gets the first of each kind per connection.
    const warned = new Set<string>();
    const warnOnce = (kind: string, detail: Record<string, unknown>, message: string) => {
      if (warned.has(kind)) return;
      warned.add(kind);
      this.deps.log.warn(detail, message);
    };

    socket.onAny((event: unknown, ...args: unknown[]) => {
      // Own properties only: '__proto__', 'constructor' or 'toString' are not messages.
      if (typeof event === 'string' && Object.hasOwn(ClientMessages, event)) return;
      if (!take()) return;
      warnOnce('unknown_message', { event: String(event).replace(/[^A-Za-z0-9_-]/g, '?').slice(0, 40) }, 'unknown signalling message');
      const ack = args.at(-1);
      if (typeof ack === 'function') ack({ ok: false, error: { code: 'unknown_message', message: 'Unknown message' } } satisfies Ack<never>);
    });

    const handle = <N extends ClientMessageName>(name: N, handler: (message: ClientMessage<N>, context: HandlerContext) => Promise<unknown>) => {
      socket.on(name as string, async (...args: unknown[]) => {
        const ack = typeof args.at(-1) === 'function' ? (args.pop() as (r: Ack<unknown>) => void) : undefined;
        const reply = (result: Ack<unknown>) => ack?.(result);
        const refuse = (code: string, message: string) => {
          warnOnce(`refused:${name}:${code}`, { event: name, code }, 'signalling message refused');
          reply({ ok: false, error: { code, message } });
        };
        if (!take()) return refuse('rate_limited', 'Too many messages; slow down');
        if (args.length > 1) return refuse('bad_request', 'A message has one payload');
        const payload = args[0];
        let size: number;
        try {
          size = Buffer.byteLength(JSON.stringify(payload ?? null));
        } catch {
          return refuse('bad_request', 'The message is not JSON');
        }
        if (size > MAX_MESSAGE_BYTES) return refuse('too_large', `Messages are limited to ${MAX_MESSAGE_BYTES} bytes`);
        const checker = checkers[name];
        if (!checker.Check(payload)) {
          const first = checker.Errors(payload).First();
          return refuse('bad_request', `Invalid ${name}: ${first ? `${first.path || '/'} ${first.message}` : 'wrong shape'}`);
        }
        try {
          const { call, member } = await ready;
          if (this.ended.has(call.id)) return refuse('session_ended', 'This session has ended');
          if (call.members.get(member.userId) !== member) return refuse('replaced', 'A newer connection took over');
          let closeAfter = false;
          const data = await handler(payload as ClientMessage<N>, { call, member, closeAfterReply: () => (closeAfter = true) });
          reply({ ok: true, data: data ?? {} });
          if (closeAfter) socket.disconnect(true);
        } catch (error) {
          if (error instanceof SignalError || error instanceof SfuError) return refuse(error.code, error.message);
          this.deps.log.error({ err: error, event: name }, 'signalling handler failed');
          reply({ ok: false, error: { code: 'internal', message: 'Something went wrong on the server' } });
        }
      });
    };

    const peer = (member: Member) => {
      if (member.state !== 'in_call' || !member.peer) throw new SignalError('bad_state', 'Join the call first');
      return member.peer;
    };

    handle('join', async ({ audioOnly }, { call, member }) => {
      member.audioOnly = audioOnly;
      if (audioOnly) await this.log.markAudioOnly(call.organisationId, member.participantId);
      if (callRoles.waitsToBeAdmitted(member, call) && !call.admitted.has(member.userId)) {
        member.state = 'waiting';
        this.announceWaiting(call);
        this.awaitOwner(call);
        return { state: 'waiting', peerId: member.participantId };
      }
      return { state: 'in_call', ...(await this.enterRoom(call, member)) };
    });
    handle('createTransport', ({ direction }, { member }) => peer(member).createTransport(direction));
    handle('connectTransport', ({ transportId, dtlsParameters }, { member }) => peer(member).connectTransport(transportId, dtlsParameters as never));
    handle('produce', async ({ transportId, kind, rtpParameters, source }, { member }) => ({
      producerId: await peer(member).produce(transportId, kind, rtpParameters as never, source),
    }));
    handle('consume', ({ producerId, rtpCapabilities }, { member }) => peer(member).consume(producerId, rtpCapabilities as never));
    handle('resumeConsumer', ({ consumerId }, { member }) => peer(member).resumeConsumer(consumerId));
    handle('setProducerPaused', ({ producerId, paused }, { member }) => peer(member).setProducerPaused(producerId, paused));
    handle('closeProducer', async ({ producerId }, { member }) => peer(member).closeProducer(producerId));
    handle('restartIce', async ({ transportId }, { member }) => ({ iceParameters: await peer(member).restartIce(transportId) }));
    handle('setAudioOnly', async ({ audioOnly }, { call, member }) => {
      member.audioOnly = audioOnly;
      await peer(member).setAudioOnly(audioOnly);
      if (audioOnly) await this.log.markAudioOnly(call.organisationId, member.participantId);
    });
    handle('chat', async ({ text }, { call, member }) => {
      peer(member);
      // Delivered live to the people in the call; never stored or logged.
      const message = { fromPeerId: member.participantId, displayName: member.displayName, text, at: new Date().toISOString() };
      for (const m of inCall(call)) m.socket.emit('chat', message);
    });
    handle('admit', async ({ peerId }, { call, member }) => {
      if (!callRoles.mayAdmit(member, call)) throw new SignalError('forbidden', 'Only the session’s staff can let someone in');
      peer(member);
      const citizen = waiting(call).find((m) => m.participantId === peerId);
      if (!citizen) throw new SignalError('not_found', 'Nobody with that id is waiting');
      call.admitted.add(citizen.userId);
      await this.log.admit(call.organisationId, call.id, citizen.participantId);
      const state = await this.enterRoom(call, citizen);
      citizen.socket.emit('admitted', state);
      this.announceWaiting(call);
    });
    handle('quality', async (sample, { call, member }) => {
      await this.log.addQualitySample(call.organisationId, member.participantId, sample);
    });
    handle('noMedia', async (_message, { call, member }) => {
      await this.log.noMediaReported(call.organisationId, member.participantId);
    });
    handle('leave', async (_message, { call, member, closeAfterReply }) => {
      member.leaveReason = 'left';
      if (member.userId === call.ownerId) await this.endCall(call.id, member.userId, 'ended_by_staff', undefined, socket);
      closeAfterReply();
    });
    handle('end', async (_message, { call, member, closeAfterReply }) => {
      if (!callRoles.mayEnd(member, call)) throw new SignalError('forbidden', 'Only the session’s worker can end it');
      await this.endCall(call.id, member.userId, 'ended_by_staff', undefined, socket);
      closeAfterReply();
    });

    socket.on('disconnect', () => {
      mine.delete(socket);
      if (mine.size === 0 && this.socketsByUser.get(data.userId) === mine) this.socketsByUser.delete(data.userId);
      ready.then(({ call, member }) => {
        if (call.members.get(member.userId) !== member) return; // replaced by a newer connection, or the session ended
        call.members.delete(member.userId);
        return this.departed(call, member, member.leaveReason ?? 'disconnected');
      }).catch((error: unknown) => {
        if (!(error instanceof SignalError)) this.deps.log.error({ err: error }, 'closing a participant failed');
      });
    });
  }

  private async enterRoom(call: LiveCall, member: Member): Promise<RoomState> {
    const room = await this.deps.media.openRoom(call.id);
    if (this.ended.has(call.id)) {
      // The session ended while its room was being made: the room must not outlive it.
      this.deps.media.closeRoom(call.id);
      throw new SignalError('session_ended', 'This session has ended');
    }
    if (call.members.get(member.userId) !== member) throw new SignalError('bad_state', 'This connection has left the call');
    if (call.room !== room) this.watchRoom(call, room);
    member.peer = room.join(member.participantId);
    member.state = 'in_call';
    const others = inCall(call).filter((m) => m !== member);
    for (const other of others) other.socket.emit('peerJoined', peerInfo(member));
    return {
      peerId: member.participantId,
      routerRtpCapabilities: room.rtpCapabilities as unknown as Record<string, unknown>,
      peers: others.map(peerInfo),
      producers: room.producers(member.participantId),
    };
  }

  private watchRoom(call: LiveCall, room: Room): void {
    call.room = room;
    const toOthers = (peerId: string) => inCall(call).filter((m) => m.participantId !== peerId);
    room.on('newProducer', (p) => toOthers(p.peerId).forEach((m) => m.socket.emit('newProducer', p)));
    room.on('producerClosed', (p) => toOthers(p.peerId).forEach((m) => m.socket.emit('producerClosed', p)));
    room.on('producerPaused', (p) => toOthers(p.peerId).forEach((m) => m.socket.emit('producerPaused', p)));
    room.on('reset', () => {
      // The worker under the room died. Everyone joins again; the room is rebuilt on a live worker.
      this.deps.log.warn({ call: call.id }, 'media room lost with its worker; participants rejoin');
      if (call.room === room) call.room = undefined;
      for (const m of inCall(call)) {
        m.peer = undefined;
        m.state = 'connected';
        m.socket.emit('roomReset');
      }
    });
  }

  private announceWaiting(call: LiveCall): void {
    const list = waiting(call).map(peerInfo);
    for (const m of call.members.values()) if (callRoles.seesWaiting(m, call)) m.socket.emit('waiting', list);
  }

  private async departed(call: LiveCall, member: Member, reason: LeaveReason): Promise<void> {
    if (member.peer) {
      // By identity: a newer connection of the same participant may already have its own peer in the room.
      if (call.room?.peers.get(member.participantId) === member.peer) call.room.leave(member.participantId);
      else member.peer.close();
    }
    member.peer = undefined;
    const wasInCall = member.state === 'in_call';
    member.state = 'connected';
    await this.log.closeSegment(call.organisationId, member.segmentId, reason);
    if (wasInCall) for (const m of inCall(call)) m.socket.emit('peerLeft', { peerId: member.participantId });
    else this.announceWaiting(call);
    // The worker dropped: give them the grace period to come back before the session ends for everyone.
    if (member.userId === call.ownerId) this.awaitOwner(call);
  }

  /**
   * Nobody but the session's owner can admit a waiting citizen. While the owner is not connected — dropped, or never
   * came (started the session and closed the tab) — they have the grace period to (re)connect; then the session ends
   * as `staff_left`, so a citizen never waits for a call that no one can admit.
   */
  private awaitOwner(call: LiveCall): void {
    if (call.members.has(call.ownerId) || call.staffGrace || this.calls.get(call.id) !== call || this.ended.has(call.id)) return;
    call.staffGrace = setTimeout(() => {
      call.staffGrace = undefined;
      if (!call.members.has(call.ownerId)) void this.endCall(call.id, null, 'staff_left').catch((error: unknown) => this.deps.log.error({ err: error }, 'ending a call failed'));
    }, this.deps.reconnectGraceMs);
    call.staffGrace.unref();
  }

  private markEnded(callId: string, reason: SessionEndReason): void {
    this.ended.set(callId, reason);
    if (this.ended.size > REMEMBERED_ENDED_SESSIONS) this.ended.delete(this.ended.keys().next().value!);
  }

  /**
   * Ends a call for everyone: log, tell every connection of the session, disconnect them, free the media.
   * `initiator` (who hung up) is left connected so that it gets its acknowledgement; it closes after replying.
   */
  async endCall(callId: string, endedBy: string | null, reason: SessionEndReason, organisationId?: string, initiator?: Socket): Promise<boolean> {
    const call = this.calls.get(callId);
    const org = call?.organisationId ?? organisationId;
    if (!org) return false;
    // From here no connection registers and no message is answered for this session.
    this.markEnded(callId, reason);
    if (call?.staffGrace) {
      clearTimeout(call.staffGrace);
      call.staffGrace = undefined;
    }
    let ended: boolean;
    try {
      ended = await this.log.end(org, callId, endedBy, reason);
    } catch (error) {
      this.ended.delete(callId);
      throw error;
    }
    if (call) {
      if (this.calls.get(callId) === call) this.calls.delete(callId);
      // Cleared before anyone disconnects: their segments were closed by the end ('session_ended').
      call.members.clear();
    }
    const everyone = this.io.in(sessionRoom(callId));
    everyone.emit('sessionEnded', { reason });
    (initiator ? everyone.except(initiator.id) : everyone).disconnectSockets(true);
    this.deps.media.closeRoom(callId);
    return ended;
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    for (const call of this.calls.values()) {
      if (call.staffGrace) clearTimeout(call.staffGrace);
      const members = [...call.members.values()];
      call.members.clear();
      for (const m of members) {
        await this.log.closeSegment(call.organisationId, m.segmentId, 'server_shutdown').catch(() => undefined);
        m.peer?.close();
        m.socket.disconnect(true);
      }
    }
    this.calls.clear();
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}

const dataOf = (socket: Socket) => socket.data as SocketData;
