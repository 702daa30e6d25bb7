import type { ChatMessage, PeerInfo, ProducerAnnouncement, RoomState, SessionInfo, WaitingMessage } from '../../../protocol/signalling';
import { readVideoStats, VideoAdvisor } from './adapt';
import { AudioBufferAdvisor, readAudioStats } from './audioBuffer';
import { ADAPTIVE_VIDEO } from './adaptiveFlag';
import { CallMedia } from './media';
import { SignallingClient, SignalRequestError, type TokenRoute } from './signalling';
import { QualityMonitor, type Quality } from './stats';


export type CallPhase = 'connecting' | 'waiting' | 'in_call' | 'reconnecting' | 'ended' | 'failed';

export interface RemotePeer extends PeerInfo {
  stream: MediaStream;
  videoPaused: boolean;
  /** Their microphone is off (paused or closed by them): shown on their tile. */
  audioMuted: boolean;
}

/** Someone came into the call or left it, after this device was in it: announced on screen and to screen readers. */
export interface PeerEvent {
  id: number;
  kind: 'joined' | 'left';
  displayName: string;
  role: PeerInfo['role'];
}

/** How many recent peer events the view keeps (the screen shows each for a few seconds). */
const PEER_EVENTS_KEPT = 5;

export interface CallView {
  phase: CallPhase;
  endReason?: string;
  peers: RemotePeer[];
  waiting: PeerInfo[];
  chat: (ChatMessage & { mine: boolean })[];
  micOn: boolean;
  cameraOn: boolean;
  audioOnly: boolean;
  quality: Quality;
  /** Someone else in the call sends media, and none has reached this device since joining: show what to try. */
  noMedia: boolean;
  /** Video cannot be had on this network just now: offer sound only (the person decides). */
  suggestAudioOnly: boolean;
  localStream: MediaStream | null;
  myPeerId: string | null;
  /** Whose session it is, when it was booked for, and whether this person hosts it (from the join). */
  session: SessionInfo | null;
  /** The newest line staff sent to this citizen while they wait. */
  waitingMessage: WaitingMessage | null;
  /** When this device first got into the call (Date.now()), for the duration on screen; kept over reconnects. */
  inCallSince: number | null;
  peerEvents: PeerEvent[];
}

/** How often the quality indicator reads the transports' stats. */
const QUALITY_EVERY_MS = 3000;

/**
 * The call engine: what the call screen shows (`view`) and does (the methods), over the signalling connection
 * (signalling.ts), this device's media (media.ts) and the quality monitor (stats.ts).
 * It survives network changes by itself: ICE restart when the media path breaks, full rejoin (same session,
 * same participant) when the signalling connection comes back, and again when the server rebuilds the room.
 */
export class CallEngine {
  view: CallView = {
    phase: 'connecting', peers: [], waiting: [], chat: [], micOn: true, cameraOn: true, audioOnly: false,
    quality: 'unknown', noMedia: false, suggestAudioOnly: false, localStream: null, myPeerId: null, session: null, waitingMessage: null, inCallSince: null, peerEvents: [],
  };
  private peerEventCount = 0;
  private readonly listeners = new Set<(view: CallView) => void>();
  private signalling: SignallingClient | null = null;
  private media: CallMedia | null = null;
  private readonly quality = new QualityMonitor();
  private readonly video = new VideoAdvisor();
  private readonly audio = new AudioBufferAdvisor();
  private statsTimer: number | undefined;
  private joinedOnce = false;
  private facing: 'user' | 'environment' = 'user';
  private readonly tokenRoute: TokenRoute;

  constructor(
    private readonly callId: string,
    options: { audioOnly: boolean; localStream: MediaStream | null; tokenRoute?: TokenRoute },
  ) {
    this.tokenRoute = options.tokenRoute ?? 'POST /api/calls/:callId/token';
    this.view.audioOnly = options.audioOnly;
    this.view.localStream = options.localStream;
    this.view.cameraOn = !options.audioOnly && (options.localStream?.getVideoTracks().length ?? 0) > 0;
  }

  subscribe(listener: (view: CallView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(patch: Partial<CallView>): void {
    this.view = { ...this.view, ...patch };
    for (const l of this.listeners) l(this.view);
  }

  /**
   * Connects and joins. Once while running: the device check may have started the engine before the call screen
   * shows, and the screen starts it too. After `close` it starts again (React's development mode mounts twice).
   */
  start(): void {
    if (this.signalling || this.view.phase === 'ended') return;
    const signalling = new SignallingClient(this.callId, this.tokenRoute, () => this.finish('ended_by_staff'));
    this.signalling = signalling;
    this.media = new CallMedia(signalling);
    const socket = signalling.socket;

    socket.on('connect', () => void this.join());
    socket.on('disconnect', () => {
      if (this.view.phase !== 'ended') this.update({ phase: 'reconnecting' });
    });
    socket.on('waiting', (waiting) => this.update({ waiting }));
    socket.on('admitted', (state) => void this.enterRoom(state));
    socket.on('peerJoined', (peer) => {
      if (this.upsertPeer(peer)) this.announce('joined', peer);
    });
    socket.on('peerLeft', ({ peerId }) => {
      const gone = this.view.peers.find((p) => p.peerId === peerId);
      this.update({ peers: this.view.peers.filter((p) => p.peerId !== peerId) });
      if (gone) this.announce('left', gone);
    });
    socket.on('newProducer', (producer) => void this.consume(producer));
    socket.on('producerClosed', ({ producerId, peerId }) => {
      // A closed microphone is as silent as a muted one; a closed camera shows as camera off.
      const kind = this.media?.remoteKind(producerId);
      this.dropConsumer(producerId);
      if (kind === 'audio') this.patchPeer(peerId, { audioMuted: true });
      if (kind === 'video') this.patchPeer(peerId, { videoPaused: true });
    });
    socket.on('producerPaused', ({ peerId, paused, producerId }) => {
      const kind = this.media?.remotePaused(producerId, paused);
      if (kind === 'video') this.patchPeer(peerId, { videoPaused: paused });
      if (kind === 'audio') this.patchPeer(peerId, { audioMuted: paused });
    });
    socket.on('waitingMessage', (message) => this.update({ waitingMessage: message }));
    socket.on('chat', (message) => this.update({ chat: [...this.view.chat, { ...message, mine: message.fromPeerId === this.view.myPeerId }] }));
    socket.on('roomReset', () => void this.join());
    socket.on('sessionEnded', ({ reason }) => this.finish(reason));
    socket.on('removed', ({ reason }) => this.finish(reason));

    // Switching networks (Wi-Fi → 4G) fires offline/online: rejoin at once rather than waiting for a timeout.
    window.addEventListener('online', this.onOnline);
    this.statsTimer = window.setInterval(() => void this.sampleQuality(), QUALITY_EVERY_MS);
  }

  private readonly onOnline = () => this.reconnect();

  /** Connect again from scratch (new transports, new ICE): what "Forbind igen" does, and what going online does. */
  reconnect(): void {
    if (this.view.phase === 'ended') return;
    this.signalling?.reconnect();
  }

  private async join(attempt = 0): Promise<void> {
    const signalling = this.signalling;
    if (!signalling) return;
    this.resetMedia();
    if (this.joinedOnce) this.update({ phase: 'reconnecting' });
    this.joinedOnce = true;
    try {
      const audioOnly = this.view.audioOnly;
      const result = await signalling.request('join', { audioOnly, transports: true }).catch((error: unknown) => {
        // A host of the version before `transports` (several hosts, mid-upgrade) refuses the field: join as it knows.
        if (error instanceof SignalRequestError && error.code === 'bad_request') return signalling.request('join', { audioOnly });
        throw error;
      });
      this.update({ myPeerId: result.peerId, session: result.session });
      if (result.state === 'waiting') {
        this.update({ phase: 'waiting' });
        if (result.routerRtpCapabilities) this.media?.prepare(result.routerRtpCapabilities);
      }
      else await this.enterRoom(result);
    } catch {
      if (this.view.phase === 'ended') return;
      this.update({ phase: 'reconnecting' });
      // Still connected but the join failed (say, the media server is being replaced): try again shortly.
      window.setTimeout(() => {
        if (this.signalling === signalling && signalling.connected && this.view.phase === 'reconnecting') void this.join(attempt + 1);
      }, Math.min(5000, 500 * 2 ** attempt));
    }
  }

  private async enterRoom(state: RoomState): Promise<void> {
    const media = this.media;
    if (!media) return;
    // Peers announced while the join was in flight are newer than the join's snapshot: keep both.
    const peers = new Map(this.view.peers.map((p) => [p.peerId, p]));
    for (const p of state.peers) if (!peers.has(p.peerId)) peers.set(p.peerId, this.withMedia(p));
    this.update({ myPeerId: state.peerId, peers: [...peers.values()] });
    await media.connect(state);
    this.update({ phase: 'in_call', inCallSince: this.view.inCallSince ?? Date.now() });
    // What the others send is consumed side by side with sending this device's own: each waits only on its own
    // round trips, and the citizen sees and hears their worker as soon as the line allows.
    const queued = [...state.producers, ...media.takePending()];
    await Promise.all([
      ...queued.map((producer) => this.consume(producer)),
      (async () => {
        await media.produce(this.view.localStream, { audio: () => !this.view.micOn, video: () => !this.view.cameraOn || this.view.audioOnly });
        // After a rejoin the camera goes on at the step the uplink had come down to, not at full again.
        if (this.video.sendLevelIndex > 0) await media.setSendLevel(this.video.sendLevel);
      })(),
    ]);
  }

  private async consume(announcement: ProducerAnnouncement): Promise<void> {
    const media = this.media;
    if (!media || announcement.peerId === this.view.myPeerId) return;
    if (!media.canConsume || this.view.phase !== 'in_call') {
      media.queue(announcement);
      return;
    }
    const received = await media.consume(announcement);
    if (!received) return;
    const { consumer, peerId } = received;
    const peer = this.view.peers.find((p) => p.peerId === peerId);
    peer?.stream.addTrack(consumer.track);
    if (consumer.kind === 'video') this.patchPeer(peerId, { videoPaused: announcement.paused });
    else this.patchPeer(peerId, { audioMuted: announcement.paused });
    // Now that the track is wired up, let the server send (and ask for a key frame).
    await media.resume(consumer);
  }

  private dropConsumer(producerId: string): void {
    this.media?.dropProducer(producerId, (track) => {
      for (const peer of this.view.peers) peer.stream.removeTrack(track);
    });
    this.update({ peers: [...this.view.peers] });
  }

  private withMedia(peer: PeerInfo): RemotePeer {
    return { ...peer, stream: new MediaStream(), videoPaused: false, audioMuted: false };
  }

  /** Adds a peer that came in; false when it was already there. */
  private upsertPeer(peer: PeerInfo): boolean {
    if (this.view.peers.some((p) => p.peerId === peer.peerId)) return false;
    this.update({ peers: [...this.view.peers, this.withMedia(peer)] });
    return true;
  }

  private announce(kind: PeerEvent['kind'], peer: PeerInfo): void {
    // Only while this device is in the call: a rejoin's snapshot of who is there is not news.
    if (this.view.phase !== 'in_call') return;
    this.peerEventCount += 1;
    const event: PeerEvent = { id: this.peerEventCount, kind, displayName: peer.displayName, role: peer.role };
    this.update({ peerEvents: [...this.view.peerEvents, event].slice(-PEER_EVENTS_KEPT) });
  }

  private patchPeer(peerId: string, patch: Partial<RemotePeer>): void {
    this.update({ peers: this.view.peers.map((p) => (p.peerId === peerId ? { ...p, ...patch } : p)) });
  }

  async setMic(on: boolean): Promise<void> {
    this.update({ micOn: on });
    const producer = this.media?.producer('audio');
    if (producer) await this.media?.setPaused(producer, !on);
  }

  async setCamera(on: boolean): Promise<void> {
    this.update({ cameraOn: on });
    const producer = this.media?.producer('video');
    if (producer && !this.view.audioOnly) await this.media?.setPaused(producer, !on);
  }

  /** The person took the suggestion: sound only. */
  async acceptAudioOnly(): Promise<void> {
    await this.setAudioOnly(true);
  }

  /** The person keeps the picture: the suggestion goes, and is not made again for a while. */
  declineAudioOnly(): void {
    this.video.decline(performance.now());
    this.update({ suggestAudioOnly: false });
  }

  /** Audio only: no video out, no video in. Saves a prepaid data plan and a weak network. */
  async setAudioOnly(audioOnly: boolean): Promise<void> {
    this.update({ audioOnly, suggestAudioOnly: false });
    const producer = this.media?.producer('video');
    if (producer) {
      if (audioOnly) producer.pause();
      else if (this.view.cameraOn) producer.resume();
    }
    await this.signalling?.request('setAudioOnly', { audioOnly }).catch(() => undefined);
    if (!audioOnly && !this.view.cameraOn && producer) await this.media?.setPaused(producer, true);
  }

  /** Front/back camera on phones. */
  async switchCamera(): Promise<void> {
    const producer = this.media?.producer('video');
    if (!producer) return;
    this.facing = this.facing === 'user' ? 'environment' : 'user';
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: this.facing, width: 640, height: 480 } });
    const track = stream.getVideoTracks()[0]!;
    const old = producer.track;
    await producer.replaceTrack({ track });
    old?.stop();
    const local = new MediaStream([...(this.view.localStream?.getAudioTracks() ?? []), track]);
    this.update({ localStream: local });
  }

  async sendChat(text: string): Promise<void> {
    await this.requireSignalling().request('chat', { text });
  }

  async admit(peerId: string): Promise<void> {
    await this.requireSignalling().request('admit', { peerId });
  }

  /** Staff: a short line to a citizen in the waiting room. */
  async sendWaitingMessage(peerId: string, line: { quick: 'in2' | 'in5' } | { text: string }): Promise<void> {
    await this.requireSignalling().request('waitingMessage', { peerId, ...line });
  }

  /** Staff: end for everyone. Citizen: leave. */
  async hangUp(endForAll: boolean): Promise<void> {
    await this.signalling?.request(endForAll ? 'end' : 'leave', {}).catch(() => undefined);
    this.finish(endForAll ? 'ended_by_staff' : 'left');
  }

  private requireSignalling(): SignallingClient {
    if (!this.signalling) throw new Error('not connected');
    return this.signalling;
  }

  private async sampleQuality(): Promise<void> {
    const { media, signalling } = this;
    if (this.view.phase !== 'in_call' || !media || !signalling) return;
    const reports = await media.stats();
    if (!reports) return;
    const verdict = this.quality.read(reports, performance.now(), media.expectingMedia(this.view.audioOnly));
    if (verdict.media === 'arrived' && this.view.noMedia) this.update({ noMedia: false });
    if (verdict.media === 'missing') {
      // Shown on screen at once; recorded in the session log once per join (call_participants.no_media_reported_at).
      if (!this.view.noMedia) this.update({ noMedia: true });
      if (verdict.reportNoMedia) void signalling.request('noMedia', {}).catch(() => undefined);
    }
    // The path looks alive but the media stopped (a network switch, a new NAT mapping, the end of an outage).
    if (verdict.recover === 'restart-ice') void media.restartIce();
    if (verdict.recover === 'rejoin') return this.reconnect();
    this.update({ quality: verdict.quality });
    if (ADAPTIVE_VIDEO) {
      this.adaptVideo(media, reports);
      // A lossy line: a jitter buffer long enough for lost sound to be sent again (audioBuffer.ts).
      const sound = this.audio.read({ at: performance.now(), ...readAudioStats(reports[0]) });
      if (sound.changed) media.setAudioBuffer(sound.targetMs);
    }
    await signalling.request('quality', verdict.sample).catch(() => undefined);
  }

  /** The camera's step for the uplink there is, and whether to offer sound only (adapt.ts). */
  private adaptVideo(media: CallMedia, [recv, send]: RTCStatsReport[]): void {
    const camera = media.producer('video');
    const advice = this.video.read({
      at: performance.now(),
      expectingVideo: media.expectingVideo(this.view.audioOnly),
      sendingVideo: !!camera && !camera.paused && !this.view.audioOnly,
      ...readVideoStats(recv, send),
    });
    if (advice.changed) void media.setSendLevel(advice.sendLevel);
    const suggest = advice.suggestAudioOnly && !this.view.audioOnly;
    if (suggest !== this.view.suggestAudioOnly) this.update({ suggestAudioOnly: suggest });
  }

  private resetMedia(): void {
    this.media?.reset();
    this.quality.reset();
    this.video.reset();
    this.audio.reset();
    this.update({ peers: [] });
  }

  private finish(reason: string): void {
    if (this.view.phase === 'ended') return;
    this.update({ phase: 'ended', endReason: reason });
    this.close();
  }

  close(): void {
    window.removeEventListener('online', this.onOnline);
    window.clearInterval(this.statsTimer);
    this.resetMedia();
    this.signalling?.close();
    this.signalling = null;
    this.view.localStream?.getTracks().forEach((t) => t.stop());
  }
}
