import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Server, Socket } from 'socket.io';
import type { Sql } from 'postgres';
import type { FastifyBaseLogger } from 'fastify';
import { MediaServer, SfuError, type Room } from '../../sfu/index.js';
import {
  ClientMessages, MAX_MESSAGE_BYTES, type Ack, type ClientMessage, type ClientMessageName, type RoomState,
} from '../../protocol/signalling.js';
import type { Role } from '../../protocol/api.js';
import type { TokenService } from '../auth/tokens.js';
import { inOrganisation } from '../db/database.js';
import { isStaff, inCall, peerInfo, waiting, type LiveCall, type Member } from './live.js';
import { CallLog, loadCall, participantOf } from './store.js';

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
  role: Role;
  callId: string;
}

/** Messages whose payload carries media parameters that mediasoup itself validates. */
const CLIENT_MEDIA_PARAMETERS = new Set<ClientMessageName>(['connectTransport', 'produce', 'consume']);

// Per-socket flood control: a token bucket. A call needs a few dozen messages to set up, then a trickle.
const BUCKET_SIZE = 60;
const REFILL_PER_SECOND = 20;

export interface SignallingDeps {
  sql: Sql;
  tokens: TokenService;
  media: MediaServer;
  log: FastifyBaseLogger;
  /** How long a dropped staff owner has to come back before the call ends. */
  reconnectGraceMs: number;
}

/**
 * socket.io signalling for calls: authenticates the handshake with a room token, validates every message, keeps
 * the live call state, drives the SFU and writes the session log.
 */
export class CallSignalling {
  private readonly calls = new Map<string, LiveCall>();
  private readonly log: CallLog;

  constructor(
    private readonly io: Server,
    private readonly deps: SignallingDeps,
  ) {
    this.log = new CallLog(deps.sql);
    io.use((socket, next) => {
      this.authenticate(socket).then(() => next(), (error: Error) => {
        const refusal = new Error(error instanceof SignalError ? error.message : 'Could not join') as Error & { data?: unknown };
        refusal.data = { code: error instanceof SignalError ? error.code : 'internal' };
        next(refusal);
      });
    });
    io.on('connection', (socket) => this.onConnection(socket));
  }

  /** Waiting citizens of a call, for the worker's list over HTTP. */
  waitingCount(callId: string): number {
    const call = this.calls.get(callId);
    return call ? waiting(call).length : 0;
  }

  private async authenticate(socket: Socket): Promise<void> {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const claims = typeof token === 'string' ? await this.deps.tokens.verify(token, 'signal') : undefined;
    if (!claims) throw new SignalError('unauthorized', 'The room token is missing, expired or invalid');
    const data: SocketData = { userId: claims.sub, organisationId: claims.org, role: claims.role as Role, callId: claims.sid };
    const ok = await inOrganisation(this.deps.sql, data.organisationId, async (tx) => {
      const call = await loadCall(tx, data.callId);
      return call?.status === 'open' && (await participantOf(tx, data.callId, data.userId)) !== undefined;
    });
    if (!ok) throw new SignalError('not_found', 'This session has ended or is not yours');
    socket.data = data;
  }

  private async liveCall(data: SocketData): Promise<LiveCall> {
    let call = this.calls.get(data.callId);
    if (!call) {
      const row = await inOrganisation(this.deps.sql, data.organisationId, async (tx) => {
        const session = await loadCall(tx, data.callId);
        const admitted = await tx<{ user_id: string }[]>`select user_id from call_participants where session_id = ${data.callId} and admitted_at is not null`;
        return { session: session!, admitted: admitted.map((a) => a.user_id) };
      });
      call = this.calls.get(data.callId) ?? {
        id: data.callId, organisationId: data.organisationId, ownerId: row.session.worker_id, admitted: new Set(row.admitted), members: new Map(),
      };
      this.calls.set(data.callId, call);
    }
    return call;
  }

  /** Registers the connection as the call's member for this user (async: database and live state). */
  private async register(socket: Socket): Promise<{ call: LiveCall; member: Member }> {
    const data = socket.data as SocketData;
    const call = await this.liveCall(data);
    const participant = await inOrganisation(this.deps.sql, data.organisationId, (tx) => participantOf(tx, data.callId, data.userId));
    if (!participant) throw new SignalError('not_found', 'This session is not yours');

    // The same person connecting again (a reconnect, a second tab): the newer connection wins.
    const previous = call.members.get(data.userId);
    if (previous) {
      call.members.delete(data.userId);
      await this.departed(call, previous, 'disconnected');
      previous.socket.disconnect(true);
    }
    if (call.staffGrace && data.userId === call.ownerId) {
      clearTimeout(call.staffGrace);
      call.staffGrace = undefined;
    }
    const segmentId = await this.log.openSegment(data.organisationId, participant.id);
    const member: Member = {
      userId: data.userId, participantId: participant.id, role: data.role, displayName: participant.display_name,
      socket, segmentId, state: 'connected', audioOnly: false, leaving: false,
    };
    call.members.set(data.userId, member);
    if (isStaff(member.role)) socket.emit('waiting', waiting(call).map(peerInfo));
    return { call, member };
  }

  /**
   * Handlers are attached synchronously, before anything is awaited: the client sends 'join' the moment it is
   * connected, and socket.io drops a message nobody listens to yet. Each handler waits for registration instead.
   */
  private onConnection(socket: Socket): void {
    const ready = this.register(socket);
    ready.catch((error: unknown) => {
      if (!(error instanceof SignalError)) this.deps.log.error({ err: error }, 'signalling connection failed');
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

    socket.onAny((event: string, ...args: unknown[]) => {
      if (event in ClientMessages) return;
      const ack = args.at(-1);
      this.deps.log.warn({ event: event.slice(0, 40) }, 'unknown signalling message');
      if (typeof ack === 'function') ack({ ok: false, error: { code: 'unknown_message', message: 'Unknown message' } } satisfies Ack<never>);
    });

    const handle = <N extends ClientMessageName>(name: N, handler: (message: ClientMessage<N>, call: LiveCall, member: Member) => Promise<unknown>) => {
      socket.on(name as string, async (payload: unknown, ack: unknown) => {
        const reply = (result: Ack<unknown>) => typeof ack === 'function' && (ack as (r: Ack<unknown>) => void)(result);
        const refuse = (code: string, message: string) => {
          this.deps.log.warn({ event: name, code }, 'signalling message refused');
          reply({ ok: false, error: { code, message } });
        };
        if (!take()) return refuse('rate_limited', 'Too many messages; slow down');
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
          reply({ ok: true, data: (await handler(payload as ClientMessage<N>, call, member)) ?? {} });
        } catch (error) {
          if (error instanceof SignalError || error instanceof SfuError) return refuse(error.code, error.message);
          // mediasoup rejects malformed rtpParameters/dtlsParameters/rtpCapabilities with TypeError: the client's fault.
          if (error instanceof TypeError && CLIENT_MEDIA_PARAMETERS.has(name)) return refuse('bad_request', 'Invalid media parameters');
          this.deps.log.error({ err: error, event: name }, 'signalling handler failed');
          reply({ ok: false, error: { code: 'internal', message: 'Something went wrong on the server' } });
        }
      });
    };

    const peer = (member: Member) => {
      if (member.state !== 'in_call' || !member.peer) throw new SignalError('bad_state', 'Join the call first');
      return member.peer;
    };
    const staffOnly = (member: Member) => {
      if (!isStaff(member.role)) throw new SignalError('forbidden', 'Only staff can do this');
    };

    handle('join', async ({ audioOnly }, call, member) => {
      member.audioOnly = audioOnly;
      if (audioOnly) await this.log.markAudioOnly(call.organisationId, member.participantId);
      if (member.role === 'citizen' && !call.admitted.has(member.userId)) {
        member.state = 'waiting';
        this.announceWaiting(call);
        return { state: 'waiting', peerId: member.participantId };
      }
      return { state: 'in_call', ...(await this.enterRoom(call, member)) };
    });
    handle('createTransport', ({ direction }, _call, member) => peer(member).createTransport(direction));
    handle('connectTransport', ({ transportId, dtlsParameters }, _call, member) => peer(member).connectTransport(transportId, dtlsParameters as never));
    handle('produce', async ({ transportId, kind, rtpParameters, source }, _call, member) => ({
      producerId: await peer(member).produce(transportId, kind, rtpParameters as never, source),
    }));
    handle('consume', ({ producerId, rtpCapabilities }, _call, member) => peer(member).consume(producerId, rtpCapabilities as never));
    handle('resumeConsumer', ({ consumerId }, _call, member) => peer(member).resumeConsumer(consumerId));
    handle('setProducerPaused', ({ producerId, paused }, _call, member) => peer(member).setProducerPaused(producerId, paused));
    handle('closeProducer', async ({ producerId }, _call, member) => peer(member).closeProducer(producerId));
    handle('restartIce', async ({ transportId }, _call, member) => ({ iceParameters: await peer(member).restartIce(transportId) }));
    handle('setAudioOnly', async ({ audioOnly }, call, member) => {
      member.audioOnly = audioOnly;
      await peer(member).setAudioOnly(audioOnly);
      if (audioOnly) await this.log.markAudioOnly(call.organisationId, member.participantId);
    });
    handle('chat', async ({ text }, call, member) => {
      peer(member);
      // Delivered live to the people in the call; never stored or logged.
      const message = { fromPeerId: member.participantId, displayName: member.displayName, text, at: new Date().toISOString() };
      for (const m of inCall(call)) m.socket.emit('chat', message);
    });
    handle('admit', async ({ peerId }, call, member) => {
      staffOnly(member);
      peer(member);
      const citizen = waiting(call).find((m) => m.participantId === peerId);
      if (!citizen) throw new SignalError('not_found', 'Nobody with that id is waiting');
      call.admitted.add(citizen.userId);
      await this.log.admit(call.organisationId, call.id, citizen.participantId);
      const state = await this.enterRoom(call, citizen);
      citizen.socket.emit('admitted', state);
      this.announceWaiting(call);
    });
    handle('quality', async (sample, call, member) => {
      await this.log.addQualitySample(call.organisationId, member.participantId, sample);
    });
    handle('leave', async (_message, call, member) => {
      member.leaving = true;
      if (member.userId === call.ownerId) await this.endCall(call.id, member.userId, 'ended_by_staff');
      else socket.disconnect(true);
    });
    handle('end', async (_message, call, member) => {
      staffOnly(member);
      if (member.userId !== call.ownerId && member.role !== 'coordinator') throw new SignalError('forbidden', 'Only the session’s worker can end it');
      await this.endCall(call.id, member.userId, 'ended_by_staff');
    });

    socket.on('disconnect', () => {
      ready.then(({ call, member }) => {
        if (call.members.get(member.userId) !== member) return; // replaced by a newer connection
        call.members.delete(member.userId);
        return this.departed(call, member, member.leaving ? 'left' : 'disconnected');
      }).catch((error: unknown) => {
        if (!(error instanceof SignalError)) this.deps.log.error({ err: error }, 'closing a participant failed');
      });
    });
  }

  private async enterRoom(call: LiveCall, member: Member): Promise<RoomState> {
    const room = await this.deps.media.openRoom(call.id);
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
    for (const m of call.members.values()) if (isStaff(m.role)) m.socket.emit('waiting', list);
  }

  private async departed(call: LiveCall, member: Member, reason: 'left' | 'disconnected'): Promise<void> {
    if (member.peer) call.room?.leave(member.participantId);
    member.peer = undefined;
    const wasInCall = member.state === 'in_call';
    member.state = 'connected';
    await this.log.closeSegment(call.organisationId, member.segmentId, reason);
    if (wasInCall) for (const m of inCall(call)) m.socket.emit('peerLeft', { peerId: member.participantId });
    else this.announceWaiting(call);
    if (member.userId === call.ownerId && !call.members.has(member.userId) && !call.staffGrace && this.calls.has(call.id)) {
      // The worker dropped: give them the grace period to come back before the session ends for everyone.
      call.staffGrace = setTimeout(() => {
        call.staffGrace = undefined;
        if (!call.members.has(call.ownerId)) void this.endCall(call.id, null, 'staff_left');
      }, this.deps.reconnectGraceMs);
      call.staffGrace.unref();
    }
  }

  /** Ends a call for everyone: log, tell every participant, disconnect, free the media. */
  async endCall(callId: string, endedBy: string | null, reason: 'ended_by_staff' | 'staff_left' | 'server_shutdown', organisationId?: string): Promise<boolean> {
    const call = this.calls.get(callId);
    const org = call?.organisationId ?? organisationId;
    if (!org) return false;
    const ended = await this.log.end(org, callId, endedBy, reason);
    if (call) {
      this.calls.delete(callId);
      if (call.staffGrace) clearTimeout(call.staffGrace);
      for (const m of call.members.values()) {
        m.socket.emit('sessionEnded', { reason });
        m.socket.disconnect(true);
      }
      call.members.clear();
    }
    this.deps.media.closeRoom(callId);
    return ended;
  }

  async close(): Promise<void> {
    for (const call of this.calls.values()) {
      if (call.staffGrace) clearTimeout(call.staffGrace);
      for (const m of call.members.values()) {
        await this.log.closeSegment(call.organisationId, m.segmentId, 'server_shutdown').catch(() => undefined);
        m.socket.disconnect(true);
      }
    }
    this.calls.clear();
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}
