import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { ProducerAnnouncement, RoomState, TransportParams } from '../../../protocol/signalling';
import type { SendLevel } from './adapt';
import { ADAPTIVE_VIDEO } from './adaptiveFlag';
import type { SignallingClient } from './signalling';

export type LocalKind = 'audio' | 'video';

/** A remote producer this device now receives: its track is ready to show; the server sends once it is resumed. */
export interface Received {
  consumer: types.Consumer;
  /** Whose media it is. */
  peerId: string;
}

/** RTCRtpReceiver.jitterBufferTarget (Chromium; elsewhere setting it does nothing). */
function setJitterBufferTarget(consumer: types.Consumer, targetMs: number | null): void {
  const receiver = consumer.rtpReceiver as (RTCRtpReceiver & { jitterBufferTarget?: number | null }) | undefined;
  if (!receiver || !('jitterBufferTarget' in receiver)) return;
  try {
    receiver.jitterBufferTarget = targetMs;
  } catch {
    // Out of the browser's range: its own buffer stays.
  }
}

async function loadDevice(routerRtpCapabilities: RoomState['routerRtpCapabilities']): Promise<Device> {
  const device = new Device();
  await device.load({ routerRtpCapabilities });
  return device;
}

/**
 * This device's media in a call, through mediasoup-client: the device loaded with the room's capabilities, one send
 * and one receive transport, the local microphone and camera producers, and a consumer per remote producer. One
 * join's worth: `reset()` closes it all, and the next join builds it again.
 */
export class CallMedia {
  private device: Device | null = null;
  private sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  private readonly producers = new Map<LocalKind, types.Producer>();
  private readonly consumers = new Map<string, types.Consumer>();
  /** Producers being or already consumed, marked before any await so that an announcement is consumed once. */
  private readonly consumed = new Set<string>();
  /** Announcements that arrived while the receive transport was still being set up. */
  private pending: ProducerAnnouncement[] = [];
  /** Remote producers this device consumes (or is about to), and whether their sender has paused them. */
  private readonly remoteProducers = new Map<string, { kind: 'audio' | 'video'; paused: boolean }>();

  private audioBufferMs: number | null = null;
  /** A device loaded while waiting (`prepare`), and the capabilities it was loaded with. */
  private prepared: { key: string; device: Promise<Device> } | null = null;

  constructor(private readonly signalling: SignallingClient) {}

  /**
   * While waiting to be let in: loads the device with the room's capabilities ahead (a slow phone takes a moment to),
   * for `connect` to use when the room's capabilities are still these.
   */
  prepare(routerRtpCapabilities: RoomState['routerRtpCapabilities']): void {
    const device = loadDevice(routerRtpCapabilities);
    device.catch(() => undefined); // `connect` loads one again
    this.prepared = { key: JSON.stringify(routerRtpCapabilities), device };
  }

  /** Whether remote producers can be consumed now (the device is loaded and the receive transport exists). */
  get canConsume(): boolean {
    return this.device !== null && this.recvTransport !== null;
  }

  /**
   * Loads the device with the room's capabilities and creates both transports: from the server's halves that came
   * with the state (the join asks for them), else asked for side by side. On a phone line every round trip is felt
   * (150 ms on a slow 4G).
   */
  async connect(state: RoomState): Promise<void> {
    const prepared = this.prepared?.key === JSON.stringify(state.routerRtpCapabilities) ? this.prepared.device : undefined;
    const device = (await prepared?.catch(() => undefined)) ?? (await loadDevice(state.routerRtpCapabilities));
    this.device = device;
    const [recv, send] = await Promise.all([this.createTransport(device, 'recv', state.transports?.recv), this.createTransport(device, 'send', state.transports?.send)]);
    this.recvTransport = recv;
    this.sendTransport = send;
  }

  /** Sends the local microphone and camera; each is paused at once if `paused` says so when it is ready. */
  async produce(stream: MediaStream | null, paused: { audio(): boolean; video(): boolean }): Promise<void> {
    if (!stream || !this.sendTransport) return;
    const audio = stream.getAudioTracks()[0];
    if (audio) {
      // stopTracks: false — the same tracks are produced again after a rejoin; closing a producer must not end them.
      const producer = await this.sendTransport.produce({ track: audio, stopTracks: false, appData: { source: 'microphone' } });
      if (paused.audio()) await this.setPaused(producer, true);
      this.producers.set('audio', producer);
    }
    const video = stream.getVideoTracks()[0];
    if (video) {
      // One modest stream (two simulcast encodings would cost a cheap phone's encoder too much), in three temporal
      // layers: the media server forwards a weak receiver fewer frames without touching what the others get
      // (mediasoup picks the layers per receiver from its bandwidth estimate). Chromium's encoder does L1T3 for VP8;
      // where the browser's handler is another, one plain layer.
      const layered = ADAPTIVE_VIDEO && (this.device?.handlerName.startsWith('Chrome') ?? false);
      const producer = await this.sendTransport.produce({
        track: video,
        stopTracks: false,
        appData: { source: 'camera' },
        encodings: [{ maxBitrate: 500_000, ...(layered ? { scalabilityMode: 'L1T3' } : {}) }],
        codecOptions: { videoGoogleStartBitrate: 400 },
      });
      this.producers.set('video', producer);
      if (paused.video()) await this.setPaused(producer, true);
    }
  }

  /** Sends the camera at this step (adapt.ts): resolution, bitrate and frame rate for the uplink there is. */
  async setSendLevel(level: SendLevel): Promise<void> {
    const producer = this.producers.get('video');
    if (!producer || producer.closed) return;
    await producer.setRtpEncodingParameters({ maxBitrate: level.maxBitrate, scaleResolutionDownBy: level.scaleResolutionDownBy, maxFramerate: level.maxFramerate }).catch(() => undefined);
  }

  producer(kind: LocalKind): types.Producer | undefined {
    return this.producers.get(kind);
  }

  /** Pauses or resumes a local producer here and tells the server (which tells the others); best effort. */
  async setPaused(producer: types.Producer, paused: boolean): Promise<void> {
    if (paused) producer.pause();
    else producer.resume();
    await this.signalling.request('setProducerPaused', { producerId: producer.id, paused }).catch(() => undefined);
  }

  /** Keeps an announcement for when the receive transport exists (takePending). */
  queue(announcement: ProducerAnnouncement): void {
    this.pending.push(announcement);
  }

  takePending(): ProducerAnnouncement[] {
    const pending = this.pending;
    this.pending = [];
    return pending;
  }

  /** Consumes a remote producer; undefined when it is already being consumed. Call `resume` once its track is wired up. */
  async consume(announcement: ProducerAnnouncement): Promise<Received | undefined> {
    const device = this.device;
    const recvTransport = this.recvTransport;
    if (!device || !recvTransport) throw new Error('Not connected to the room');
    if (this.consumed.has(announcement.producerId)) return undefined;
    this.consumed.add(announcement.producerId);
    this.remoteProducers.set(announcement.producerId, { kind: announcement.kind, paused: announcement.paused });
    const params = await this.signalling.request('consume', { producerId: announcement.producerId, rtpCapabilities: device.rtpCapabilities });
    const consumer = await recvTransport.consume({ id: params.id, producerId: params.producerId, kind: params.kind, rtpParameters: params.rtpParameters });
    this.consumers.set(consumer.id, consumer);
    if (consumer.kind === 'audio') setJitterBufferTarget(consumer, this.audioBufferMs);
    return { consumer, peerId: params.producerPeerId };
  }

  /**
   * The jitter buffer for the sound received (audioBuffer.ts), in ms; null: the browser's own. Kept over rejoins and
   * given to sound consumed later.
   */
  setAudioBuffer(targetMs: number | null): void {
    this.audioBufferMs = targetMs;
    for (const consumer of this.consumers.values()) if (consumer.kind === 'audio') setJitterBufferTarget(consumer, targetMs);
  }

  /** Lets the server send a consumer's media (and ask for a key frame). */
  async resume(consumer: types.Consumer): Promise<void> {
    await this.signalling.request('resumeConsumer', { consumerId: consumer.id });
  }

  /** The sender paused or resumed a producer; returns the kind this device receives it as, if it does. */
  remotePaused(producerId: string, paused: boolean): 'audio' | 'video' | undefined {
    const remote = this.remoteProducers.get(producerId);
    if (remote) remote.paused = paused;
    return [...this.consumers.values()].find((c) => c.producerId === producerId)?.kind;
  }

  /** What kind a remote producer this device receives (or is about to) is. */
  remoteKind(producerId: string): 'audio' | 'video' | undefined {
    return this.remoteProducers.get(producerId)?.kind;
  }

  /** A remote producer closed: forgets it and closes its consumers, each after `detach` has taken its track off screen. */
  dropProducer(producerId: string, detach: (track: MediaStreamTrack) => void): void {
    this.pending = this.pending.filter((p) => p.producerId !== producerId);
    this.remoteProducers.delete(producerId);
    for (const [id, consumer] of this.consumers) {
      if (consumer.producerId !== producerId) continue;
      detach(consumer.track);
      consumer.close();
      this.consumers.delete(id);
    }
  }

  /**
   * Media this device should be receiving now: a remote producer that is not paused by its sender, and not video
   * while in audio-only mode (the server pauses those). Muted and camera-off senders legitimately send nothing.
   */
  expectingMedia(audioOnly: boolean): boolean {
    for (const remote of this.remoteProducers.values()) {
      if (!remote.paused && (remote.kind === 'audio' || !audioOnly)) return true;
    }
    return false;
  }

  /** Remote video this device should be showing now: a camera someone sends, unpaused, and not in sound-only mode. */
  expectingVideo(audioOnly: boolean): boolean {
    if (audioOnly) return false;
    for (const remote of this.remoteProducers.values()) if (remote.kind === 'video' && !remote.paused) return true;
    return false;
  }

  /** The transports' stats, receive transport first; undefined when not connected, or replaced while reading. */
  async stats(): Promise<RTCStatsReport[] | undefined> {
    const recvTransport = this.recvTransport;
    if (!recvTransport) return undefined;
    const reports = [await recvTransport.getStats(), ...(this.sendTransport ? [await this.sendTransport.getStats()] : [])];
    // A rejoin replaced the transport while the stats were read: these numbers belong to the old one.
    return recvTransport === this.recvTransport ? reports : undefined;
  }

  /** Closes every consumer, producer and transport; the local tracks stay (a rejoin produces them again). */
  reset(): void {
    for (const consumer of this.consumers.values()) consumer.close();
    this.consumers.clear();
    this.consumed.clear();
    this.remoteProducers.clear();
    this.pending = [];
    for (const producer of this.producers.values()) producer.close();
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    this.device = null;
    this.prepared = null;
  }

  private async createTransport(device: Device, direction: 'send' | 'recv', given?: TransportParams): Promise<types.Transport> {
    const params = given ?? (await this.signalling.request('createTransport', { direction }));
    const transport = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signalling.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = appData.source === 'camera' ? 'camera' : 'microphone';
        this.signalling.request('produce', { transportId: transport.id, kind, rtpParameters, source }).then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    transport.on('connectionstatechange', (connectionState) => {
      // The media path broke (new network, NAT rebinding): ask the server for new ICE credentials.
      if (connectionState === 'disconnected' || connectionState === 'failed') void this.restartTransportIce(transport);
    });
    return transport;
  }

  /** New ICE credentials on both transports: the browser then checks every path again and takes one that works now. */
  async restartIce(): Promise<void> {
    await Promise.all([this.sendTransport, this.recvTransport].map((transport) => (transport ? this.restartTransportIce(transport) : undefined)));
  }

  private async restartTransportIce(transport: types.Transport): Promise<void> {
    if (transport.closed || !this.signalling.connected) return;
    try {
      const { iceParameters } = await this.signalling.request('restartIce', { transportId: transport.id });
      await transport.restartIce({ iceParameters });
    } catch {
      // The signalling connection is down too; the rejoin on reconnect rebuilds everything.
    }
  }
}
