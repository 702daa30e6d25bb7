/**
 * What the call screen does when media stops while the other side still sends it (client/src/call/stats.ts): after
 * STALL_RESTART_MS an ICE restart, STALL_REJOIN_MS later a rejoin with new transports, once per stall — and nothing
 * while media flows, while nothing is expected (the other's camera and microphone are off), or before media ever came.
 * Readings are fed with their own timestamps: the rule is about the schedule, not the clock.
 */
import { describe, expect, it } from 'vitest';
import { QualityMonitor, STALL_REJOIN_MS, STALL_RESTART_MS } from '../client/src/call/stats.js';

/** One receive transport's stats with this many bytes received so far on one inbound stream. */
const reading = (bytes: number) => [new Map([['in', { type: 'inbound-rtp', id: 'in', kind: 'video', bytesReceived: bytes, packetsReceived: bytes / 100, packetsLost: 0 }]])] as unknown as RTCStatsReport[];

function run(monitor: QualityMonitor, steps: { at: number; bytes: number; expecting?: boolean }[]) {
  return steps.map(({ at, bytes, expecting = true }) => monitor.read(reading(bytes), at, expecting).recover);
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
