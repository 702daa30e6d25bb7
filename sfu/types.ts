import type { types } from 'mediasoup';

/** Settings of the media server. Plain values: sfu/ knows nothing of the HTTP server's configuration. */
export interface MediaServerOptions {
  /** Number of mediasoup workers; one per core by default. */
  workers: number;
  /** Path of the mediasoup-worker binary; undefined = mediasoup's own (prebuilt) one. */
  workerBin?: string;
  listenIp: string;
  announcedAddress?: string;
  /** First UDP/TCP port; worker i listens on basePort + i. 0 = any free port (tests). */
  basePort: number;
  enableUdp: boolean;
  enableTcp: boolean;
  log: MediaLog;
}

/**
 * What the media server logs through: structured detail first, then the message. The server's pino logger satisfies
 * it as it is; sfu/ names no logging library.
 */
export interface MediaLog {
  info(detail: object, message: string): void;
  warn(detail: object, message: string): void;
  error(detail: object, message: string): void;
}

export type Direction = 'send' | 'recv';
export type MediaKind = types.MediaKind;

export interface TransportParams {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface ConsumerParams {
  id: string;
  producerId: string;
  producerPeerId: string;
  kind: MediaKind;
  rtpParameters: types.RtpParameters;
  source: string;
}

export interface ProducerInfo {
  producerId: string;
  peerId: string;
  kind: MediaKind;
  source: string;
  paused: boolean;
}

/** An error a client caused (unknown id, wrong state, parameters mediasoup refuses, a limit): reported back, never fatal. */
export class SfuError extends Error {
  constructor(
    readonly code: 'not_found' | 'bad_state' | 'unsupported' | 'bad_request' | 'limit_reached',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Ceilings per participant, whatever its client sends: each mediasoup object costs the worker memory and CPU, and a
 * worker is shared by many rooms, so one participant must not be able to grow without bound.
 */
export const PEER_LIMITS = {
  /** One transport to send and one to receive; a rejoin starts a new peer with none. */
  transports: 2,
  /** Microphone and camera. A screen share would raise this (and add its source) when it exists. */
  producers: 2,
  /** Audio and video of up to ten other participants: more than any support session has. */
  consumers: 20,
} as const;

/** VP8 first (every browser decodes it in software, cheap phones too), H264 as a fallback, Opus for audio. */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 600 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
