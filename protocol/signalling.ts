/**
 * The socket.io contract between the call screen and the server, as request/reply pairs. Every client message is a
 * request with an acknowledgement: its payload schema here is checked before anything else happens, and its reply
 * type is in `SignalReplies`. The server's pushes are `ServerToClientEvents`. Both ends apply these to socket.io's
 * generics (server/calls/signalling/server.ts, client/src/call/signalling.ts), so neither can send what the other does
 * not expect.
 *
 * Media objects carry mediasoup-client's types: what the browser's library sends, and what it is given back (the
 * server's mediasoup objects fit them as they are).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { DtlsParameters, IceCandidate, IceParameters, MediaKind, RtpCapabilities, RtpParameters } from 'mediasoup-client/types';
import { strict, Text, type Role } from './common.js';
import type { ErrorCode } from './errors.js';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/**
 * A media object of mediasoup's. The schema bounds only its shape — an object, within MAX_MESSAGE_BYTES; mediasoup
 * validates the inside, and refuses a bad one as `bad_request`.
 */
const mediaObject = <T>() => Type.Unsafe<T>(Type.Object({}, { additionalProperties: true }));

export const ClientMessages = {
  join: Type.Object(
    {
      audioOnly: Type.Boolean(),
      /**
       * Make this participant's send and receive transports with the room state (the join's answer, or `admitted`
       * after the waiting room): one round trip less before the media flows, felt on a phone line. Without it, the
       * client asks with createTransport.
       */
      transports: Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  createTransport: Type.Object({ direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]) }, strict),
  connectTransport: Type.Object({ transportId: Id, dtlsParameters: mediaObject<DtlsParameters>() }, strict),
  produce: Type.Object(
    {
      transportId: Id,
      kind: Type.Union([Type.Literal('audio'), Type.Literal('video')]),
      rtpParameters: mediaObject<RtpParameters>(),
      source: Type.Union([Type.Literal('camera'), Type.Literal('microphone')]),
    },
    strict,
  ),
  consume: Type.Object({ producerId: Id, rtpCapabilities: mediaObject<RtpCapabilities>() }, strict),
  resumeConsumer: Type.Object({ consumerId: Id }, strict),
  setProducerPaused: Type.Object({ producerId: Id, paused: Type.Boolean() }, strict),
  closeProducer: Type.Object({ producerId: Id }, strict),
  restartIce: Type.Object({ transportId: Id }, strict),
  setAudioOnly: Type.Object({ audioOnly: Type.Boolean() }, strict),
  chat: Type.Object({ text: Type.String({ minLength: 1, maxLength: 1000 }) }, strict),
  admit: Type.Object({ peerId: Id }, strict),
  /**
   * Staff to a citizen in the waiting room: a short line ("Jeg kommer om 2 minutter"), shown big on their screen.
   * Delivered live to that one citizen; never stored or logged. Limited by the guard beyond the flood limit.
   */
  waitingMessage: Type.Union([
    // The usual lines by name, so that the citizen reads them in their own language…
    Type.Object({ peerId: Id, quick: Type.Union([Type.Literal('in2'), Type.Literal('in5')]) }, strict),
    // …or the staff member's own words.
    Type.Object({ peerId: Id, text: Text({ minLength: 1, maxLength: 200, nonBlank: true }) }, strict),
  ]),
  quality: Type.Object(
    {
      rttMs: Type.Optional(Type.Number({ minimum: 0, maximum: 60_000 })),
      packetLossPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      bitrateKbps: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    },
    strict,
  ),
  /** The browser waited ~10 s after joining and no media arrived: recorded in the session log. */
  noMedia: Type.Object({}, strict),
  leave: Type.Object({}, strict),
  end: Type.Object({}, strict),
} satisfies Record<string, TSchema>;

export type ClientMessageName = keyof typeof ClientMessages;
export type ClientMessage<N extends ClientMessageName> = Static<(typeof ClientMessages)[N]>;

/** Largest accepted message, serialised: an SDP-derived rtpParameters is a few KiB. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/** Who takes part in a call: the signed-in roles, and a guest on a citizen's one-time guest link (protocol/guests.ts). */
export type CallRole = Role | 'guest';

export interface PeerInfo {
  peerId: string;
  displayName: string;
  role: CallRole;
}

export interface ProducerAnnouncement {
  producerId: string;
  peerId: string;
  kind: MediaKind;
  source: string;
  paused: boolean;
}

export interface RoomState {
  /** This participant's own peer id. */
  peerId: string;
  routerRtpCapabilities: RtpCapabilities;
  peers: PeerInfo[];
  producers: ProducerAnnouncement[];
  /** The participant's transports, made with the state when the join asked for them. */
  transports?: { send: TransportParams; recv: TransportParams };
}

/**
 * What a participant is told about the session on joining: whose it is and when it was booked for (the waiting room
 * says "Bo ved, at du venter" and the time), and whether they host it.
 */
export interface SessionInfo {
  /** The session's worker (its owner). */
  hostName: string;
  /** The booked appointment's start (an ISO instant), or null for a session started ad hoc. */
  appointmentStartsAt: string | null;
  /** This participant is the session's owner (who records how it went, afterwards). */
  youHost: boolean;
}

/**
 * Waiting: the room's capabilities come along when the room exists (the worker is in it), so that a slow phone loads
 * its media device while it waits rather than after it is let in.
 */
export type JoinResult = ({ state: 'waiting'; peerId: string; routerRtpCapabilities?: RtpCapabilities } | ({ state: 'in_call' } & RoomState)) & { session: SessionInfo };

/** A TURN server and the time-limited credentials for it (RTCIceServer's shape). */
export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

/** The server's side of a WebRTC transport: what the client creates its own side from. */
export interface TransportParams {
  id: string;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
  /** TURN servers to reach the media server through when the direct path is blocked; empty when none is set up. */
  iceServers: IceServer[];
}

/** A consumer the server made for this participant: what the client consumes it with. */
export interface ConsumerParams {
  id: string;
  producerId: string;
  /** Whose media it is. */
  producerPeerId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  source: string;
}

/** The acknowledgement of a message that has nothing to return. */
export type Done = Record<string, never>;

/** What each message is answered with, when it is accepted. */
export interface SignalReplies {
  join: JoinResult;
  createTransport: TransportParams;
  connectTransport: Done;
  produce: { producerId: string };
  consume: ConsumerParams;
  resumeConsumer: Done;
  setProducerPaused: Done;
  closeProducer: Done;
  restartIce: { iceParameters: IceParameters };
  setAudioOnly: Done;
  chat: Done;
  admit: Done;
  waitingMessage: Done;
  quality: Done;
  noMedia: Done;
  leave: Done;
  end: Done;
}
export type SignalReply<N extends ClientMessageName> = SignalReplies[N];

/**
 * Why a message was refused: the `error` of an HTTP error body, with its closed list of codes (protocol/errors.ts).
 * Codes: `unknown_message`, `rate_limited` (per-connection flood limit), `too_large`, `bad_request` (wrong shape, or
 * media parameters mediasoup refuses), `bad_state` (not in the call yet, already done), `not_found` (an id that is
 * not this participant's), `forbidden` (the role may not), `limit_reached` (the per-participant ceiling of transports,
 * producers or consumers), `unsupported` (this device cannot decode it), `session_ended`, `replaced` (a newer
 * connection of the same person took over), and `internal` (a server fault).
 * A refused handshake reports `unauthorized`, `not_found` or `rate_limited` in the connect error's `data.code`.
 */
export interface SignalRefusal {
  code: SignalErrorCode;
  message: string;
}
/** Signalling refuses with the same closed list of codes as HTTP. */
export type SignalErrorCode = ErrorCode;
export type Ack<T> = { ok: true; data: T } | { ok: false; error: SignalRefusal };

/** A refused handshake: socket.io's connect error carries this as its `data`. */
export interface HandshakeRefusal {
  code: SignalErrorCode;
}

/** Why a session ended for everyone (call_sessions.end_reason). */
export type SessionEndReason = 'ended_by_staff' | 'staff_left' | 'server_shutdown' | 'server_restart';
/** Why one participant was taken out: a staff member removed them, or their sign-in was revoked / they were deactivated. */
export type RemovalReason = 'removed' | 'signed_out';

/** Client → server: every message with its payload, answered through the acknowledgement. */
export type ClientToServerEvents = {
  [N in ClientMessageName]: (message: ClientMessage<N>, ack: (reply: Ack<SignalReply<N>>) => void) => void;
};

/** Server → client pushes. */
export interface ServerToClientEvents {
  waiting: (waiting: PeerInfo[]) => void;
  admitted: (state: RoomState) => void;
  peerJoined: (peer: PeerInfo) => void;
  peerLeft: (peer: { peerId: string }) => void;
  newProducer: (producer: ProducerAnnouncement) => void;
  producerClosed: (producer: { producerId: string; peerId: string }) => void;
  producerPaused: (producer: { producerId: string; peerId: string; paused: boolean }) => void;
  chat: (message: ChatMessage) => void;
  /** To a waiting citizen: a short line from the staff who will let them in. */
  waitingMessage: (message: WaitingMessage) => void;
  /** The media server under the room was replaced: join again (same session, same identity). */
  roomReset: () => void;
  sessionEnded: (info: { reason: SessionEndReason }) => void;
  /** This participant was taken out of a call that goes on for the others. */
  removed: (info: { reason: RemovalReason }) => void;
}

/** A chat line, delivered live to the people in the call; never stored or logged. */
export interface ChatMessage {
  fromPeerId: string;
  displayName: string;
  text: string;
  at: string;
}

/** A line to a waiting citizen (one of the usual ones, or written); never stored or logged. */
export type WaitingMessage = { displayName: string; at: string } & ({ quick: 'in2' | 'in5' } | { text: string });

/** Between servers: none (one process holds its live calls). */
/**
 * Between hosts, when several share the work (issue 14; socket.io's PostgreSQL adapter carries them): what a route on
 * one host tells the host whose connections it concerns. Never seen by a browser.
 */
export interface InterServerEvents {
  signInsChanged: (organisationId: string, userId: string) => void;
  removeFromCall: (callId: string, userId: string) => void;
  callEnded: (callId: string, reason: SessionEndReason) => void;
}
