/**
 * The life of a live call: a connection becomes the call's member for its person (replacing an older one), members
 * leave, the waiting room is announced to who may see it, the owner gets a grace period to come back, and the call
 * ends for everyone.
 */
import type { SessionEndReason } from '../../../protocol/signalling.js';
import type { MediaServer } from '../../../sfu/index.js';
import type { Logger } from '../../log.js';
import { callRoles } from '../call-roles.js';
import type { AdmittedConnection, CallStore, LeaveReason } from '../store.js';
import { SignalError } from './errors.js';
import { inCall, peerInfo, waiting, type LiveCall, type LiveCalls, type Member } from './registry.js';
import type { MediaRooms } from './rooms.js';
import { sessionRoom, type CallServer, type CallSocket } from './socket.js';

export interface SessionDeps {
  io: CallServer;
  store: CallStore;
  media: MediaServer;
  live: LiveCalls;
  rooms: MediaRooms;
  log: Logger;
  /** How long a dropped staff owner has to come back before the call ends. */
  reconnectGraceMs: number;
  /** A session ended or its waiting room changed (server/events/ tells its people's open screens). */
  onCallChanged?: (organisationId: string, callId: string) => void;
}

/** A connection that is its person's member of a live call. */
export interface Joined {
  call: LiveCall;
  member: Member;
}

export class CallSessions {
  constructor(private readonly deps: SessionDeps) {}

  /**
   * Makes a connection the call's member for its person, once the handshake's transaction has admitted it; runs
   * while that person's queue is held (handshake.ts), so a newer connection always replaces an older one (whose
   * segment ends 'replaced') and never the other way round.
   */
  async install(socket: CallSocket, connection: AdmittedConnection): Promise<Joined> {
    const { live, store } = this.deps;
    const data = socket.data;
    if (live.hasEnded(data.callId)) {
      // The session ended after the transaction: its segment is closed, and the connection is told why.
      await store.closeSegment(data.organisationId, connection.segmentId, 'session_ended');
      throw new SignalError('session_ended', 'This session has ended');
    }
    let call = live.calls.get(data.callId);
    if (!call) {
      call = { id: data.callId, organisationId: data.organisationId, ownerId: connection.ownerId, admitted: new Set(connection.admitted ?? []), members: new Map() };
      live.calls.set(call.id, call);
    }
    const member: Member = {
      userId: data.userId, participantId: connection.participantId, role: data.role, displayName: connection.displayName,
      socket, segmentId: connection.segmentId, state: 'connected', audioOnly: false,
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
  }

  /** A member's connection is gone (or replaced): media closed, segment closed, the others told. */
  async departed(call: LiveCall, member: Member, reason: LeaveReason): Promise<void> {
    this.deps.rooms.leave(call, member);
    const wasInCall = member.state === 'in_call';
    member.state = 'connected';
    await this.deps.store.closeSegment(call.organisationId, member.segmentId, reason);
    if (wasInCall) for (const m of inCall(call)) m.socket.emit('peerLeft', { peerId: member.participantId });
    else this.announceWaiting(call);
    // The worker dropped: give them the grace period to come back before the session ends for everyone.
    if (member.userId === call.ownerId) this.awaitOwner(call);
  }

  /** Tells everyone who may see the waiting room who is in it. */
  announceWaiting(call: LiveCall): void {
    const list = waiting(call).map(peerInfo);
    for (const m of call.members.values()) if (callRoles.seesWaiting(m, call)) m.socket.emit('waiting', list);
    // The worker's home screen (not connected to the call) shows who waits, too.
    this.deps.onCallChanged?.(call.organisationId, call.id);
  }

  /**
   * Nobody but the session's owner can admit a waiting citizen. While the owner is not connected — dropped, or never
   * came (started the session and closed the tab) — they have the grace period to (re)connect; then the session ends
   * as `staff_left`, so a citizen never waits for a call that no one can admit.
   */
  awaitOwner(call: LiveCall): void {
    const { live, log, reconnectGraceMs } = this.deps;
    if (call.members.has(call.ownerId) || call.staffGrace || live.calls.get(call.id) !== call || live.hasEnded(call.id)) return;
    call.staffGrace = setTimeout(() => {
      call.staffGrace = undefined;
      if (!call.members.has(call.ownerId)) void this.endCall(call.id, null, 'staff_left').catch((error: unknown) => log.error({ err: error }, 'ending a call failed'));
    }, reconnectGraceMs);
    call.staffGrace.unref();
  }

  /**
   * Ends a call for everyone: log, tell every connection of the session, disconnect them, free the media.
   * `initiator` (who hung up) is left connected so that it gets its acknowledgement; it closes after replying.
   */
  async endCall(callId: string, endedBy: string | null, reason: SessionEndReason, organisationId?: string, initiator?: CallSocket): Promise<boolean> {
    const { live, store } = this.deps;
    const call = live.calls.get(callId);
    const org = call?.organisationId ?? organisationId;
    if (!org) return false;
    live.markEnded(callId, reason);
    if (call?.staffGrace) {
      clearTimeout(call.staffGrace);
      call.staffGrace = undefined;
    }
    let ended: boolean;
    try {
      ended = await store.end(org, callId, endedBy, reason);
    } catch (error) {
      live.unmarkEnded(callId);
      throw error;
    }
    this.closeHere(callId, reason, initiator);
    if (ended) this.deps.onCallChanged?.(org, callId);
    return ended;
  }

  /**
   * An ended session's live state goes from this host, and this host's connections are told why and disconnected;
   * with several hosts the others do the same on the callEnded message (server.ts), each in order: the end first, then
   * the disconnect. `initiator` (who hung up) stays connected to get its acknowledgement.
   */
  private closeHere(callId: string, reason: SessionEndReason, initiator?: CallSocket): void {
    const { live, io, media } = this.deps;
    const call = live.calls.get(callId);
    if (call) {
      if (call.staffGrace) clearTimeout(call.staffGrace);
      call.staffGrace = undefined;
      live.calls.delete(callId);
      // Cleared before anyone disconnects: their segments were closed by the end ('session_ended').
      call.members.clear();
    }
    const everyone = io.local.in(sessionRoom(callId));
    everyone.emit('sessionEnded', { reason });
    (initiator ? everyone.except(initiator.id) : everyone).disconnectSockets(true);
    media.closeRoom(callId);
  }

  /**
   * Another host ended the session (several hosts): its log and its connections are done there; here the live
   * state goes, so that no connection racing the end brings it back to life in memory.
   */
  endedElsewhere(callId: string, reason: SessionEndReason): void {
    this.deps.live.markEnded(callId, reason);
    this.closeHere(callId, reason);
  }

  /**
   * The server stops: every live connection's segment ends, its media closed, and it goes. One instance: the segment
   * ends 'server_shutdown' and the browser is told to stop. `handOver` (several hosts): it ends 'moved' and only the
   * transport closes, so the browser reconnects as after a dropped line, and its new room token places the call on
   * another host (this one has given up its lease).
   */
  async close(options: { handOver?: boolean } = {}): Promise<void> {
    const { live, store } = this.deps;
    for (const call of live.calls.values()) {
      if (call.staffGrace) clearTimeout(call.staffGrace);
      const members = [...call.members.values()];
      call.members.clear();
      for (const m of members) {
        await store.closeSegment(call.organisationId, m.segmentId, options.handOver ? 'moved' : 'server_shutdown').catch(() => undefined);
        m.peer?.close();
        if (options.handOver) m.socket.conn.close();
        else m.socket.disconnect(true);
      }
    }
    live.calls.clear();
  }
}
