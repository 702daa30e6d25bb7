import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { PooledWorker } from './pool.js';
import { PEER_LIMITS, SfuError, type ConsumerParams, type Direction, type MediaKind, type ProducerInfo, type TransportParams } from './types.js';

export interface RoomEvents {
  newProducer: [ProducerInfo];
  producerClosed: [{ producerId: string; peerId: string }];
  producerPaused: [{ producerId: string; peerId: string; paused: boolean }];
  /** The worker under this room died: every peer must rejoin (the room is rebuilt elsewhere). */
  reset: [];
  closed: [];
}

/** Bits per second a receive transport's bandwidth estimate never goes below: a camera's lowest layer and the sound. */
export const MIN_OUTGOING_BITRATE = 200_000;

/** Bits per second a participant's send transport accepts (see createTransport). */
export const MAX_INCOMING_BITRATE = 1_000_000;

/** One router per session. Peers are the participants' media endpoints; ids come from the caller. */
export class Room extends EventEmitter<RoomEvents> {
  readonly peers = new Map<string, Peer>();
  private closedFlag = false;

  constructor(
    readonly id: string,
    readonly router: types.Router,
    readonly host: PooledWorker,
  ) {
    super();
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Adds a peer; a peer with the same id (a reconnect) replaces the old one, whose media is closed first. */
  join(peerId: string): Peer {
    this.peers.get(peerId)?.close();
    const peer = new Peer(peerId, this);
    this.peers.set(peerId, peer);
    return peer;
  }

  leave(peerId: string): void {
    this.peers.get(peerId)?.close();
    this.peers.delete(peerId);
  }

  producers(exceptPeerId?: string): ProducerInfo[] {
    return [...this.peers.values()].filter((p) => p.id !== exceptPeerId).flatMap((p) => p.producerInfos());
  }

  findProducer(producerId: string): { producer: types.Producer; peer: Peer } | undefined {
    for (const peer of this.peers.values()) {
      const producer = peer.producers.get(producerId);
      if (producer) return { producer, peer };
    }
    return undefined;
  }

  close(reason: 'ended' | 'reset' = 'ended'): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    if (!this.router.closed) this.router.close();
    this.host.rooms = Math.max(0, this.host.rooms - 1);
    if (reason === 'reset') this.emit('reset');
    this.emit('closed');
  }
}

/**
 * Runs one mediasoup call that carries parameters a client sent (DTLS parameters, RTP parameters, capabilities).
 * mediasoup refuses bad ones in Node (TypeError from its validators, UnsupportedError for a codec the router lacks)
 * or in the worker (TypeError, or a plain Error such as "MID already exists in RTP listener"): all the client's
 * doing, so all become bad_request with mediasoup's reason. InvalidStateError means the object or its worker went
 * away meanwhile: bad_state. (Matched by name: mediasoup is imported lazily by the pool.)
 */
async function withClientParameters<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    if (error.name === 'InvalidStateError') throw new SfuError('bad_state', 'That media object has closed');
    // A worker whose channel is gone is the server's fault, not the client's: let it surface as internal (logged).
    if (/channel closed|worker (closed|died)|request timeout/i.test(error.message)) throw error;
    throw new SfuError('bad_request', `Media parameters refused: ${error.message.slice(0, 200)}`);
  }
}

/** A participant's transports, producers and consumers. It can act only on its own objects, within PEER_LIMITS. */
export class Peer {
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  private closed = false;
  // Taken before the first await and given back on failure, so that concurrent requests cannot overshoot a limit.
  private readonly directions = new Set<Direction>();
  private readonly connectedTransports = new Set<string>();
  private pendingProducers = 0;
  private readonly consumedProducers = new Set<string>();

  constructor(
    readonly id: string,
    private readonly room: Room,
  ) {}

  async createTransport(direction: Direction): Promise<TransportParams> {
    this.assertOpen();
    // One per direction, so never more than PEER_LIMITS.transports.
    if (this.directions.has(direction)) throw new SfuError('limit_reached', `A participant has one ${direction} transport`);
    this.directions.add(direction);
    let transport: types.WebRtcTransport;
    try {
      transport = await this.room.router.createWebRtcTransport({
        webRtcServer: this.room.host.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: 600_000,
        appData: { direction },
      });
    } catch (error) {
      this.directions.delete(direction);
      throw error;
    }
    if (this.closed) {
      // The participant left while the transport was being made.
      transport.close();
      throw new SfuError('bad_state', 'This participant has left');
    }
    this.transports.set(transport.id, transport);
    transport.on('routerclose', () => this.transports.delete(transport.id));
    // What one participant may send: a camera at its highest step and a microphone, with room for retransmissions.
    // The bandwidth estimate the media server feeds back to the sender never goes above it, so a client cannot flood
    // the server (or the receivers' downlinks) however it is configured.
    if (direction === 'send') await transport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE).catch(() => undefined);
    // A floor under the estimate of what a receiver can take: on a lossy, jittery line (bad 3G) the estimate can sink
    // so low that mediasoup forwards no video layer at all — a picture frozen for many seconds, where the lowest
    // temporal layer and the sound still fit. Above the floor, the layers follow the estimate as before.
    if (direction === 'recv') await transport.setMinOutgoingBitrate(MIN_OUTGOING_BITRATE).catch(() => undefined);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const transport = this.transport(transportId);
    if (this.connectedTransports.has(transportId)) throw new SfuError('bad_state', 'This transport is already connected');
    this.connectedTransports.add(transportId);
    try {
      await withClientParameters(() => transport.connect({ dtlsParameters }));
    } catch (error) {
      this.connectedTransports.delete(transportId);
      throw error;
    }
  }

  async restartIce(transportId: string): Promise<types.IceParameters> {
    return this.transport(transportId).restartIce();
  }

  async produce(transportId: string, kind: MediaKind, rtpParameters: types.RtpParameters, source: string): Promise<string> {
    const transport = this.transport(transportId);
    if (transport.appData.direction !== 'send') throw new SfuError('bad_state', 'This transport is for receiving');
    if (this.producers.size + this.pendingProducers >= PEER_LIMITS.producers) {
      throw new SfuError('limit_reached', `A participant sends at most ${PEER_LIMITS.producers} media streams`);
    }
    this.pendingProducers += 1;
    let producer: types.Producer;
    try {
      producer = await withClientParameters(() => transport.produce({ kind, rtpParameters, appData: { source } }));
    } finally {
      this.pendingProducers -= 1;
    }
    if (this.closed) {
      producer.close();
      throw new SfuError('bad_state', 'This participant has left');
    }
    this.producers.set(producer.id, producer);
    producer.on('transportclose', () => this.producers.delete(producer.id));
    this.room.emit('newProducer', this.producerInfo(producer));
    return producer.id;
  }

  async consume(producerId: string, rtpCapabilities: types.RtpCapabilities): Promise<ConsumerParams> {
    const found = this.room.findProducer(producerId);
    if (!found || found.peer === this) throw new SfuError('not_found', 'No such producer');
    if (!this.room.router.canConsume({ producerId, rtpCapabilities })) throw new SfuError('unsupported', 'This device cannot decode that media');
    const transport = [...this.transports.values()].find((t) => t.appData.direction === 'recv');
    if (!transport) throw new SfuError('bad_state', 'Create a receive transport first');
    if (this.consumedProducers.has(producerId)) throw new SfuError('bad_state', 'Already receiving that producer');
    if (this.consumedProducers.size >= PEER_LIMITS.consumers) {
      throw new SfuError('limit_reached', `A participant receives at most ${PEER_LIMITS.consumers} media streams`);
    }
    this.consumedProducers.add(producerId);
    let consumer: types.Consumer;
    try {
      // Paused until the client has set up its side: no key frame is sent into the void.
      consumer = await withClientParameters(() => transport.consume({ producerId, rtpCapabilities, paused: true, appData: { peerId: found.peer.id } }));
    } catch (error) {
      this.consumedProducers.delete(producerId);
      throw error;
    }
    if (this.closed) {
      consumer.close();
      throw new SfuError('bad_state', 'This participant has left');
    }
    this.consumers.set(consumer.id, consumer);
    const forget = () => {
      this.consumers.delete(consumer.id);
      this.consumedProducers.delete(producerId);
    };
    consumer.on('transportclose', forget);
    consumer.on('producerclose', forget);
    return {
      id: consumer.id,
      producerId,
      producerPeerId: found.peer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      source: String(found.producer.appData.source ?? consumer.kind),
    };
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.consumer(consumerId);
    await consumer.resume();
    // The decoder needs a key frame to show anything; ask the sender for one now rather than waiting for the next.
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    await this.consumer(consumerId).pause();
  }

  async setProducerPaused(producerId: string, paused: boolean): Promise<void> {
    const producer = this.producer(producerId);
    if (paused) await producer.pause();
    else await producer.resume();
    this.room.emit('producerPaused', { producerId, peerId: this.id, paused });
  }

  closeProducer(producerId: string): void {
    const producer = this.producer(producerId);
    producer.close();
    this.producers.delete(producerId);
    this.room.emit('producerClosed', { producerId, peerId: this.id });
  }

  /** Audio-only: stop sending and receiving video (saves a prepaid data plan); undo restores both. */
  async setAudioOnly(audioOnly: boolean): Promise<void> {
    for (const producer of this.producers.values()) {
      if (producer.kind === 'video') await this.setProducerPaused(producer.id, audioOnly);
    }
    for (const consumer of this.consumers.values()) {
      if (consumer.kind !== 'video') continue;
      if (audioOnly) await consumer.pause();
      else {
        await consumer.resume();
        await consumer.requestKeyFrame();
      }
    }
  }

  producerInfos(): ProducerInfo[] {
    return [...this.producers.values()].map((p) => this.producerInfo(p));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const producerId of [...this.producers.keys()]) {
      this.producers.get(producerId)!.close();
      this.room.emit('producerClosed', { producerId, peerId: this.id });
    }
    this.producers.clear();
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.consumers.clear();
  }

  private producerInfo(producer: types.Producer): ProducerInfo {
    return { producerId: producer.id, peerId: this.id, kind: producer.kind, source: String(producer.appData.source ?? producer.kind), paused: producer.paused };
  }

  private assertOpen(): void {
    if (this.closed) throw new SfuError('bad_state', 'This participant has left');
  }

  private transport(id: string): types.WebRtcTransport {
    this.assertOpen();
    const transport = this.transports.get(id);
    if (!transport) throw new SfuError('not_found', 'No such transport');
    return transport;
  }

  private producer(id: string): types.Producer {
    this.assertOpen();
    const producer = this.producers.get(id);
    if (!producer) throw new SfuError('not_found', 'No such producer');
    return producer;
  }

  private consumer(id: string): types.Consumer {
    this.assertOpen();
    const consumer = this.consumers.get(id);
    if (!consumer) throw new SfuError('not_found', 'No such consumer');
    return consumer;
  }
}
