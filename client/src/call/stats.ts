import type { ClientMessage } from '../../../protocol/signalling.js';

/** 'none': media is expected from someone in the call and none has arrived. */
export type Quality = 'good' | 'fair' | 'poor' | 'none' | 'unknown';

/** How long after media is first expected the call screen says that nothing comes through (checked every 3 s). */
export const NO_MEDIA_AFTER_MS = 9_000;
/**
 * Media that came and then stopped while the other side still sends it, for this long: restart ICE. The path can look
 * alive — the browser's consent checks are answered, so the browser sees nothing wrong — while the media server sends
 * to an address that is gone: the phone changed network, or its NAT mapping changed.
 */
export const STALL_RESTART_MS = 4_000;
/**
 * Still stalled this long after the ICE restart: join again with new transports. mediasoup, once its ICE is
 * 'completed', moves to a new path only on renomination, which Chromium does not send; new transports start from
 * 'new' and take the first path that works. The same rebuild as after a media worker's death.
 *
 * When the media server keeps answering this device's consent checks all through the stall, the path is alive and it
 * is the media server that sends to an address that is gone (the phone's NAT mapping or network changed under it):
 * an ICE restart cannot move it, so the rejoin comes at once, in place of the restart. A stall with no answers (an
 * outage) gets the restart, which takes the old path back as soon as it returns.
 */
export const STALL_REJOIN_MS = 5_000;

/** What one reading of the transports' stats says. */
export interface Verdict {
  quality: Quality;
  /** 'arrived': new bytes came in; 'missing': media is expected and none has ever arrived since this join. */
  media: 'arrived' | 'missing' | null;
  /** The first 'missing' of this join: record it in the session log (once per join). */
  reportNoMedia: boolean;
  /** Media stopped while it is still being sent: what to do about it now (STALL_RESTART_MS, STALL_REJOIN_MS). */
  recover: 'restart-ice' | 'rejoin' | null;
  /** For the session log's running averages. */
  sample: ClientMessage<'quality'>;
}

/**
 * Call quality as the user experiences it, from the WebRTC stats of this device's transports, read every few
 * seconds. Counters are per join: `reset()` when the transports are replaced.
 */
export class QualityMonitor {
  private lastBytes = { at: 0, bytes: 0 };
  /** Bytes received so far per inbound RTP stream of the current receive transport. */
  private readonly inboundBytes = new Map<string, number>();
  /** Since this join: when media was first expected, whether any arrived, whether `noMedia` was reported. */
  private watch: { expectedSince: number | null; arrived: boolean; reported: boolean } = { expectedSince: null, arrived: false, reported: false };
  /**
   * Since when media that had arrived has stopped while expected, when ICE was last restarted for it, and how many
   * consent checks had been answered when it stopped.
   */
  private stall: { since: number | null; restartedAt: number | null; answersAtStart: number } = { since: null, restartedAt: null, answersAtStart: 0 };

  reset(): void {
    this.inboundBytes.clear();
    this.lastBytes = { at: 0, bytes: 0 };
    this.watch = { expectedSince: null, arrived: false, reported: false };
    this.stall = { since: null, restartedAt: null, answersAtStart: 0 };
  }

  /**
   * Reads the reports (receive transport first) at `now`. `expectingMedia`: someone in the call sends media this
   * device should be receiving (muted and camera-off senders legitimately send nothing).
   */
  read(reports: RTCStatsReport[], now: number, expectingMedia: boolean): Verdict {
    let rtt: number | undefined;
    let lost = 0;
    let received = 0;
    let bytes = 0;
    let receiving = false;
    let answers = 0;
    for (const report of reports) {
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') rtt = s.currentRoundTripTime * 1000;
        if (s.type === 'candidate-pair' && s.nominated) answers += Number(s.responsesReceived ?? 0);
        if (s.type === 'inbound-rtp') {
          lost += Number(s.packetsLost ?? 0);
          received += Number(s.packetsReceived ?? 0);
          const streamBytes = Number(s.bytesReceived ?? 0);
          bytes += streamBytes;
          if (streamBytes > (this.inboundBytes.get(String(s.id)) ?? 0)) receiving = true;
          this.inboundBytes.set(String(s.id), streamBytes);
        }
      });
    }
    const bitrateKbps = this.lastBytes.at ? Math.max(0, ((bytes - this.lastBytes.bytes) * 8) / (now - this.lastBytes.at)) : undefined;
    this.lastBytes = { at: now, bytes };
    const packetLossPct = received + lost > 0 ? (lost / (received + lost)) * 100 : undefined;
    const sample: ClientMessage<'quality'> = {};
    if (rtt !== undefined) sample.rttMs = Math.min(60_000, rtt);
    if (packetLossPct !== undefined) sample.packetLossPct = packetLossPct;
    if (bitrateKbps !== undefined) sample.bitrateKbps = Math.min(100_000, bitrateKbps);
    return { ...this.judge(now, receiving, expectingMedia, rtt, packetLossPct), recover: this.recovery(now, receiving, expectingMedia, answers), sample };
  }

  /**
   * What a stall calls for: media arrived once, is expected, and has stopped — first an ICE restart, then a rejoin;
   * the rejoin at once when the media server answered consent checks all along (STALL_REJOIN_MS).
   */
  private recovery(now: number, receiving: boolean, expectingMedia: boolean, answers: number): Verdict['recover'] {
    const stall = this.stall;
    if (receiving || !expectingMedia || !this.watch.arrived) {
      this.stall = { since: null, restartedAt: null, answersAtStart: answers };
      return null;
    }
    stall.since ??= now;
    if (stall.restartedAt === null) {
      if (now - stall.since < STALL_RESTART_MS) return null;
      if (answers > stall.answersAtStart) return 'rejoin';
      stall.restartedAt = now;
      return 'restart-ice';
    }
    // The rejoin resets this monitor (a new join), so it is asked for once per stall.
    return now - stall.restartedAt >= STALL_REJOIN_MS ? 'rejoin' : null;
  }

  /**
   * A round trip time alone says the path is alive, not that picture and sound arrive: while media is expected, no
   * new bytes means 'none' (never arrived) or 'poor' (stopped).
   */
  private judge(now: number, receiving: boolean, expectingMedia: boolean, rtt: number | undefined, packetLossPct: number | undefined): Omit<Verdict, 'sample' | 'recover'> {
    const watch = this.watch;
    if (receiving) watch.arrived = true;
    const media = receiving ? 'arrived' : null;
    if (expectingMedia) {
      watch.expectedSince ??= now;
      if (!receiving) {
        if (watch.arrived) return { quality: 'poor', media, reportNoMedia: false };
        if (now - watch.expectedSince < NO_MEDIA_AFTER_MS) return { quality: 'unknown', media, reportNoMedia: false };
        const reportNoMedia = !watch.reported;
        watch.reported = true;
        return { quality: 'none', media: 'missing', reportNoMedia };
      }
    } else {
      watch.expectedSince = null;
    }
    if (rtt === undefined) return { quality: 'unknown', media, reportNoMedia: false };
    if (rtt > 400 || (packetLossPct ?? 0) > 8) return { quality: 'poor', media, reportNoMedia: false };
    if (rtt > 200 || (packetLossPct ?? 0) > 3) return { quality: 'fair', media, reportNoMedia: false };
    return { quality: 'good', media, reportNoMedia: false };
  }
}
