/**
 * Video that adapts to the network, on this device's side. The media server already thins out what it forwards to a
 * weak receiver (the camera is sent in three temporal layers, media.ts, and mediasoup drops the upper ones for a
 * receiver whose bandwidth estimate is low, without touching the others in the call). What is left for the device:
 *
 * - **Its own uplink.** A phone on a weak uplink sends less: lower resolution, lower bitrate, fewer frames, in steps
 *   (`SEND_LEVELS`), down quickly when the browser's estimate cannot carry the current step or the encoder is held
 *   back by bandwidth or CPU, and back up cautiously, waiting longer after each step up that did not hold.
 * - **When video cannot be had at all**, it suggests sound only — the person decides (`suggestAudioOnly`). Asked
 *   again no sooner than `ASK_AGAIN_AFTER_MS` after a "no".
 *
 * Pure: it reads numbers from the transports' WebRTC stats (`readVideoStats`) every few seconds and says what to do;
 * the engine does it. Counters are per join: `reset()` when the transports are replaced.
 */

/** What the camera sends at each step: 640×480 at 500 kbit/s, then 320×240, then 160×120 at 15 frames a second. */
export const SEND_LEVELS = [
  { maxBitrate: 500_000, scaleResolutionDownBy: 1, maxFramerate: 30 },
  { maxBitrate: 250_000, scaleResolutionDownBy: 2, maxFramerate: 30 },
  { maxBitrate: 120_000, scaleResolutionDownBy: 4, maxFramerate: 15 },
] as const;
export type SendLevel = (typeof SEND_LEVELS)[number];

/** Received video below this many frames a second, or frozen this share of the time, is not a picture one can use. */
export const UNUSABLE_FPS = 5;
export const UNUSABLE_FROZEN_SHARE = 0.3;
/** Once offered, the offer stays until the picture is clearly back (not at the first window a little above the line). */
export const RECOVERED_FPS = 12;
export const RECOVERED_FROZEN_SHARE = 0.1;
/** How long the picture must have been unusable before sound only is suggested: long enough not to nag. */
export const SUGGEST_AFTER_MS = 9_000;
/** After "keep the picture", not asked again for this long. */
export const ASK_AGAIN_AFTER_MS = 5 * 60_000;
/** A step down when the uplink has fallen short this long (two readings three seconds apart). */
const STEP_DOWN_AFTER_MS = 5_000;
/** A step up after this long with room to spare; doubled each time a step up had to be undone, up to the maximum. */
const FIRST_STEP_UP_AFTER_MS = 20_000;
const MAX_STEP_UP_AFTER_MS = 160_000;
/** A step down this soon after a step up means the step up did not hold. */
const STEP_UP_HELD_MS = 15_000;
/** The browser's estimate starts low and climbs over the first seconds of sending: no step down before this. */
const RAMP_UP_MS = 10_000;
/** Below this estimate (kbit/s) even the lowest step cannot be sent. */
const UPLINK_TOO_WEAK_KBPS = 100;

/** One reading of this device's transports, as far as video goes. */
export interface VideoReading {
  /** performance.now() of the reading. */
  at: number;
  /** Someone in the call sends video this device should be showing (not paused by them, not in sound-only mode). */
  expectingVideo: boolean;
  /** Totals over the inbound video streams of the receive transport. */
  framesDecoded: number;
  frozenSeconds: number;
  /** This device is sending its camera (not paused, not sound only). */
  sendingVideo: boolean;
  /** The browser's estimate of what the send path carries (kbit/s), when it has one. */
  uplinkKbps?: number;
  /** What holds the encoder back ('bandwidth', 'cpu', 'none', 'other'), when the browser says. */
  sendLimitedBy?: string;
}

export interface VideoAdvice {
  /** The step the camera should send at now; `changed` when it differs from the previous advice. */
  sendLevel: SendLevel;
  sendLevelIndex: number;
  changed: boolean;
  /** Video cannot be had in this call just now: offer sound only. */
  suggestAudioOnly: boolean;
}

export class VideoAdvisor {
  private readings: VideoReading[] = [];
  private level = 0;
  private sendingSince: number | null = null;
  private shortSince: number | null = null;
  private roomySince: number | null = null;
  private steppedUpAt: number | null = null;
  private stepUpAfterMs = FIRST_STEP_UP_AFTER_MS;
  private hopelessSince: number | null = null;
  private declinedAt: number | null = null;
  private suggesting = false;

  /** The step the camera is at now. */
  get sendLevelIndex(): number {
    return this.level;
  }

  get sendLevel(): SendLevel {
    return SEND_LEVELS[this.level]!;
  }

  /** A new join: the counters start again; the step the camera is at and a recent "no" are kept. */
  reset(): void {
    this.readings = [];
    this.sendingSince = null;
    this.shortSince = null;
    this.roomySince = null;
    this.hopelessSince = null;
    this.suggesting = false;
  }

  /** The person answered "keep the picture": not asked again for a while. */
  decline(now: number): void {
    this.declinedAt = now;
    this.suggesting = false;
  }

  read(reading: VideoReading): VideoAdvice {
    const previous = this.readings.at(-1);
    // Totals that fell mean new streams (a consumer replaced): the window starts again.
    if (previous && (reading.framesDecoded < previous.framesDecoded || reading.frozenSeconds < previous.frozenSeconds)) this.readings = [];
    this.readings.push(reading);
    while (this.readings.length > 1 && reading.at - this.readings[0]!.at > SUGGEST_AFTER_MS) this.readings.shift();

    const before = this.level;
    this.adaptUplink(reading);
    if (this.uplinkHopeless(reading)) this.hopelessSince ??= reading.at;
    else this.hopelessSince = null;
    // What arrives is judged over the whole window (SUGGEST_AFTER_MS); the uplink must stay hopeless as long.
    const uplinkHopeless = this.hopelessSince !== null && reading.at - this.hopelessSince >= SUGGEST_AFTER_MS;
    const received = this.receivedPicture(reading);
    const quiet = this.declinedAt !== null && reading.at - this.declinedAt < ASK_AGAIN_AFTER_MS;
    if (quiet) this.suggesting = false;
    else if (uplinkHopeless || received === 'unusable') this.suggesting = true;
    else if (this.suggesting && (received === 'good' || received === 'none') && this.hopelessSince === null) this.suggesting = false;
    return { sendLevel: SEND_LEVELS[this.level]!, sendLevelIndex: this.level, changed: this.level !== before, suggestAudioOnly: this.suggesting };
  }

  /**
   * The picture that arrives, judged over the window once it is long enough: 'unusable', 'good' (clearly back),
   * 'middling' in between, 'none' when no video is expected, 'unknown' before the window is full.
   */
  private receivedPicture(now: VideoReading): 'unusable' | 'middling' | 'good' | 'none' | 'unknown' {
    const first = this.readings[0]!;
    const seconds = (now.at - first.at) / 1000;
    if (!now.expectingVideo) return 'none';
    if (!first.expectingVideo || seconds * 1000 < SUGGEST_AFTER_MS - 1000) return 'unknown';
    const fps = (now.framesDecoded - first.framesDecoded) / seconds;
    const frozenShare = (now.frozenSeconds - first.frozenSeconds) / seconds;
    if (fps < UNUSABLE_FPS || frozenShare > UNUSABLE_FROZEN_SHARE) return 'unusable';
    if (fps >= RECOVERED_FPS && frozenShare < RECOVERED_FROZEN_SHARE) return 'good';
    return 'middling';
  }

  /** Sending at the lowest step and the uplink cannot carry even that. */
  private uplinkHopeless(now: VideoReading): boolean {
    return now.sendingVideo && this.level === SEND_LEVELS.length - 1 && now.uplinkKbps !== undefined && now.uplinkKbps < UPLINK_TOO_WEAK_KBPS;
  }

  private adaptUplink(now: VideoReading): void {
    if (!now.sendingVideo) {
      this.sendingSince = null;
      this.shortSince = null;
      this.roomySince = null;
      return;
    }
    this.sendingSince ??= now.at;
    if (now.at - this.sendingSince < RAMP_UP_MS) return;
    const capKbps = SEND_LEVELS[this.level]!.maxBitrate / 1000;
    const limited = now.sendLimitedBy === 'bandwidth' || now.sendLimitedBy === 'cpu';
    const short = limited || (now.uplinkKbps !== undefined && now.uplinkKbps < capKbps);
    if (short) {
      this.roomySince = null;
      this.shortSince ??= now.at;
      if (now.at - this.shortSince >= STEP_DOWN_AFTER_MS && this.level < SEND_LEVELS.length - 1) {
        // A step up that did not hold: wait twice as long before the next one.
        if (this.steppedUpAt !== null && now.at - this.steppedUpAt < STEP_UP_HELD_MS) this.stepUpAfterMs = Math.min(MAX_STEP_UP_AFTER_MS, this.stepUpAfterMs * 2);
        this.level += 1;
        this.shortSince = null;
        this.steppedUpAt = null;
      }
      return;
    }
    this.shortSince = null;
    if (this.level === 0) return;
    // Room for the step above: the estimate carries it with a margin.
    const aboveKbps = SEND_LEVELS[this.level - 1]!.maxBitrate / 1000;
    if (now.uplinkKbps === undefined || now.uplinkKbps < aboveKbps * 1.2) {
      this.roomySince = null;
      return;
    }
    this.roomySince ??= now.at;
    if (now.at - this.roomySince >= this.stepUpAfterMs) {
      this.level -= 1;
      this.roomySince = null;
      this.steppedUpAt = now.at;
    }
  }
}

/**
 * The numbers VideoAdvisor reads, from the receive transport's report and the send transport's (either may be
 * missing). Chromium gives freezes (`totalFreezesDuration`) and the encoder's limitation; other browsers may not,
 * and then only what they give counts.
 */
export function readVideoStats(recv: RTCStatsReport | undefined, send: RTCStatsReport | undefined): Pick<VideoReading, 'framesDecoded' | 'frozenSeconds' | 'uplinkKbps' | 'sendLimitedBy'> {
  let framesDecoded = 0;
  let frozenSeconds = 0;
  recv?.forEach((s: Record<string, unknown>) => {
    if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
    framesDecoded += Number(s.framesDecoded ?? 0);
    frozenSeconds += Number(s.totalFreezesDuration ?? 0);
  });
  let uplinkKbps: number | undefined;
  let sendLimitedBy: string | undefined;
  send?.forEach((s: Record<string, unknown>) => {
    if (s.type === 'candidate-pair' && s.nominated && typeof s.availableOutgoingBitrate === 'number') uplinkKbps = s.availableOutgoingBitrate / 1000;
    if (s.type === 'outbound-rtp' && s.kind === 'video' && typeof s.qualityLimitationReason === 'string') sendLimitedBy = s.qualityLimitationReason;
  });
  return { framesDecoded, frozenSeconds, ...(uplinkKbps !== undefined ? { uplinkKbps } : {}), ...(sendLimitedBy !== undefined ? { sendLimitedBy } : {}) };
}
