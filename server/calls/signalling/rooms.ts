/**
 * A live call's media room in the SFU: putting a member's media in and taking it out, and passing the room's events
 * (new, closed and paused producers; a reset when its worker died) to the people in the call.
 */
import type { RoomState } from '../../../protocol/signalling.js';
import type { MediaServer, Room } from '../../../sfu/index.js';
import type { Logger } from '../../log.js';
import { SignalError } from './errors.js';
import { inCall, peerInfo, type LiveCall, type LiveCalls, type Member } from './registry.js';

export interface MediaRoomDeps {
  media: MediaServer;
  live: LiveCalls;
  log: Logger;
}

export class MediaRooms {
  constructor(private readonly deps: MediaRoomDeps) {}

  /** The room's RTP capabilities, when its room is open already (none is made for asking). */
  capabilities(call: LiveCall): RoomState['routerRtpCapabilities'] | undefined {
    return call.room && !call.room.closed ? call.room.rtpCapabilities : undefined;
  }

  /** Puts the member's media into the session's room (made on first use), tells the others, returns what it needs. */
  async enter(call: LiveCall, member: Member): Promise<RoomState> {
    const { media, live } = this.deps;
    const room = await media.openRoom(call.id);
    if (live.hasEnded(call.id)) {
      // The session ended while its room was being made: the room must not outlive it.
      media.closeRoom(call.id);
      throw new SignalError('session_ended', 'This session has ended');
    }
    if (call.members.get(member.userId) !== member) throw new SignalError('bad_state', 'This connection has left the call');
    if (call.room !== room) this.watch(call, room);
    member.peer = room.join(member.participantId);
    member.state = 'in_call';
    const others = inCall(call).filter((m) => m !== member);
    for (const other of others) other.socket.emit('peerJoined', peerInfo(member));
    return {
      peerId: member.participantId,
      routerRtpCapabilities: room.rtpCapabilities,
      peers: others.map(peerInfo),
      producers: room.producers(member.participantId),
    };
  }

  /** Closes the member's media. By identity: a newer connection of the same participant may already have its own peer. */
  leave(call: LiveCall, member: Member): void {
    if (member.peer) {
      if (call.room?.peers.get(member.participantId) === member.peer) call.room.leave(member.participantId);
      else member.peer.close();
    }
    member.peer = undefined;
  }

  private watch(call: LiveCall, room: Room): void {
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
}
