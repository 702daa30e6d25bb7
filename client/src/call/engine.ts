import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientMessage, ClientMessageName, JoinResult, PeerInfo, ProducerAnnouncement, RoomState, ServerEvents } from '../../../protocol/signalling';
import { api } from '../api';

export type CallPhase = 'connecting' | 'waiting' | 'in_call' | 'reconnecting' | 'ended' | 'failed';
/** 'none': media is expected from someone in the call and none has arrived. */
export type Quality = 'good' | 'fair' | 'poor' | 'none' | 'unknown';

/** How long after media is first expected the call screen says that nothing comes through (checked every 3 s). */
export const NO_MEDIA_AFTER_MS = 9_000;

export interface RemotePeer extends PeerInfo {
  stream: MediaStream;
  videoPaused: boolean;
}

export interface CallView {
  phase: CallPhase;
  endReason?: string;
  peers: RemotePeer[];
  waiting: PeerInfo[];
  chat: { fromPeerId: string; displayName: string; text: string; at: string; mine: boolean }[];
  micOn: boolean;
  cameraOn: boolean;
  audioOnly: boolean;
  quality: Quality;
  /** Someone else in the call sends media, and none has reached this device since joining: show what to try. */
  noMedia: boolean;
  localStream: MediaStream | null;
  myPeerId: string | null;
}

/**
 * The call engine: socket.io signalling + mediasoup-client. The UI only reads `view` and calls the methods.
 * It survives network changes by itself: ICE restart when the media path breaks, full rejoin (same session,
 * same participant) when the signalling connection comes back, and again when the server rebuilds the room.
 */
export class CallEngine {
  view: CallView = {
    phase: 'connecting', peers: [], waiting: [], chat: [], micOn: true, cameraOn: true, audioOnly: false,
    quality: 'unknown', noMedia: false, localStream: null, myPeerId: null,
  };
  private readonly listeners = new Set<(view: CallView) => void>();
  private socket: Socket | null = null;
  private device: Device | null = null;
  private sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  private producers = new Map<'audio' | 'video', types.Producer>();
  private consumers = new Map<string, types.Consumer>();
  /** Producers being or already consumed, marked before any await so that an announcement is consumed once. */
  private consumed = new Set<string>();
  /** Announcements that arrived while the receive transport was still being set up. */
  private pending: ProducerAnnouncement[] = [];
  private statsTimer: number | undefined;
  private lastBytes = { at: 0, bytes: 0 };
  /** Remote producers this device consumes (or is about to), and whether their sender has paused them. */
  private remoteProducers = new Map<string, { kind: 'audio' | 'video'; paused: boolean }>();
  /** Bytes received so far per inbound RTP stream of the current receive transport. */
  private inboundBytes = new Map<string, number>();
  /** Since this join: when media was first expected, whether any arrived, whether `noMedia` was reported. */
  private mediaWatch: { expectedSince: number | null; arrived: boolean; reported: boolean } = { expectedSince: null, arrived: false, reported: false };
  private joinedOnce = false;
  private facing: 'user' | 'environment' = 'user';
  /** Where room tokens come from: the signed-in user's call route, or the reminder join link's (/api/join/token). */
  /** Where room tokens come from: a signed-in participant's call, or a reminder join link's narrow session. */
  private readonly tokenRoute: 'POST /api/calls/:callId/token' | 'POST /api/join/token';

  constructor(
    private readonly callId: string,
    options: { audioOnly: boolean; localStream: MediaStream | null; tokenRoute?: 'POST /api/calls/:callId/token' | 'POST /api/join/token' },
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

  /** Totals of what this device receives, per kind: read by the end-to-end tests and handy when supporting users. */
  async receiveStats(): Promise<{ video: { framesDecoded: number; packetsReceived: number }; audio: { packetsReceived: number } }> {
    const totals = { video: { framesDecoded: 0, packetsReceived: 0 }, audio: { packetsReceived: 0 } };
    const report = this.recvTransport && !this.recvTransport.closed ? await this.recvTransport.getStats() : new Map();
    report.forEach((s: Record<string, unknown>) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        totals.video.framesDecoded += Number(s.framesDecoded ?? 0);
        totals.video.packetsReceived += Number(s.packetsReceived ?? 0);
      } else if (s.kind === 'audio') totals.audio.packetsReceived += Number(s.packetsReceived ?? 0);
    });
    return totals;
  }

  start(): void {
    (window as unknown as { naervaerCall?: CallEngine }).naervaerCall = this;
    const socket = io({
      path: '/socket.io/',
      transports: ['websocket'],
      // A fresh room token on every (re)connection: they live two minutes.
      auth: (cb) => {
        (this.tokenRoute === 'POST /api/join/token' ? api('POST /api/join/token') : api('POST /api/calls/:callId/token', { params: { callId: this.callId } })).then(
          ({ token }) => cb({ token }),
          (error: { code?: string }) => {
            if (error.code === 'session_ended' || error.code === 'not_found') this.finish('ended_by_staff');
            cb({ token: '' });
          },
        );
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.socket = socket;
    const on = <E extends keyof ServerEvents>(event: E, handler: ServerEvents[E]) => socket.on(event as string, handler as never);

    socket.on('connect', () => void this.join());
    socket.on('disconnect', () => {
      if (this.view.phase !== 'ended') this.update({ phase: 'reconnecting' });
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (error.data?.code === 'not_found') this.finish('ended_by_staff');
    });
    on('waiting', (waiting) => this.update({ waiting }));
    on('admitted', (state) => void this.enterRoom(state));
    on('peerJoined', (peer) => this.upsertPeer(peer));
    on('peerLeft', ({ peerId }) => this.update({ peers: this.view.peers.filter((p) => p.peerId !== peerId) }));
    on('newProducer', (producer) => void this.consume(producer));
    on('producerClosed', ({ producerId }) => this.dropConsumer(producerId));
    on('producerPaused', ({ peerId, paused, producerId }) => {
      const remote = this.remoteProducers.get(producerId);
      if (remote) remote.paused = paused;
      const consumer = [...this.consumers.values()].find((c) => c.producerId === producerId);
      if (consumer?.kind === 'video') this.patchPeer(peerId, { videoPaused: paused });
    });
    on('chat', (message) => this.update({ chat: [...this.view.chat, { ...message, mine: message.fromPeerId === this.view.myPeerId }] }));
    on('roomReset', () => void this.join());
    on('sessionEnded', ({ reason }) => this.finish(reason));
    on('removed', ({ reason }) => this.finish(reason));

    // Switching networks (Wi-Fi → 4G) fires offline/online: rejoin at once rather than waiting for a timeout.
    window.addEventListener('online', this.onOnline);
    this.statsTimer = window.setInterval(() => void this.sampleQuality(), 3000);
  }

  private readonly onOnline = () => this.reconnect();

  /** Connect again from scratch (new transports, new ICE): what "Forbind igen" does, and what going online does. */
  reconnect(): void {
    if (this.view.phase === 'ended' || !this.socket) return;
    this.socket.disconnect().connect();
  }

  /** Acknowledged signalling requests made so far (the join benchmark reports it). */
  requestCount = 0;

  private request<N extends ClientMessageName, T = unknown>(name: N, message: ClientMessage<N>): Promise<T> {
    this.requestCount += 1;
    return new Promise((resolve, reject) => {
      if (!this.socket) return reject(new Error('not connected'));
      this.socket.timeout(10_000).emit(name, message, (err: Error | null, ack: Ack<T>) => {
        if (err) reject(err);
        else if (ack.ok) resolve(ack.data);
        else reject(Object.assign(new Error(ack.error.message), { code: ack.error.code }));
      });
    });
  }

  private async join(attempt = 0): Promise<void> {
    this.resetMedia();
    if (this.joinedOnce) this.update({ phase: 'reconnecting' });
    this.joinedOnce = true;
    try {
      const result = await this.request<'join', JoinResult>('join', { audioOnly: this.view.audioOnly });
      this.update({ myPeerId: result.peerId });
      if (result.state === 'waiting') this.update({ phase: 'waiting' });
      else await this.enterRoom(result);
    } catch {
      if (this.view.phase === 'ended') return;
      this.update({ phase: 'reconnecting' });
      // Still connected but the join failed (say, the media server is being replaced): try again shortly.
      const socket = this.socket;
      window.setTimeout(() => {
        if (this.socket === socket && socket?.connected && this.view.phase === 'reconnecting') void this.join(attempt + 1);
      }, Math.min(5000, 500 * 2 ** attempt));
    }
  }

  private async enterRoom(state: RoomState): Promise<void> {
    // Peers announced while the join was in flight are newer than the join's snapshot: keep both.
    const peers = new Map(this.view.peers.map((p) => [p.peerId, p]));
    for (const p of state.peers) if (!peers.has(p.peerId)) peers.set(p.peerId, this.withMedia(p));
    this.update({ myPeerId: state.peerId, peers: [...peers.values()] });
    const device = new Device();
    await device.load({ routerRtpCapabilities: state.routerRtpCapabilities as unknown as types.RtpCapabilities });
    this.device = device;
    this.recvTransport = await this.createTransport('recv');
    this.sendTransport = await this.createTransport('send');
    await this.produceLocal();
    this.update({ phase: 'in_call' });
    const queued = [...state.producers, ...this.pending];
    this.pending = [];
    for (const producer of queued) await this.consume(producer);
  }

  private async createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const params = await this.request<'createTransport', types.TransportOptions>('createTransport', { direction });
    const transport = direction === 'send' ? this.device!.createSendTransport(params) : this.device!.createRecvTransport(params);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as unknown as Record<string, unknown> }).then(callback, errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.request<'produce', { producerId: string }>('produce', {
          transportId: transport.id, kind, rtpParameters: rtpParameters as unknown as Record<string, unknown>,
          source: appData.source as 'camera' | 'microphone',
        }).then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    transport.on('connectionstatechange', (connectionState) => {
      // The media path broke (new network, NAT rebinding): ask the server for new ICE credentials.
      if (connectionState === 'disconnected' || connectionState === 'failed') void this.restartIce(transport);
    });
    return transport;
  }

  private async restartIce(transport: types.Transport): Promise<void> {
    if (transport.closed || this.socket?.disconnected) return;
    try {
      const { iceParameters } = await this.request<'restartIce', { iceParameters: types.IceParameters }>('restartIce', { transportId: transport.id });
      await transport.restartIce({ iceParameters });
    } catch {
      // The signalling connection is down too; the rejoin on reconnect rebuilds everything.
    }
  }

  private async produceLocal(): Promise<void> {
    const stream = this.view.localStream;
    if (!stream || !this.sendTransport) return;
    const audio = stream.getAudioTracks()[0];
    if (audio) {
      // stopTracks: false — the same tracks are produced again after a rejoin; closing a producer must not end them.
      const producer = await this.sendTransport.produce({ track: audio, stopTracks: false, appData: { source: 'microphone' } });
      if (!this.view.micOn) await this.pauseProducer(producer, true);
      this.producers.set('audio', producer);
    }
    const video = stream.getVideoTracks()[0];
    if (video) {
      const producer = await this.sendTransport.produce({
        track: video,
        stopTracks: false,
        appData: { source: 'camera' },
        // Two simulcast-free encodings would cost a weak phone too much; one modest stream it is.
        encodings: [{ maxBitrate: 500_000 }],
        codecOptions: { videoGoogleStartBitrate: 400 },
      });
      this.producers.set('video', producer);
      if (!this.view.cameraOn || this.view.audioOnly) await this.pauseProducer(producer, true);
    }
  }

  private async consume(announcement: ProducerAnnouncement): Promise<void> {
    if (announcement.peerId === this.view.myPeerId) return;
    if (!this.device || !this.recvTransport || this.view.phase !== 'in_call') {
      this.pending.push(announcement);
      return;
    }
    if (this.consumed.has(announcement.producerId)) return;
    this.consumed.add(announcement.producerId);
    this.remoteProducers.set(announcement.producerId, { kind: announcement.kind, paused: announcement.paused });
    const params = await this.request<'consume', { id: string; producerId: string; kind: 'audio' | 'video'; rtpParameters: types.RtpParameters; producerPeerId: string }>(
      'consume', { producerId: announcement.producerId, rtpCapabilities: this.device.rtpCapabilities as unknown as Record<string, unknown> },
    );
    const consumer = await this.recvTransport.consume({ id: params.id, producerId: params.producerId, kind: params.kind, rtpParameters: params.rtpParameters });
    this.consumers.set(consumer.id, consumer);
    const peer = this.view.peers.find((p) => p.peerId === params.producerPeerId);
    peer?.stream.addTrack(consumer.track);
    if (params.kind === 'video') this.patchPeer(params.producerPeerId, { videoPaused: announcement.paused });
    else this.patchPeer(params.producerPeerId, {});
    // Now that the track is wired up, let the server send (and ask for a key frame).
    await this.request('resumeConsumer', { consumerId: consumer.id });
  }

  private dropConsumer(producerId: string): void {
    this.pending = this.pending.filter((p) => p.producerId !== producerId);
    this.remoteProducers.delete(producerId);
    for (const [id, consumer] of this.consumers) {
      if (consumer.producerId !== producerId) continue;
      for (const peer of this.view.peers) peer.stream.removeTrack(consumer.track);
      consumer.close();
      this.consumers.delete(id);
    }
    this.update({ peers: [...this.view.peers] });
  }

  private withMedia(peer: PeerInfo): RemotePeer {
    return { ...peer, stream: new MediaStream(), videoPaused: false };
  }

  private upsertPeer(peer: PeerInfo): void {
    if (this.view.peers.some((p) => p.peerId === peer.peerId)) return;
    this.update({ peers: [...this.view.peers, this.withMedia(peer)] });
  }

  private patchPeer(peerId: string, patch: Partial<RemotePeer>): void {
    this.update({ peers: this.view.peers.map((p) => (p.peerId === peerId ? { ...p, ...patch } : p)) });
  }

  private async pauseProducer(producer: types.Producer, paused: boolean): Promise<void> {
    if (paused) producer.pause();
    else producer.resume();
    await this.request('setProducerPaused', { producerId: producer.id, paused }).catch(() => undefined);
  }

  async setMic(on: boolean): Promise<void> {
    this.update({ micOn: on });
    const producer = this.producers.get('audio');
    if (producer) await this.pauseProducer(producer, !on);
  }

  async setCamera(on: boolean): Promise<void> {
    this.update({ cameraOn: on });
    const producer = this.producers.get('video');
    if (producer && !this.view.audioOnly) await this.pauseProducer(producer, !on);
  }

  /** Audio only: no video out, no video in. Saves a prepaid data plan and a weak network. */
  async setAudioOnly(audioOnly: boolean): Promise<void> {
    this.update({ audioOnly });
    const producer = this.producers.get('video');
    if (producer) {
      if (audioOnly) producer.pause();
      else if (this.view.cameraOn) producer.resume();
    }
    await this.request('setAudioOnly', { audioOnly }).catch(() => undefined);
    if (!audioOnly && !this.view.cameraOn && producer) await this.pauseProducer(producer, true);
  }

  /** Front/back camera on phones. */
  async switchCamera(): Promise<void> {
    const producer = this.producers.get('video');
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
    await this.request('chat', { text });
  }

  async admit(peerId: string): Promise<void> {
    await this.request('admit', { peerId });
  }

  /** Staff: end for everyone. Citizen: leave. */
  async hangUp(endForAll: boolean): Promise<void> {
    await this.request(endForAll ? 'end' : 'leave', {}).catch(() => undefined);
    this.finish(endForAll ? 'ended_by_staff' : 'left');
  }

  /**
   * Media this device should be receiving now: a remote producer that is not paused by its sender, and not video
   * while in audio-only mode (the server pauses those). Muted and camera-off senders legitimately send nothing.
   */
  private expectingMedia(): boolean {
    for (const remote of this.remoteProducers.values()) {
      if (!remote.paused && (remote.kind === 'audio' || !this.view.audioOnly)) return true;
    }
    return false;
  }

  private async sampleQuality(): Promise<void> {
    if (this.view.phase !== 'in_call' || !this.recvTransport) return;
    const recvTransport = this.recvTransport;
    let rtt: number | undefined;
    let lost = 0;
    let received = 0;
    let bytes = 0;
    let receiving = false;
    const reports = [await recvTransport.getStats(), ...(this.sendTransport ? [await this.sendTransport.getStats()] : [])];
    // A rejoin replaced the transport while the stats were read: these numbers belong to the old one.
    if (recvTransport !== this.recvTransport) return;
    for (const report of reports) {
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') rtt = s.currentRoundTripTime * 1000;
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
    const now = performance.now();
    const bitrateKbps = this.lastBytes.at ? Math.max(0, ((bytes - this.lastBytes.bytes) * 8) / (now - this.lastBytes.at)) : undefined;
    this.lastBytes = { at: now, bytes };
    const packetLossPct = received + lost > 0 ? (lost / (received + lost)) * 100 : undefined;
    this.update({ quality: this.judgeQuality(now, receiving, rtt, packetLossPct) });
    const sample: ClientMessage<'quality'> = {};
    if (rtt !== undefined) sample.rttMs = Math.min(60_000, rtt);
    if (packetLossPct !== undefined) sample.packetLossPct = packetLossPct;
    if (bitrateKbps !== undefined) sample.bitrateKbps = Math.min(100_000, bitrateKbps);
    await this.request('quality', sample).catch(() => undefined);
  }

  /**
   * Quality as the user experiences it. A round trip time alone says the path is alive, not that picture and sound
   * arrive: while media is expected, no new bytes means 'none' (never arrived) or 'poor' (stopped).
   */
  private judgeQuality(now: number, receiving: boolean, rtt: number | undefined, packetLossPct: number | undefined): Quality {
    const watch = this.mediaWatch;
    if (receiving) {
      watch.arrived = true;
      if (this.view.noMedia) this.update({ noMedia: false });
    }
    if (this.expectingMedia()) {
      watch.expectedSince ??= now;
      if (!receiving) {
        if (watch.arrived) return 'poor';
        if (now - watch.expectedSince < NO_MEDIA_AFTER_MS) return 'unknown';
        this.reportNoMedia();
        return 'none';
      }
    } else {
      watch.expectedSince = null;
    }
    if (rtt === undefined) return 'unknown';
    if (rtt > 400 || (packetLossPct ?? 0) > 8) return 'poor';
    if (rtt > 200 || (packetLossPct ?? 0) > 3) return 'fair';
    return 'good';
  }

  /** Shown on screen at once; recorded in the session log once per join (call_participants.no_media_reported_at). */
  private reportNoMedia(): void {
    if (!this.view.noMedia) this.update({ noMedia: true });
    if (this.mediaWatch.reported) return;
    this.mediaWatch.reported = true;
    void this.request('noMedia', {}).catch(() => undefined);
  }

  private resetMedia(): void {
    for (const consumer of this.consumers.values()) consumer.close();
    this.consumers.clear();
    this.consumed.clear();
    this.remoteProducers.clear();
    this.inboundBytes.clear();
    this.lastBytes = { at: 0, bytes: 0 };
    this.mediaWatch = { expectedSince: null, arrived: false, reported: false };
    this.pending = [];
    for (const producer of this.producers.values()) producer.close();
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    this.device = null;
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
    this.socket?.disconnect();
    this.socket = null;
    this.view.localStream?.getTracks().forEach((t) => t.stop());
  }
}
