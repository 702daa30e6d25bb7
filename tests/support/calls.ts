/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import type { Ack, RoomState } from '../../protocol/signalling.js';
import { SESSION_COOKIE } from '../../server/auth/auth.js';
import { installCallProbe, readReceiveStats, type ReceiveStats } from './browser.js';
import type { Harness, Org } from './harness.js';

/** A browser context already signed in with the given session cookie value; its pages carry the call probe. */
export async function signedInContext(browser: Browser, baseUrl: string, cookieHeader: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'da-DK', permissions: ['camera', 'microphone'], ...options });
  await context.addInitScript(installCallProbe);
  await context.addCookies([{ name: SESSION_COOKIE, value: cookieHeader.split('=')[1]!, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

export async function citizenCookie(h: Harness, org: Org, workerCookie: string): Promise<string> {
  const link = await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie: workerCookie });
  const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(link.json().url).hash.slice(1) } });
  return `${SESSION_COOKIE}=${exchanged.cookies.find((c) => c.name === SESSION_COOKIE)!.value}`;
}

/** Totals of what this page receives, per kind, read from its peer connections' WebRTC stats. */
export function receiveStats(page: Page): Promise<ReceiveStats> {
  return page.evaluate(readReceiveStats);
}

/** Waits until this page decodes remote video (frames rising, a sized <video>) and receives audio packets. */
export async function expectMediaFlowing(page: Page, remoteVideos = 1, timeoutMs = 20_000): Promise<ReceiveStats> {
  const deadline = Date.now() + timeoutMs;
  let first: ReceiveStats | undefined;
  for (;;) {
    const stats = await receiveStats(page);
    const sized = await page.evaluate(() => [...document.querySelectorAll<HTMLVideoElement>('video.remote-video')].filter((v) => v.videoWidth > 0).length);
    if (first && stats.video.framesDecoded > first.video.framesDecoded + 5 && stats.audio.packetsReceived > first.audio.packetsReceived && sized >= remoteVideos) {
      return stats;
    }
    // Totals that fell: the page replaced a connection after `first` was read (a reconnection, another host), and
    // the new one's counts start again from zero. Compare with the new connection's own first reading.
    const replaced = first && (stats.video.framesDecoded < first.video.framesDecoded || stats.audio.packetsReceived < first.audio.packetsReceived);
    if ((!first || replaced) && stats.video.framesDecoded > 0) first = stats;
    if (Date.now() > deadline) throw new Error(`media not flowing on ${page.url()}: ${JSON.stringify({ first, stats, sized })}`);
    await page.waitForTimeout(500);
  }
}

/** True when no (or almost no) new video frames were decoded over the interval. */
export async function videoStopped(page: Page, intervalMs = 2000): Promise<boolean> {
  const before = await receiveStats(page);
  await page.waitForTimeout(intervalMs);
  const after = await receiveStats(page);
  return after.video.framesDecoded - before.video.framesDecoded <= 2;
}

/**
 * The worker starts a session from their caseload; the citizen passes the device check into the waiting room
 * (seeing nobody); the worker admits them. Returns how many remote tiles the waiting citizen could see (must be 0).
 */
export async function meetThroughWaitingRoom(worker: Page, citizen: Page, baseUrl: string): Promise<number> {
  await worker.goto(`${baseUrl}/people`); // Borgere: "Start video" on the citizen's row
  await worker.getByRole('button', { name: 'Start video' }).click();
  await worker.getByText('Ingen andre er med endnu.').waitFor();

  await citizen.goto(baseUrl);
  await citizen.getByRole('button', { name: 'Deltag' }).click();
  await citizen.getByRole('heading', { name: 'Tjek kamera og mikrofon' }).waitFor();
  await citizen.locator('video.preview').waitFor();
  await citizen.getByRole('button', { name: 'Deltag' }).click();
  await citizen.getByText('Vent et øjeblik. Din medarbejder lukker dig ind.').waitFor();
  const visibleWhileWaiting = await citizen.locator('figure.tile:not(.local)').count();

  await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).click();
  return visibleWhileWaiting;
}

let axeSource: string | undefined;

/** axe-core's WCAG 2.1 A/AA violations on the page (the context must bypass CSP: axe is injected inline). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Once per document: a screen checked again after a step of the app still has it (half a megabyte to parse).
  if (!(await page.evaluate(() => 'axe' in window))) {
    const { createRequire } = await import('node:module');
    const fs = await import('node:fs');
    axeSource ??= fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.addScriptTag({ content: axeSource });
  }
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
}

// --- Signalling from Node: a socket.io client speaking the call protocol, for tests that need no browser ---

/** A room token for the session, as the call screen gets it. */
export async function roomToken(h: Harness, cookie: string, callId: string): Promise<string> {
  const response = await h.request('POST', `/api/calls/${callId}/token`, { cookie });
  if (response.statusCode !== 200) throw new Error(`room token: ${response.statusCode} ${response.body}`);
  return response.json().token;
}

/** The worker books a video appointment with the citizen, 12 January next year at 10:00 (booking refuses the past); returns its id. */
export async function bookVideoAppointment(h: Harness, workerCookie: string, citizenId: string): Promise<string> {
  const nextYear = new Date().getUTCFullYear() + 1;
  const response = await h.request('POST', '/api/appointments', { cookie: workerCookie, body: { citizenId, start: `${nextYear}-01-12T10:00`, modality: 'video' } });
  if (response.statusCode !== 201) throw new Error(`book: ${response.statusCode} ${response.body}`);
  return response.json()[0].id;
}

/** The worker starts a session with the citizen in their caseload, ad hoc or for a booked appointment; returns its id. */
export async function startCall(h: Harness, org: Org, workerCookie: string, citizenId = org.citizenId, appointmentId?: string): Promise<string> {
  const response = await h.request('POST', '/api/calls', { cookie: workerCookie, body: { citizenId, ...(appointmentId ? { appointmentId } : {}) } });
  if (response.statusCode !== 201) throw new Error(`start call: ${response.statusCode} ${response.body}`);
  return response.json().id;
}

/** A live-events connection whose socket keeps the names of the events it heard, in order. */
export type EventsSocket = ClientSocket & { heard: string[] };

/**
 * Opens an /events connection with this Cookie header (or none), as the open screens do (WebSocket only). Resolves
 * once connected; rejects with the server's refusal (its `code`). `sockets` collects it for the test to close.
 */
export function listenToEvents(baseUrl: string, cookie: string | undefined, sockets: ClientSocket[]): Promise<EventsSocket> {
  const socket = io(`${baseUrl}/events`, {
    path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true,
    extraHeaders: { origin: baseUrl, ...(cookie ? { cookie } : {}) },
  }) as EventsSocket;
  sockets.push(socket);
  socket.heard = [];
  socket.onAny((event: string) => socket.heard.push(event));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => reject(Object.assign(error, { code: error.data?.code })));
  });
}

/**
 * Opens a signalling connection. Resolves once connected; rejects with the server's refusal (its `code`).
 * `sockets` collects it so that the test's afterEach can close whatever it opened.
 */
export function openSignal(baseUrl: string, token: string, sockets: ClientSocket[], origin = baseUrl): Promise<ClientSocket> {
  const socket = io(baseUrl, { path: '/socket.io/', transports: ['websocket'], auth: { token }, extraHeaders: { origin }, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => reject(Object.assign(error, { code: error.data?.code })));
  });
}

/** A request with acknowledgement; rejects only if no answer comes within the timeout. */
export function send<T = unknown>(socket: ClientSocket, event: string, payload: unknown = {}, timeoutMs = 10_000): Promise<Ack<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** The next push of `event` on this socket. */
export function nextEvent<T = unknown>(socket: ClientSocket, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Resolves with socket.io's reason when the socket is disconnected (at once if it already is). */
export function disconnection(socket: ClientSocket, timeoutMs = 10_000): Promise<string> {
  if (socket.disconnected && !socket.active) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** RTP parameters a browser would send for one Opus or VP8 stream (mediasoup validates them like a browser's). */
export function rtpParameters(kind: 'audio' | 'video', ssrc: number): Record<string, unknown> {
  const codec = kind === 'audio'
    ? { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }
    : { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] };
  // A distinct MID per stream, as a browser gives each m-section (mediasoup refuses a MID twice on one transport).
  return { mid: String(ssrc), codecs: [codec], headerExtensions: [], encodings: [{ ssrc }], rtcp: { cname: `test-${ssrc}`, reducedSize: true } };
}

/** A joined participant with a send and a receive transport (not connected: no ICE needed to produce or consume). */
export async function joinWithTransports(socket: ClientSocket): Promise<{ send: string; recv: string; routerRtpCapabilities: Record<string, unknown> }> {
  const joined = await send<RoomState & { state: string }>(socket, 'join', { audioOnly: false });
  if (!joined.ok || joined.data.state !== 'in_call') throw new Error(`join: ${JSON.stringify(joined)}`);
  const sendTransport = await send<{ id: string }>(socket, 'createTransport', { direction: 'send' });
  const recvTransport = await send<{ id: string }>(socket, 'createTransport', { direction: 'recv' });
  if (!sendTransport.ok || !recvTransport.ok) throw new Error('createTransport failed');
  return { send: sendTransport.data.id, recv: recvTransport.data.id, routerRtpCapabilities: joined.data.routerRtpCapabilities };
}
