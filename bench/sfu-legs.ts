/// <reference lib="dom" />
/**
 * What the SFU benchmark (bench/sfu.ts, in Node) and its load generator page (bench/sfu-page.ts, in Chromium) say to
 * each other: the page's functions on `window.sfuBench` and what they return.
 */

export interface LegSpec {
  /** The signalling server's origin. */
  url: string;
  token: string;
  /** This leg is the session's staff: it lets in whoever waits (the product's waiting room). */
  admits: boolean;
}

/** Cumulative counters of one leg (one participant of one call), read from its transports' WebRTC stats. */
export interface LegReading {
  error?: string;
  receivedVideo: { framesDecoded: number; packetsReceived: number; packetsLost: number; bytesReceived: number; freezeCount: number; frameWidth: number };
  receivedAudio: { packetsReceived: number; packetsLost: number };
  sentVideo: { framesEncoded: number; packetsSent: number; frameWidth: number; frameHeight: number; qualityLimitationReason: string };
}

export interface SfuBenchPage {
  /** Opens the camera and microphone once; every leg sends them. */
  start(): Promise<void>;
  /** A new participant; resolves once it is in the call (admitted) and sending. Returns its number. */
  addLeg(spec: LegSpec): Promise<number>;
  /** Counters of the given legs (all when none given). */
  read(legs?: number[]): Promise<LegReading[]>;
  /** Hangs up the given legs: their transports and connections close. */
  closeLegs(legs: number[]): void;
}

declare global {
  interface Window {
    sfuBench: SfuBenchPage;
  }
}
