/**
 * Sound on a lossy line (client/src/call/audioBuffer.ts): the jitter buffer grows so that lost sound can be sent again
 * while the line loses packets, follows the round trip, and goes back to the browser's own once the line has been
 * clean for a while. Readings three seconds apart, as the call screen takes them: the rules are about the schedule.
 */
import { describe, expect, it } from 'vitest';
import { AudioBufferAdvisor, readAudioStats, type AudioAdvice } from '../client/src/call/audioBuffer.js';

const EVERY = 3000;
/** Opus sends 50 packets a second. */
const PER_WINDOW = 150;

/** `seconds` of sound read every three seconds, losing `lossShare` of it, with this round trip. */
function feed(advisor: AudioBufferAdvisor, from: number, seconds: number, lossShare: number, totals: { received: number; lost: number }, rttMs?: number): AudioAdvice[] {
  const advice: AudioAdvice[] = [];
  for (let at = from; at < from + seconds * 1000; at += EVERY) {
    const lost = Math.round(PER_WINDOW * lossShare);
    totals.lost += lost;
    totals.received += PER_WINDOW - lost;
    advice.push(advisor.read({ at, packetsReceived: totals.received, packetsLost: totals.lost, ...(rttMs !== undefined ? { rttMs } : {}) }));
  }
  return advice;
}

describe('the jitter buffer for sound on a lossy line', () => {
  it('stays the browser\'s own on a clean line and after one bad moment', () => {
    const advisor = new AudioBufferAdvisor();
    const totals = { received: 0, lost: 0 };
    expect(feed(advisor, 0, 30, 0, totals, 40).every((a) => a.targetMs === null && !a.changed)).toBe(true);
    // one window losing 4 %, then clean again
    expect(feed(advisor, 30_000, 3, 0.04, totals, 40).at(-1)!.targetMs).toBeNull();
    expect(feed(advisor, 33_000, 30, 0, totals, 40).every((a) => a.targetMs === null)).toBe(true);
  });

  it('grows to the round trip and a margin on a line losing 3 %, and changes once', () => {
    const advisor = new AudioBufferAdvisor();
    const totals = { received: 0, lost: 0 };
    const advice = feed(advisor, 0, 30, 0.03, totals, 300);
    const changes = advice.filter((a) => a.changed);
    expect(changes).toEqual([{ targetMs: 380, changed: true }]);
    // asked for after two lossy windows (the first reading only starts the counting), not at the first
    expect(advice[1]!.targetMs).toBeNull();
    expect(advice[2]!.targetMs).toBe(380);
  });

  it('keeps within its bounds whatever the round trip, and follows a round trip that moves far enough', () => {
    const short = new AudioBufferAdvisor();
    expect(feed(short, 0, 9, 0.03, { received: 0, lost: 0 }).at(-1)!.targetMs).toBe(200); // no round trip measured
    const long = new AudioBufferAdvisor();
    expect(feed(long, 0, 9, 0.03, { received: 0, lost: 0 }, 900).at(-1)!.targetMs).toBe(450);
    const moving = new AudioBufferAdvisor();
    const totals = { received: 0, lost: 0 };
    expect(feed(moving, 0, 9, 0.03, totals, 250).at(-1)!.targetMs).toBe(330);
    expect(feed(moving, 9_000, 9, 0.03, totals, 280).some((a) => a.changed)).toBe(false); // 30 ms: not worth a change
    expect(feed(moving, 18_000, 9, 0.03, totals, 350).at(-1)).toEqual({ targetMs: 430, changed: false });
  });

  it('goes back to the browser\'s own after 30 s clean, not before, and not while some loss goes on', () => {
    const advisor = new AudioBufferAdvisor();
    const totals = { received: 0, lost: 0 };
    feed(advisor, 0, 9, 0.03, totals, 300);
    expect(advisor.targetMs).toBe(380);
    // 1 % loss: neither lossy nor clean — the buffer stays
    expect(feed(advisor, 9_000, 60, 0.01, totals, 300).every((a) => a.targetMs === 380)).toBe(true);
    const clean = feed(advisor, 69_000, 36, 0, totals, 300);
    expect(clean.filter((a) => a.changed)).toEqual([{ targetMs: null, changed: true }]);
    expect(clean.findIndex((a) => a.changed)).toBe(10); // 30 s after the first clean reading
  });

  it('a rejoin starts the counters again and keeps the buffer until the new line is judged', () => {
    const advisor = new AudioBufferAdvisor();
    feed(advisor, 0, 9, 0.03, { received: 0, lost: 0 }, 300);
    advisor.reset();
    // new transports: counters from zero, a first reading is only a start
    expect(advisor.read({ at: 10_000, packetsReceived: 10, packetsLost: 0, rttMs: 300 })).toEqual({ targetMs: 380, changed: false });
    // counters that went back (a replaced stream) are not read as a clean or lossy window
    expect(advisor.read({ at: 13_000, packetsReceived: 5, packetsLost: 0, rttMs: 300 })).toEqual({ targetMs: 380, changed: false });
  });

  it('reads packets over the inbound sound streams and the round trip of the nominated pair', () => {
    const report = new Map<string, Record<string, unknown>>([
      ['a', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 900, packetsLost: 30 }],
      ['b', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 100, packetsLost: 2 }],
      ['v', { type: 'inbound-rtp', kind: 'video', packetsReceived: 5000, packetsLost: 400 }],
      ['p', { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.31 }],
      ['q', { type: 'candidate-pair', nominated: false, currentRoundTripTime: 2 }],
    ]);
    expect(readAudioStats(report as unknown as RTCStatsReport)).toEqual({ packetsReceived: 1000, packetsLost: 32, rttMs: 310 });
    expect(readAudioStats(undefined)).toEqual({ packetsReceived: 0, packetsLost: 0 });
  });
});
