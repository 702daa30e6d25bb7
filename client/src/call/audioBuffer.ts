/**
 * Sound on a lossy line, on the receiving side. The media server keeps what it sends for a moment and sends a lost
 * packet again when the browser asks (NACK, negotiated for Opus). The browser plays sound after a short jitter buffer,
 * usually shorter than a round trip on a poor mobile line, so a packet sent again comes too late and the gap is
 * concealed (a click, a dropped syllable). On bad 3G (3 % loss) that is about 5 % of the sound.
 *
 * When the line loses packets, the buffer is made long enough for a packet to be asked for and sent again (the round
 * trip and a margin; `RTCRtpReceiver.jitterBufferTarget`): measured on bad 3G, the concealed share halves (5.0–5.7 % →
 * 2.5 %). It costs that much delay in the conversation, so it is done only while the line loses packets, and undone
 * once it has been clean for a while.
 *
 * Pure: it reads the receive transport's WebRTC stats (`readAudioStats`) every few seconds and says which buffer to
 * ask for (milliseconds, or null for the browser's own); the engine sets it. `reset()` when the transports are replaced.
 */

/** A window losing this share of its packets or more is lossy. */
export const LOSSY_SHARE = 0.015;
/** A window losing less than this share is clean. */
export const CLEAN_SHARE = 0.005;
/** Lossy windows in a row before the buffer grows: one bad moment is not a lossy line. */
const LOSSY_WINDOWS = 2;
/** Clean time before the buffer goes back to the browser's own. */
const CLEAN_FOR_MS = 30_000;
/** Room beyond the round trip for the request and the resent packet to be handled. */
const MARGIN_MS = 80;
/** Never less (a round trip is not always measured) and never more (a conversation with a long delay is a poor one). */
const MIN_TARGET_MS = 200;
const MAX_TARGET_MS = 450;
/** A new round trip changes the target only when it moves it this much: each change is heard. */
const RETARGET_MS = 60;

/** One reading of the receive transport's sound. */
export interface AudioReading {
  /** performance.now() of the reading. */
  at: number;
  /** Totals over the inbound audio streams. */
  packetsReceived: number;
  packetsLost: number;
  /** Round trip to the media server (ms), when measured. */
  rttMs?: number;
}

export interface AudioAdvice {
  /** The jitter buffer to ask for, in ms; null: the browser's own. */
  targetMs: number | null;
  /** The target differs from the last advice: set it now. */
  changed: boolean;
}

export class AudioBufferAdvisor {
  private last: AudioReading | null = null;
  private lossyWindows = 0;
  private cleanSince: number | null = null;
  private target: number | null = null;

  read(reading: AudioReading): AudioAdvice {
    const before = this.target;
    const last = this.last;
    this.last = reading;
    if (last) {
      const received = reading.packetsReceived - last.packetsReceived;
      const lost = Math.max(0, reading.packetsLost - last.packetsLost);
      const expected = received + lost;
      // A stream that restarted (counters went back) or a window without sound says nothing about the line.
      if (received >= 0 && expected > 0) this.judge(lost / expected, reading);
    }
    return { targetMs: this.target, changed: this.target !== before };
  }

  private judge(lostShare: number, reading: AudioReading): void {
    if (lostShare >= LOSSY_SHARE) {
      this.lossyWindows += 1;
      this.cleanSince = null;
      if (this.lossyWindows >= LOSSY_WINDOWS) {
        const wanted = Math.min(MAX_TARGET_MS, Math.max(MIN_TARGET_MS, Math.round((reading.rttMs ?? 0) + MARGIN_MS)));
        if (this.target === null || Math.abs(wanted - this.target) >= RETARGET_MS) this.target = wanted;
      }
      return;
    }
    this.lossyWindows = 0;
    if (lostShare >= CLEAN_SHARE) {
      this.cleanSince = null;
      return;
    }
    this.cleanSince ??= reading.at;
    if (this.target !== null && reading.at - this.cleanSince >= CLEAN_FOR_MS) this.target = null;
  }

  /** The transports were replaced (a rejoin): counters start again; the buffer stays until the new line is judged. */
  reset(): void {
    this.last = null;
    this.lossyWindows = 0;
    this.cleanSince = null;
  }

  get targetMs(): number | null {
    return this.target;
  }
}

/** The receive transport's sound, from its WebRTC stats: packets over the inbound audio streams, and the round trip. */
export function readAudioStats(recv: RTCStatsReport | undefined): Omit<AudioReading, 'at'> {
  let packetsReceived = 0;
  let packetsLost = 0;
  let rttMs: number | undefined;
  recv?.forEach((s: Record<string, unknown>) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      packetsReceived += Number(s.packetsReceived ?? 0);
      packetsLost += Number(s.packetsLost ?? 0);
    }
    if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') rttMs = s.currentRoundTripTime * 1000;
  });
  return { packetsReceived, packetsLost, ...(rttMs !== undefined ? { rttMs } : {}) };
}
