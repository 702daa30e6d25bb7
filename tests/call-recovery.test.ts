/**
 * What the call screen does when media stops while the other side still sends it (client/src/call/stats.ts): after
 * STALL_RESTART_MS an ICE restart, STALL_REJOIN_MS later a rejoin with new transports, once per stall (the rejoin at
 * once when the media server answered consent checks all through the stall) — and nothing
 * while media flows, while nothing is expected (the other's camera and microphone are off), or before media ever came.
 * Readings are fed with their own timestamps: the rule is about the schedule, not the clock.
 */
import { describe, expect, it } from 'vitest';
import { QualityMonitor, STALL_REJOIN_MS, STALL_RESTART_MS } from '../client/src/call/stats.js';

/**
 * One receive transport's stats with this many bytes received so far on one inbound stream, and this many of its
 * consent checks (STUN) answered by the media server on the selected pair.
 */
const reading = (bytes: number, answers = 0) => [new Map<string, Record<string, unknown>>([
  ['in', { type: 'inbound-rtp', id: 'in', kind: 'video', bytesReceived: bytes, packetsReceived: bytes / 100, packetsLost: 0 }],
  ['pair', { type: 'candidate-pair', id: 'pair', nominated: true, currentRoundTripTime: 0.02, responsesReceived: answers }],
])] as unknown as RTCStatsReport[];

function run(monitor: QualityMonitor, steps: { at: number; bytes: number; expecting?: boolean; answers?: number }[]) {
  return steps.map(({ at, bytes, expecting = true, answers = 0 }) => monitor.read(reading(bytes, answers), at, expecting).recover);
}

describe('recovering a stalled call', () => {
  it('restarts ICE after the media has stood still for a while, then joins again if that did not help', () => {
    const monitor = new QualityMonitor();
    const stopped = 3000;
    expect(run(monitor, [
      { at: 0, bytes: 1000 },
      { at: stopped, bytes: 2000 }, // last bytes
      { at: stopped + 3000, bytes: 2000 }, // stalled since here
      { at: stopped + 3000 + STALL_RESTART_MS - 1, bytes: 2000 },
      { at: stopped + 3000 + STALL_RESTART_MS, bytes: 2000 },
      { at: stopped + 3000 + STALL_RESTART_MS + STALL_REJOIN_MS - 1, bytes: 2000 },
      { at: stopped + 3000 + STALL_RESTART_MS + STALL_REJOIN_MS, bytes: 2000 },
    ])).toEqual([null, null, null, null, 'restart-ice', null, 'rejoin']);
  });

  it('joins again at once when the media server answers consent checks all through the stall (it sends to a gone address)', () => {
    // A network switch behind NAT: the path answers, the media goes to the old address; an ICE restart cannot move it.
    const monitor = new QualityMonitor();
    expect(run(monitor, [
      { at: 0, bytes: 1000, answers: 10 },
      { at: 3000, bytes: 2000, answers: 11 }, // last bytes
      { at: 6000, bytes: 2000, answers: 12 },
      { at: 6000 + STALL_RESTART_MS, bytes: 2000, answers: 14 },
    ])).toEqual([null, null, null, 'rejoin']);
    // An outage: no answers while it lasts, so the ICE restart (which takes the old path back when it returns).
    const outage = new QualityMonitor();
    expect(run(outage, [
      { at: 0, bytes: 1000, answers: 10 },
      { at: 3000, bytes: 2000, answers: 11 },
      { at: 6000, bytes: 2000, answers: 11 },
      { at: 6000 + STALL_RESTART_MS, bytes: 2000, answers: 11 },
    ])).toEqual([null, null, null, 'restart-ice']);
  });

  it('does nothing more once the media flows again after the ICE restart', () => {
    const monitor = new QualityMonitor();
    expect(run(monitor, [
      { at: 0, bytes: 1000 },
      { at: 1000, bytes: 1000 },
      { at: 1000 + STALL_RESTART_MS, bytes: 1000 },
      { at: 2000 + STALL_RESTART_MS, bytes: 5000 }, // back
      { at: 2000 + STALL_RESTART_MS + STALL_REJOIN_MS, bytes: 9000 },
    ])).toEqual([null, null, 'restart-ice', null, null]);
  });

  it('never acts while nothing is expected, or before any media arrived (that is the "no media" notice, not a stall)', () => {
    const quiet = new QualityMonitor();
    expect(run(quiet, [0, 10_000, 20_000, 30_000].map((at, i) => ({ at, bytes: i === 0 ? 1000 : 1000, expecting: i === 0 })))).toEqual([null, null, null, null]);
    const never = new QualityMonitor();
    expect(run(never, [0, 10_000, 20_000, 30_000].map((at) => ({ at, bytes: 0 })))).toEqual([null, null, null, null]);
  });

  it('starts counting again after a rejoin (a new join resets the monitor)', () => {
    const monitor = new QualityMonitor();
    run(monitor, [{ at: 0, bytes: 1000 }, { at: 1000, bytes: 1000 }]);
    monitor.reset();
    expect(run(monitor, [{ at: 2000, bytes: 0 }, { at: 2000 + STALL_RESTART_MS + 1, bytes: 0 }])).toEqual([null, null]);
  });
});
