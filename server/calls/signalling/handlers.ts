/**
 * What each signalling message does, once the guard has let it through and the connection is its person's member of
 * the call. One handler per message of the contract; each returns that message's reply (protocol/signalling.ts).
 */
import type { types as mediasoup } from 'mediasoup';
import type { ClientMessage, ClientMessageName, IceServer, SignalReply } from '../../../protocol/signalling.js';
import type { Peer } from '../../../sfu/index.js';
import { callRoles } from '../call-roles.js';
import type { CallStore } from '../store.js';
import { SignalError } from './errors.js';
import { inCall, waiting, type LiveCall, type Member } from './registry.js';
import type { MediaRooms } from './rooms.js';
import type { CallSessions } from './sessions.js';

export interface MessageContext {
  call: LiveCall;
  member: Member;
  /** Disconnect this socket once the reply is sent (hang-up): the sender gets its acknowledgement first. */
  closeAfterReply(): void;
}

export type MessageHandlers = {
  [N in ClientMessageName]: (message: ClientMessage<N>, context: MessageContext) => Promise<SignalReply<N>>;
};

export interface HandlerDeps {
  store: CallStore;
  sessions: CallSessions;
  rooms: MediaRooms;
  /** Fresh TURN credentials for each new transport (none without a TURN server). */
  iceServers: () => IceServer[];
  /** A browser's own measure of its connection, for monitoring's histograms (no one's identity goes with it). */
  onQuality?: (sample: ClientMessage<'quality'>) => void;
}

/** The member's media peer; only once they are in the call (not waiting, not between a room reset and a rejoin). */
function peerOf(member: Member): Peer {
  if (member.state !== 'in_call' || !member.peer) throw new SignalError('bad_state', 'Join the call first');
  return member.peer;
}

/**
 * The browser's RTP parameters and capabilities, as mediasoup takes them. mediasoup-client's list of header-extension
 * URIs has one entry ('urn:mediasoup:params:rtp-hdrext:packet-id') that mediasoup's closed list lacks; otherwise the
 * types are the same. What a browser sent is mediasoup's to judge — the SFU hands it over and turns mediasoup's
 * refusal into `bad_request` (sfu/room.ts withClientParameters) — so it goes as sent.
 */
const asSent = {
  rtpParameters: (sent: ClientMessage<'produce'>['rtpParameters']) => sent as mediasoup.RtpParameters,
  rtpCapabilities: (sent: ClientMessage<'consume'>['rtpCapabilities']) => sent as mediasoup.RtpCapabilities,
};

export function messageHandlers({ store, sessions, rooms, iceServers, onQuality }: HandlerDeps): MessageHandlers {
  const transportParams = async (peer: Peer, direction: 'send' | 'recv') => ({ ...(await peer.createTransport(direction)), iceServers: iceServers() });

  /** Into the room; with the member's two transports when their join asked for them. */
  const enter = async (call: LiveCall, member: Member) => {
    const state = await rooms.enter(call, member);
    if (!member.transportsWithState) return state;
    const peer = peerOf(member);
    try {
      const [recv, send] = await Promise.all([transportParams(peer, 'recv'), transportParams(peer, 'send')]);
      return { ...state, transports: { recv, send } };
    } catch {
      // Still in the room (an admitted citizen must not be left waiting): the client asks with createTransport, and a
      // rejoin starts its peer afresh if that fails too.
      return state;
    }
  };

  return {
    async join({ audioOnly, transports }, { call, member }) {
      member.audioOnly = audioOnly;
      member.transportsWithState = transports === true;
      if (audioOnly) await store.markAudioOnly(call.organisationId, member.participantId);
      const session = { ...(await store.sessionInfo(call.organisationId, call.id)), youHost: member.userId === call.ownerId };
      if (callRoles.waitsToBeAdmitted(member, call) && !call.admitted.has(member.userId)) {
        member.state = 'waiting';
        sessions.announceWaiting(call);
        sessions.awaitOwner(call);
        const routerRtpCapabilities = rooms.capabilities(call);
        return { state: 'waiting', peerId: member.participantId, session, ...(routerRtpCapabilities ? { routerRtpCapabilities } : {}) };
      }
      return { state: 'in_call', ...(await enter(call, member)), session };
    },

    createTransport: ({ direction }, { member }) => transportParams(peerOf(member), direction),

    async connectTransport({ transportId, dtlsParameters }, { member }) {
      await peerOf(member).connectTransport(transportId, dtlsParameters);
      return {};
    },

    async produce({ transportId, kind, rtpParameters, source }, { member }) {
      return { producerId: await peerOf(member).produce(transportId, kind, asSent.rtpParameters(rtpParameters), source) };
    },

    consume: ({ producerId, rtpCapabilities }, { member }) => peerOf(member).consume(producerId, asSent.rtpCapabilities(rtpCapabilities)),

    async resumeConsumer({ consumerId }, { member }) {
      await peerOf(member).resumeConsumer(consumerId);
      return {};
    },

    async setProducerPaused({ producerId, paused }, { member }) {
      await peerOf(member).setProducerPaused(producerId, paused);
      return {};
    },

    async closeProducer({ producerId }, { member }) {
      peerOf(member).closeProducer(producerId);
      return {};
    },

    async restartIce({ transportId }, { member }) {
      return { iceParameters: await peerOf(member).restartIce(transportId) };
    },

    async setAudioOnly({ audioOnly }, { call, member }) {
      member.audioOnly = audioOnly;
      await peerOf(member).setAudioOnly(audioOnly);
      if (audioOnly) await store.markAudioOnly(call.organisationId, member.participantId);
      return {};
    },

    async chat({ text }, { call, member }) {
      peerOf(member);
      // Delivered live to the people in the call; never stored or logged.
      const message = { fromPeerId: member.participantId, displayName: member.displayName, text, at: new Date().toISOString() };
      for (const m of inCall(call)) m.socket.emit('chat', message);
      return {};
    },

    async admit({ peerId }, { call, member }) {
      if (!callRoles.mayAdmit(member, call)) throw new SignalError('forbidden', 'Only the session’s staff can let someone in');
      peerOf(member);
      const citizen = waiting(call).find((m) => m.participantId === peerId);
      if (!citizen) throw new SignalError('not_found', 'Nobody with that id is waiting');
      if (!callRoles.mayAdmitPerson(member, call, citizen)) throw new SignalError('forbidden', 'A volunteer lets in only the citizen they meet');
      call.admitted.add(citizen.userId);
      await store.admit(call.organisationId, call.id, citizen.participantId);
      const state = await enter(call, citizen);
      citizen.socket.emit('admitted', state);
      sessions.announceWaiting(call);
      return {};
    },

    async waitingMessage(line, { call, member }) {
      // Whoever may let the citizen in may tell them how long it will be; from inside the call, like admitting.
      if (!callRoles.mayAdmit(member, call)) throw new SignalError('forbidden', 'Only the session’s staff can write to who is waiting');
      peerOf(member);
      const citizen = waiting(call).find((m) => m.participantId === line.peerId);
      if (!citizen) throw new SignalError('not_found', 'Nobody with that id is waiting');
      const said = 'quick' in line ? { quick: line.quick } : { text: line.text };
      // Delivered live to that one citizen; never stored or logged.
      citizen.socket.emit('waitingMessage', { displayName: member.displayName, at: new Date().toISOString(), ...said });
      return {};
    },

    async quality(sample, { call, member }) {
      await store.addQualitySample(call.organisationId, member.participantId, sample);
      onQuality?.(sample);
      return {};
    },

    async noMedia(_message, { call, member }) {
      await store.noMediaReported(call.organisationId, member.participantId);
      return {};
    },

    async leave(_message, { call, member, closeAfterReply }) {
      member.leaveReason = 'left';
      if (member.userId === call.ownerId) await sessions.endCall(call.id, member.userId, 'ended_by_staff', undefined, member.socket);
      closeAfterReply();
      return {};
    },

    async end(_message, { call, member, closeAfterReply }) {
      if (!callRoles.mayEnd(member, call)) throw new SignalError('forbidden', 'Only the session’s worker can end it');
      await sessions.endCall(call.id, member.userId, 'ended_by_staff', undefined, member.socket);
      closeAfterReply();
      return {};
    },
  };
}
