/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The load generator of the SFU benchmark (bench/sfu.ts), bundled for one Chromium page per side of the calls. Each
// "leg" is one participant of one call: its own signalling connection, and the product's own client media code
// (client/src/call/media.ts: device, send and receive transports, the camera's encoding settings) doing what the call
// engine does on joining. All legs of a page send the page's one camera and microphone (a fake 640×480 camera): one
// capture for all, though Chromium still encodes once per sending connection.
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, PeerInfo, ProducerAnnouncement, RoomState, ServerToClientEvents } from '../protocol/signalling.js';
import { CallMedia } from '../client/src/call/media.js';
import type { SignallingClient } from '../client/src/call/signalling.js';
import type { LegReading, LegSpec } from './sfu-legs.js';

type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** One participant, doing what client/src/call/engine.ts does on joining, without the screen. */
class Leg {
  error: string | undefined;
  readonly inCall: Promise<void>;
  private readonly socket: BenchSocket;
  private readonly media: CallMedia;
  private joined = false;

  constructor(spec: LegSpec, stream: MediaStream) {
    this.socket = io(spec.url, { path: '/socket.io/', transports: ['websocket'], auth: { token: spec.token }, forceNew: true, reconnection: false });
    const socket = this.socket;
    const signalling = {
      get connected() {
        return socket.connected;
      },
      request(name: string, message: unknown): Promise<unknown> {
        // The product's SignallingClient, minus its room-token fetching (the benchmark hands each leg its token).
        const untyped = socket as unknown as Socket;
        return (untyped.timeout(10_000).emitWithAck(name, message) as Promise<Ack<unknown>>).then((ack) => {
          if (ack.ok) return ack.data;
          throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
        });
      },
    };
    this.media = new CallMedia(signalling as unknown as SignallingClient);
    const fail = (error: unknown) => (this.error ??= String(error));

    this.inCall = new Promise<void>((resolve, reject) => {
      const enter = async (state: RoomState) => {
        await this.media.connect(state);
        await this.media.produce(stream, { audio: () => false, video: () => false });
        this.joined = true;
        for (const producer of [...state.producers, ...this.media.takePending()]) await this.consume(producer);
        resolve();
      };
      socket.on('admitted', (state) => enter(state).catch((error) => reject(fail(error))));
      socket.on('connect', () => {
        signalling.request('join', { audioOnly: false }).then((result) => {
          const joined = result as { state: 'waiting' } | ({ state: 'in_call' } & RoomState);
          if (joined.state === 'in_call') return enter(joined);
          return undefined; // the host lets us in: 'admitted' follows
        }).catch((error) => reject(fail(error)));
      });
      socket.on('connect_error', (error) => reject(fail(error)));
    });
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') fail(`disconnected: ${reason}`);
    });
    socket.on('newProducer', (producer) => void this.consume(producer).catch(fail));
    if (spec.admits) {
      socket.on('waiting', (waiting: PeerInfo[]) => {
        for (const peer of waiting) signalling.request('admit', { peerId: peer.peerId }).catch(fail);
      });
    }
  }

  private async consume(announcement: ProducerAnnouncement): Promise<void> {
    if (!this.joined || !this.media.canConsume) {
      this.media.queue(announcement);
      return;
    }
    const received = await this.media.consume(announcement);
    // Not attached to a <video>: Chromium decodes a received track whether or not anything shows it, and the screen's
    // compositing is the generator's cost, not the SFU's.
    if (received) await this.media.resume(received.consumer);
  }

  async read(): Promise<LegReading> {
    const reading: LegReading = {
      ...(this.error ? { error: this.error } : {}),
      receivedVideo: { framesDecoded: 0, packetsReceived: 0, packetsLost: 0, bytesReceived: 0, freezeCount: 0, frameWidth: 0 },
      receivedAudio: { packetsReceived: 0, packetsLost: 0 },
      sentVideo: { framesEncoded: 0, packetsSent: 0, frameWidth: 0, frameHeight: 0, qualityLimitationReason: 'none' },
    };
    const reports = await this.media.stats();
    for (const report of reports ?? []) {
      report.forEach((s: Record<string, unknown>) => {
        const n = (key: string) => Number(s[key] ?? 0);
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          const v = reading.receivedVideo;
          v.framesDecoded += n('framesDecoded');
          v.packetsReceived += n('packetsReceived');
          v.packetsLost += n('packetsLost');
          v.bytesReceived += n('bytesReceived');
          v.freezeCount += n('freezeCount');
          v.frameWidth = Math.max(v.frameWidth, n('frameWidth'));
        } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          reading.receivedAudio.packetsReceived += n('packetsReceived');
          reading.receivedAudio.packetsLost += n('packetsLost');
        } else if (s.type === 'outbound-rtp' && s.kind === 'video') {
          const v = reading.sentVideo;
          v.framesEncoded += n('framesEncoded');
          v.packetsSent += n('packetsSent');
          v.frameWidth = n('frameWidth');
          v.frameHeight = n('frameHeight');
          v.qualityLimitationReason = String(s.qualityLimitationReason ?? 'none');
        }
      });
    }
    return reading;
  }

  close(): void {
    this.media.reset();
    this.socket.close();
  }
}

let stream: MediaStream | undefined;
const legs: Leg[] = [];

window.sfuBench = {
  async start() {
    // The product's capture constraints (client/src/call/DeviceCheck.tsx).
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } } });
  },
  async addLeg(spec) {
    if (!stream) throw new Error('start() first');
    const leg = new Leg(spec, stream);
    legs.push(leg);
    await leg.inCall;
    return legs.length - 1;
  },
  read(which = legs.map((_, i) => i)) {
    return Promise.all(which.map((i) => legs[i]!.read()));
  },
  closeLegs(which) {
    for (const i of which) legs[i]!.close();
  },
};
