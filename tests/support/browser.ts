/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with a fake camera and microphone and no calls to Google. Every picture is encoded and
 * decoded in software, so the tests' camera is small: 320×240 at `cameraFps` frames a second (15 by default: a
 * cheap webcam's rate, and well clear of the call screen's "the picture stutters" line at 5 a second, which a busy
 * machine would otherwise cross; tests about frame rates ask for more). Benchmarks ask for `camera: 'vga'`,
 * Chromium's own 640×480, what they measure at.
 */
export function launchChromium(options: { cameraFps?: number; camera?: 'small' | 'vga'; args?: string[] } = {}): Promise<Browser> {
  const fps = options.cameraFps ?? 15;
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      `--use-fake-device-for-media-stream=fps=${fps}`,
      ...(options.camera === 'vga' ? [] : [`--use-file-for-fake-video-capture=${smallCameraFile(fps)}`]),
      '--use-fake-ui-for-media-stream',
      // Software compositing without the emulated GPU: the same pictures for a tenth less of the machine.
      '--disable-gpu',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(options.args ?? []),
    ],
  });
}

/**
 * The small fake camera: a bar moving across a grey field, 320×240, two seconds looped (Chromium loops the file). A
 * quarter of the pixels of Chromium's own fake camera, so a quarter of the encoding and decoding; every test still sees
 * a moving picture. Written once into the temporary folder, shared by every test process.
 */
function smallCameraFile(fps: number): string {
  const [width, height, frames] = [320, 240, 2 * fps];
  const file = path.join(os.tmpdir(), `naervaer-camera-${width}x${height}-${fps}fps.y4m`);
  if (fs.existsSync(file)) return file;
  const chunks: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (let frame = 0; frame < frames; frame++) {
    const luma = Buffer.alloc(width * height, 110);
    const barLeft = Math.floor((frame / frames) * (width - 40));
    for (let y = 0; y < height; y++) luma.fill(220, y * width + barLeft, y * width + barLeft + 40);
    chunks.push(Buffer.from('FRAME\n'), luma, Buffer.alloc((width / 2) * (height / 2) * 2, 128));
  }
  // Written aside and renamed: another test process may be reading the file already.
  const partial = `${file}.${process.pid}`;
  fs.writeFileSync(partial, Buffer.concat(chunks));
  fs.renameSync(partial, file);
  return file;
}

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi: a second WebRTC stack (and a second
 * mediasoup-client handler) so the product is not tuned to one browser. Fake camera and microphone, no permission
 * prompt. Loopback ICE candidates stay ignored, as in every user's Firefox: media must reach a real address.
 */
export async function launchFirefox(): Promise<import('puppeteer-core').Browser> {
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    protocol: 'webDriverBiDi',
    headless: true,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      // remote audio plays without a click, as it does for a user who tapped "Deltag"
      'media.autoplay.default': 0,
      'intl.accept_languages': 'da-DK, da',
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
    },
  });
}

// --- What a page's call screen receives, read from WebRTC itself (the product has no test hook) ---

/** Kept by installCallProbe in every page. */
export interface CallProbe {
  /** Every RTCPeerConnection the page made (mediasoup-client makes one per transport), closed ones included. */
  connections: RTCPeerConnection[];
  /** Signalling requests sent with an acknowledgement (socket.io event packets carrying an ack id). */
  signalRequests: number;
}

declare global {
  interface Window {
    callProbe?: CallProbe;
  }
}

/**
 * Runs in every page before its own scripts (Playwright's addInitScript, puppeteer's evaluateOnNewDocument): wraps
 * RTCPeerConnection to keep the instances, and counts acknowledged signalling requests. Self-contained: the browser
 * gets its source text.
 */
export function installCallProbe(): void {
  const probe: CallProbe = { connections: [], signalRequests: 0 };
  const Native = window.RTCPeerConnection;
  // Anonymous on purpose: a runner that keeps function names (tsx) would add a helper call the page does not have.
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      probe.connections.push(this);
    }
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string' && /^42\d+\[/.test(data)) probe.signalRequests += 1;
    return send.call(this, data);
  };
  window.callProbe = probe;
}

export interface ReceiveStats {
  video: { framesDecoded: number; packetsReceived: number };
  audio: { packetsReceived: number };
}

/**
 * In the page: totals of what it receives, per kind, over its open peer connections (after a rejoin or the end of the
 * call, the old transports' connections are closed and count no more).
 */
export async function readReceiveStats(): Promise<ReceiveStats> {
  const totals = { video: { framesDecoded: 0, packetsReceived: 0 }, audio: { packetsReceived: 0 } };
  const open = (window.callProbe?.connections ?? []).filter((pc) => pc.signalingState !== 'closed');
  for (const pc of open) {
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        totals.video.framesDecoded += Number(s.framesDecoded ?? 0);
        totals.video.packetsReceived += Number(s.packetsReceived ?? 0);
      } else if (s.kind === 'audio') totals.audio.packetsReceived += Number(s.packetsReceived ?? 0);
    });
  }
  return totals;
}

/** In the page: the media server address its receiving connection talks to (the selected ICE pair's remote end). */
export async function readMediaServerAddress(): Promise<string | undefined> {
  const open = (window.callProbe?.connections ?? []).filter((pc) => pc.signalingState !== 'closed');
  for (const pc of open) {
    const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
    if (!stats.some((s) => s.type === 'inbound-rtp')) continue;
    // The transport names its selected pair; a pair's `nominated` flag can lag behind it for a moment.
    const selectedId = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId)?.selectedCandidatePairId;
    const pair = stats.find((s) => s.type === 'candidate-pair' && (selectedId ? s.id === selectedId : s.nominated && s.state === 'succeeded'));
    const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
    return (remote?.address ?? remote?.ip) as string | undefined;
  }
  return undefined;
}
