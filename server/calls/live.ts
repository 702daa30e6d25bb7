import type { Socket } from 'socket.io';
import type { Peer, Room } from '../../sfu/index.js';
import type { Role } from '../../protocol/api.js';
import type { PeerInfo } from '../../protocol/signalling.js';

/** One connected participant of a live call. peerId (the participant row id) is all other peers learn of them. */
export interface Member {
  userId: string;
  participantId: string;
  role: Role;
  displayName: string;
  socket: Socket;
  segmentId: number;
  state: 'connected' | 'waiting' | 'in_call';
  peer?: Peer;
  audioOnly: boolean;
  /** Why this connection is going when it is not a plain drop: said goodbye, taken out, signed out, replaced. */
  leaveReason?: 'left' | 'removed' | 'signed_out' | 'replaced';
}

/** In-memory state of an open call on this server; the database holds the log, this holds who is connected. */
export interface LiveCall {
  id: string;
  organisationId: string;
  ownerId: string;
  /** Users admitted from the waiting room: a reconnect does not send them back to wait. */
  admitted: Set<string>;
  /** At most one connection per user: the newest. */
  members: Map<string, Member>;
  room?: Room;
  staffGrace?: NodeJS.Timeout;
}

export const peerInfo = (m: Member): PeerInfo => ({ peerId: m.participantId, displayName: m.displayName, role: m.role });

export function inCall(call: LiveCall): Member[] {
  return [...call.members.values()].filter((m) => m.state === 'in_call');
}

export function waiting(call: LiveCall): Member[] {
  return [...call.members.values()].filter((m) => m.state === 'waiting');
}
