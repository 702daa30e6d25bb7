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
  log: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;
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

/** An error a client caused (unknown id, wrong state): reported back, never fatal. */
export class SfuError extends Error {
  constructor(
    readonly code: 'not_found' | 'bad_state' | 'unsupported',
    message: string,
  ) {
    super(message);
  }
}

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
