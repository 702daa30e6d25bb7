/**
 * The socket.io contract between the call screen and the server. Every client message is a request with an
 * acknowledgement; its payload is validated against the schema here before anything else happens.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/** mediasoup validates the inside of these; here only "an object of bounded size". */
const MediaObject = Type.Object({}, { additionalProperties: true });
const strict = { additionalProperties: false } as const;

export const ClientMessages = {
  join: Type.Object({ audioOnly: Type.Boolean() }, strict),
  createTransport: Type.Object({ direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]) }, strict),
  connectTransport: Type.Object({ transportId: Id, dtlsParameters: MediaObject }, strict),
  produce: Type.Object(
    {
      transportId: Id,
      kind: Type.Union([Type.Literal('audio'), Type.Literal('video')]),
      rtpParameters: MediaObject,
      source: Type.Union([Type.Literal('camera'), Type.Literal('microphone')]),
    },
    strict,
  ),
  consume: Type.Object({ producerId: Id, rtpCapabilities: MediaObject }, strict),
  resumeConsumer: Type.Object({ consumerId: Id }, strict),
  setProducerPaused: Type.Object({ producerId: Id, paused: Type.Boolean() }, strict),
  closeProducer: Type.Object({ producerId: Id }, strict),
  restartIce: Type.Object({ transportId: Id }, strict),
  setAudioOnly: Type.Object({ audioOnly: Type.Boolean() }, strict),
  chat: Type.Object({ text: Type.String({ minLength: 1, maxLength: 1000 }) }, strict),
  admit: Type.Object({ peerId: Id }, strict),
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

/**
 * Why a message was refused. Codes: `unknown_message`, `rate_limited` (per-connection flood limit), `too_large`,
 * `bad_request` (wrong shape, or media parameters mediasoup refuses), `bad_state` (not in the call yet, already
 * done), `not_found` (an id that is not this participant's), `forbidden` (the role may not), `limit_reached` (the
 * per-participant ceiling of transports, producers or consumers), `unsupported` (this device cannot decode it),
 * `session_ended`, `replaced` (a newer connection of the same person took over), and `internal` (a server fault).
 * A refused handshake reports `unauthorized`, `not_found` or `rate_limited` in the connect error's `data.code`.
 */
export interface SignalError {
  code: string;
  message: string;
}
export type Ack<T> = { ok: true; data: T } | { ok: false; error: SignalError };

export interface PeerInfo {
  peerId: string;
  displayName: string;
  role: 'citizen' | 'worker' | 'volunteer' | 'coordinator';
}

export interface ProducerAnnouncement {
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: string;
  paused: boolean;
}

export interface RoomState {
  /** This participant's own peer id. */
  peerId: string;
  routerRtpCapabilities: Record<string, unknown>;
  peers: PeerInfo[];
  producers: ProducerAnnouncement[];
}

export type JoinResult = { state: 'waiting'; peerId: string } | ({ state: 'in_call' } & RoomState);

/** Why a session ended for everyone (call_sessions.end_reason). */
export type SessionEndReason = 'ended_by_staff' | 'staff_left' | 'server_shutdown' | 'server_restart';
/** Why one participant was taken out: a staff member removed them, or their sign-in was revoked / they were deactivated. */
export type RemovalReason = 'removed' | 'signed_out';

/** Server → client pushes. */
export interface ServerEvents {
  waiting: (waiting: PeerInfo[]) => void;
  admitted: (state: RoomState) => void;
  peerJoined: (peer: PeerInfo) => void;
  peerLeft: (peer: { peerId: string }) => void;
  newProducer: (producer: ProducerAnnouncement) => void;
  producerClosed: (producer: { producerId: string; peerId: string }) => void;
  producerPaused: (producer: { producerId: string; peerId: string; paused: boolean }) => void;
  chat: (message: { fromPeerId: string; displayName: string; text: string; at: string }) => void;
  /** The media server under the room was replaced: join again (same session, same identity). */
  roomReset: () => void;
  sessionEnded: (info: { reason: SessionEndReason }) => void;
  /** This participant was taken out of a call that goes on for the others. */
  removed: (info: { reason: RemovalReason }) => void;
}
