/**
 * Video that adapts to the network, the device's side (client/src/call/adapt.ts): the camera steps down on a weak
 * uplink and back up with caution, and sound only is suggested when the picture cannot be had — once, and not again
 * soon after a "no". Readings carry their own timestamps, three seconds apart as the call screen takes them: the
 * rules are about the schedule, not the clock.
 */
import { describe, expect, it } from 'vitest';
import { ASK_AGAIN_AFTER_MS, readVideoStats, SEND_LEVELS, SUGGEST_AFTER_MS, VideoAdvisor, type VideoReading } from '../client/src/call/adapt.js';

const EVERY = 3000;

/** A call seen every three seconds: `fps` decoded frames a second arriving, the uplink estimate, what limits the encoder. */
function feed(advisor: VideoAdvisor, from: number, seconds: number, state: { fps?: number; frozenShare?: number; uplinkKbps?: number; limitedBy?: string; sending?: boolean; expecting?: boolean }, totals = { frames: 0, frozen: 0 }) {
  const advice = [];
  for (let at = from; at < from + seconds * 1000; at += EVERY) {
    totals.frames += (state.fps ?? 25) * (EVERY / 1000);
    totals.frozen += (state.frozenShare ?? 0) * (EVERY / 1000);
    const reading: VideoReading = {
      at, expectingVideo: state.expecting ?? true, framesDecoded: totals.frames, frozenSeconds: totals.frozen, sendingVideo: state.sending ?? true,
      ...(state.uplinkKbps !== undefined ? { uplinkKbps: state.uplinkKbps } : {}), ...(state.limitedBy ? { sendLimitedBy: state.limitedBy } : {}),
    };
    advice.push({ at, ...advisor.read(reading) });
  }
  return advice;
}

describe('the camera on a weak uplink', () => {
  it('stays at 640×480 on a good network, also while the estimate climbs over the first seconds', () => {
    const advisor = new VideoAdvisor();
    const start = feed(advisor, 0, 9, { uplinkKbps: 300, limitedBy: 'bandwidth' });
    const after = feed(advisor, 9000, 120, { uplinkKbps: 2500, limitedBy: 'none' });
    expect([...start, ...after].every((a) => a.sendLevelIndex === 0 && !a.changed)).toBe(true);
  });

  it('steps down when the uplink cannot carry the step, one step at a time, to 160×120 at 15 frames a second', () => {
    const advisor = new VideoAdvisor();
    feed(advisor, 0, 12, { uplinkKbps: 2000 });
    const weak = feed(advisor, 12_000, 30, { uplinkKbps: 90, limitedBy: 'bandwidth' });
    const changes = weak.filter((a) => a.changed);
    expect(changes.map((a) => a.sendLevelIndex)).toEqual([1, 2]);
    expect(changes[1]!.at - changes[0]!.at).toBeGreaterThanOrEqual(5000);
    expect(weak.at(-1)!.sendLevel).toEqual({ maxBitrate: 120_000, scaleResolutionDownBy: 4, maxFramerate: 15 });
  });

  it('also steps down when the encoder is held back by the phone’s processor', () => {
    const advisor = new VideoAdvisor();
    feed(advisor, 0, 12, { uplinkKbps: 2000 });
    expect(feed(advisor, 12_000, 9, { uplinkKbps: 2000, limitedBy: 'cpu' }).some((a) => a.changed && a.sendLevelIndex === 1)).toBe(true);
  });

  it('steps back up only after the uplink has had room for a while, and waits twice as long after a step up that did not hold', () => {
    const advisor = new VideoAdvisor();
    feed(advisor, 0, 12, { uplinkKbps: 2000 });
    feed(advisor, 12_000, 9, { uplinkKbps: 200 }); // down to 320×240
    expect(advisor.sendLevelIndex).toBe(1);
    // Room again: back to full only after 20 s of it.
    const room = feed(advisor, 21_000, 30, { uplinkKbps: 2000 });
    const up = room.find((a) => a.changed)!;
    expect(up.sendLevelIndex).toBe(0);
    expect(up.at - 21_000).toBeGreaterThanOrEqual(20_000);
    // It did not hold: down again at once; the next step up waits 40 s.
    const failed = feed(advisor, up.at + EVERY, 9, { uplinkKbps: 300 });
    expect(failed.some((a) => a.changed && a.sendLevelIndex === 1)).toBe(true);
    const again = feed(advisor, up.at + 12_000, 60, { uplinkKbps: 2000 });
    const second = again.find((a) => a.changed)!;
    expect(second.at - (up.at + 12_000)).toBeGreaterThanOrEqual(40_000);
  });

  it('does nothing while the camera is off or sound only is on', () => {
    const advisor = new VideoAdvisor();
    expect(feed(advisor, 0, 60, { uplinkKbps: 50, limitedBy: 'bandwidth', sending: false }).some((a) => a.changed)).toBe(false);
  });
});

describe('suggesting sound only', () => {
  it('when the picture that arrives is too few frames, after a while — not at the first bad reading', () => {
    const advisor = new VideoAdvisor();
    feed(advisor, 0, 30, { fps: 25, uplinkKbps: 2000 });
    const bad = feed(advisor, 30_000, 24, { fps: 2, uplinkKbps: 2000 });
    const first = bad.find((a) => a.suggestAudioOnly)!;
    expect(first.at - 30_000).toBeGreaterThanOrEqual(SUGGEST_AFTER_MS);
    expect(bad.at(-1)!.suggestAudioOnly).toBe(true);
  });

  it('when the picture is frozen a third of the time or more', () => {
    const advisor = new VideoAdvisor();
    expect(feed(advisor, 0, 30, { fps: 20, frozenShare: 0.5, uplinkKbps: 2000 }).at(-1)!.suggestAudioOnly).toBe(true);
  });

  it('when even the lowest step cannot be sent', () => {
    const advisor = new VideoAdvisor();
    feed(advisor, 0, 12, { uplinkKbps: 2000 });
    const weak = feed(advisor, 12_000, 45, { uplinkKbps: 60, limitedBy: 'bandwidth' });
    expect(advisor.sendLevelIndex).toBe(SEND_LEVELS.length - 1);
    expect(weak.at(-1)!.suggestAudioOnly).toBe(true);
  });

  it('keeps the offer while the picture hovers just above the line, and withdraws it when the picture is clearly back', () => {
    const advisor = new VideoAdvisor();
    const totals = { frames: 0, frozen: 0 };
    expect(feed(advisor, 0, 30, { fps: 1 }, totals).at(-1)!.suggestAudioOnly).toBe(true);
    expect(feed(advisor, 30_000, 30, { fps: 7 }, totals).every((a) => a.suggestAudioOnly)).toBe(true);
    expect(feed(advisor, 60_000, 15, { fps: 25 }, totals).at(-1)!.suggestAudioOnly).toBe(false);
  });

  it('never while no video is expected (their camera is off, or sound only is already on)', () => {
    const advisor = new VideoAdvisor();
    expect(feed(advisor, 0, 60, { fps: 0, expecting: false }).some((a) => a.suggestAudioOnly)).toBe(false);
  });

  it('after "keep the picture", not again for five minutes; then again if it is still bad', () => {
    const advisor = new VideoAdvisor();
    const totals = { frames: 0, frozen: 0 };
    const asked = feed(advisor, 0, 15, { fps: 1 }, totals).find((a) => a.suggestAudioOnly)!;
    advisor.decline(asked.at);
    const quiet = feed(advisor, 15_000, (ASK_AGAIN_AFTER_MS - 15_000) / 1000 - 3, { fps: 1 }, totals);
    expect(quiet.some((a) => a.suggestAudioOnly)).toBe(false);
    expect(feed(advisor, ASK_AGAIN_AFTER_MS + asked.at, 15, { fps: 1 }, totals).at(-1)!.suggestAudioOnly).toBe(true);
  });
});

describe('reading the browser’s numbers', () => {
  it('sums decoded frames and freezes over the inbound video streams, and takes the send path’s estimate and limitation', () => {
    const recv = new Map<string, Record<string, unknown>>([
      ['v1', { type: 'inbound-rtp', kind: 'video', framesDecoded: 100, totalFreezesDuration: 1.5 }],
      ['v2', { type: 'inbound-rtp', kind: 'video', framesDecoded: 50, totalFreezesDuration: 0.5 }],
      ['a', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 900 }],
    ]) as unknown as RTCStatsReport;
    const send = new Map<string, Record<string, unknown>>([
      ['p', { type: 'candidate-pair', nominated: true, availableOutgoingBitrate: 320_000 }],
      ['o', { type: 'outbound-rtp', kind: 'video', qualityLimitationReason: 'bandwidth' }],
    ]) as unknown as RTCStatsReport;
    expect(readVideoStats(recv, send)).toEqual({ framesDecoded: 150, frozenSeconds: 2, uplinkKbps: 320, sendLimitedBy: 'bandwidth' });
    expect(readVideoStats(undefined, undefined)).toEqual({ framesDecoded: 0, frozenSeconds: 0 });
  });
});
