/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * What the call benchmarks watch inside a page, beside the call probe (tests/support/browser.ts): when decoded video
 * frames rise, on which of the page's peer connections, and which signalling requests the page sent when. Polled in
 * the page every 50 ms, so a timing is the product's time plus at most one poll.
 */
import type { Page } from 'playwright-core';

/** Decoded video frames rose on the page's connection number `connection` (its index in callProbe.connections). */
export interface FrameRise {
  at: number;
  connection: number;
}

/** A signalling request the page sent (socket.io event name), e.g. 'join' or 'restartIce'. */
export interface SignalSent {
  at: number;
  event: string;
}

interface FrameWatch {
  rises: FrameRise[];
  signals: SignalSent[];
}

declare global {
  interface Window {
    frameWatch?: FrameWatch;
  }
}

/** How often the page reads its connections' stats. */
export const POLL_MS = 50;

/**
 * Runs in every page before its own scripts (addInitScript, after installCallProbe). Times are Date.now(): the same
 * clock as the benchmark's process on this machine. Self-contained, and no named function values: the browser gets
 * its source text, and a runner that keeps names (tsx) would add a helper the page does not have.
 */
export function installFrameWatch(pollMs: number): void {
  const watch: FrameWatch = { rises: [], signals: [] };
  window.frameWatch = watch;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    // socket.io event packets: 42<ack id>["name",…]
    const event = typeof data === 'string' ? /^42\d*\["([A-Za-z]+)"/.exec(data)?.[1] : undefined;
    if (event) watch.signals.push({ at: Date.now(), event });
    return send.call(this, data);
  };
  void (async () => {
    const decodedBefore = new Map<RTCPeerConnection, number>();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      const connections = window.callProbe?.connections ?? [];
      for (let index = 0; index < connections.length; index++) {
        const pc = connections[index]!;
        if (pc.signalingState === 'closed') continue;
        let decoded = 0;
        (await pc.getStats()).forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') decoded += s.framesDecoded ?? 0;
        });
        if (decoded > (decodedBefore.get(pc) ?? 0)) watch.rises.push({ at: Date.now(), connection: index });
        decodedBefore.set(pc, decoded);
      }
      // A long run polls for many minutes: keep the last few thousand readings.
      if (watch.rises.length > 8000) watch.rises.splice(0, 4000);
    }
  })();
}

/** How many peer connections the page has made so far (closed ones included). */
export function connectionCount(page: Page): Promise<number> {
  return page.evaluate(() => window.callProbe!.connections.length);
}

/**
 * The first rise of decoded frames after `since` on a connection numbered `fromConnection` or later (a connection made
 * after some moment), waiting up to `timeoutMs`; undefined if none came.
 */
export async function firstRise(page: Page, since: number, fromConnection: number, timeoutMs: number): Promise<FrameRise | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rise = await page.evaluate(
      ([after, from]) => window.frameWatch!.rises.find((r) => r.at > after && r.connection >= from),
      [since, fromConnection] as const,
    );
    if (rise) return rise;
    if (Date.now() > deadline) return undefined;
    await page.waitForTimeout(100);
  }
}

/** The signalling requests the page sent between two moments. */
export function signalsBetween(page: Page, from: number, to: number): Promise<SignalSent[]> {
  return page.evaluate(([a, b]) => window.frameWatch!.signals.filter((s) => s.at >= a && s.at <= b), [from, to] as const);
}
