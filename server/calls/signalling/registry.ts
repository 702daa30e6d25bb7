/**
 * The live calls of this process: who is connected to which session (the database holds the log, this holds the
 * connections), the sessions it has ended, each person's connections, and the queue that runs one person's
 * connections, removals and sign-out checks one at a time. State only: what happens to it is in sessions.ts.
 */
import type { CallRole, PeerInfo, SessionEndReason } from '../../../protocol/signalling.js';
import type { Peer, Room } from '../../../sfu/index.js';
import { SerialPerKey } from '../limits.js';
import type { CallSocket } from './socket.js';

/** One connected participant of a live call. peerId (the participant row id) is all other peers learn of them. */
export interface Member {
  userId: string;
  participantId: string;
  role: CallRole;
  displayName: string;
  socket: CallSocket;
  segmentId: number;
  state: 'connected' | 'waiting' | 'in_call';
  peer?: Peer;
  audioOnly: boolean;
  /** The join asked for its transports with the room state (protocol/signalling.ts, join). */
  transportsWithState?: boolean;
  /** Why this connection is going when it is not a plain drop: said goodbye, taken out, signed out, replaced. */
  leaveReason?: 'left' | 'removed' | 'signed_out' | 'replaced' | 'moved';
}

/** In-memory state of an open call on this server. */
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

/** Ended sessions remembered, so a connection racing the end cannot bring one back to life in memory. */
const REMEMBERED_ENDED_SESSIONS = 10_000;

export class LiveCalls {
  readonly calls = new Map<string, LiveCall>();
  /** One person's connections, removals and sign-out checks run one after another, in arrival order. */
  readonly perUser = new SerialPerKey();
  /** Sessions ended by this process, with why: a connection that raced the end is told the same reason. */
  private readonly ended = new Map<string, SessionEndReason>();
  private readonly socketsByUser = new Map<string, Set<CallSocket>>();

  /** Waiting citizens of a call, for the worker's list over HTTP. */
  waitingCount(callId: string): number {
    const call = this.calls.get(callId);
    return call ? waiting(call).length : 0;
  }

  hasEnded(callId: string): boolean {
    return this.ended.has(callId);
  }

  endReason(callId: string): SessionEndReason | undefined {
    return this.ended.get(callId);
  }

  /** From here no connection registers and no message is answered for this session. */
  markEnded(callId: string, reason: SessionEndReason): void {
    this.ended.set(callId, reason);
    if (this.ended.size > REMEMBERED_ENDED_SESSIONS) this.ended.delete(this.ended.keys().next().value!);
  }

  /** The end could not be recorded: the session goes on. */
  unmarkEnded(callId: string): void {
    this.ended.delete(callId);
  }

  /** A connection of this person, connected and not yet closed (registered in a call or not yet). */
  addConnection(socket: CallSocket): void {
    const mine = this.socketsByUser.get(socket.data.userId) ?? new Set<CallSocket>();
    mine.add(socket);
    this.socketsByUser.set(socket.data.userId, mine);
  }

  removeConnection(socket: CallSocket): void {
    const mine = this.socketsByUser.get(socket.data.userId);
    mine?.delete(socket);
    if (mine?.size === 0) this.socketsByUser.delete(socket.data.userId);
  }

  connectionsOf(userId: string): CallSocket[] {
    return [...(this.socketsByUser.get(userId) ?? [])];
  }

  /** Every open connection, by organisation. */
  connectionsByOrganisation(): Map<string, CallSocket[]> {
    const byOrganisation = new Map<string, CallSocket[]>();
    for (const sockets of this.socketsByUser.values()) {
      for (const socket of sockets) {
        const list = byOrganisation.get(socket.data.organisationId) ?? [];
        list.push(socket);
        byOrganisation.set(socket.data.organisationId, list);
      }
    }
    return byOrganisation;
  }
}
