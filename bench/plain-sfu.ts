/**
 * The SFU benchmark's baseline: mediasoup as its own documentation sets it up, with none of the product's code or
 * settings — one worker with default settings, a WebRtcServer on loopback, routers with just Opus and VP8, transports
 * and consumers with default options — behind a minimal socket.io signalling that speaks the product's message
 * names, so the same load generator page drives it. No users, tokens, waiting room, limits or database.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { types } from 'mediasoup';

interface PlainPeer {
  id: string;
  socket: Socket;
  transports: Map<string, types.WebRtcTransport>;
  producers: Map<string, types.Producer>;
}

export interface PlainSfu {
  url: string;
  workerPid: number;
  /** What a leg presents to join one side of a call (the baseline trusts it: there is nothing to protect). */
  token(callId: string, side: string): string;
  close(): Promise<void>;
}

const CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

/** mediasoup must already know its worker binary (MEDIASOUP_WORKER_BIN) when this is called. */
export async function startPlainSfu(): Promise<PlainSfu> {
  const mediasoup = await import('mediasoup');
  const worker = await mediasoup.createWorker();
  const webRtcServer = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }, { protocol: 'tcp', ip: '127.0.0.1' }] });
  const rooms = new Map<string, Promise<{ router: types.Router; peers: Map<string, PlainPeer> }>>();
  const room = (callId: string) => {
    let made = rooms.get(callId);
    if (!made) {
      made = worker.createRouter({ mediaCodecs: CODECS }).then((router) => ({ router, peers: new Map<string, PlainPeer>() }));
      rooms.set(callId, made);
    }
    return made;
  };

  const httpServer = http.createServer();
  const io = new Server(httpServer, { path: '/socket.io/', transports: ['websocket'], cors: { origin: true } });
  io.on('connection', (socket) => {
    const [callId = ''] = String(socket.handshake.auth.token ?? '').split(':');
    const peer: PlainPeer = { id: socket.id, socket, transports: new Map(), producers: new Map() };
    const consumers = new Map<string, types.Consumer>();
    const entered = room(callId).then(({ router, peers }) => {
      peers.set(peer.id, peer);
      return { router, others: () => [...peers.values()].filter((p) => p !== peer), leave: () => peers.delete(peer.id) };
    });
    // Every handler is in place before the first message can arrive; each waits until the peer is in its room.
    type Entered = Awaited<typeof entered>;
    const answer = (name: string, work: (message: Record<string, unknown>, room: Entered) => Promise<unknown>) => {
      socket.on(name, (message: Record<string, unknown>, ack: (reply: unknown) => void) => {
        entered.then((r) => work(message, r)).then(
          (data) => ack({ ok: true, data }),
          (error: Error) => ack({ ok: false, error: { code: 'bad_request', message: error.message } }),
        );
      });
    };

    answer('join', async (_message, { router, others }) => ({
      state: 'in_call', peerId: peer.id, routerRtpCapabilities: router.rtpCapabilities, peers: [],
      producers: others().flatMap((p) => [...p.producers.values()].map((producer) => announcement(p, producer))),
      session: { hostName: 'plain', appointmentStartsAt: null, youHost: false },
    }));
    answer('createTransport', async ({ direction }, { router }) => {
      const transport = await router.createWebRtcTransport({ webRtcServer, appData: { direction } });
      peer.transports.set(transport.id, transport);
      return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters, iceServers: [] };
    });
    answer('connectTransport', async ({ transportId, dtlsParameters }) => {
      await peer.transports.get(String(transportId))!.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
      return {};
    });
    answer('produce', async ({ transportId, kind, rtpParameters, source }, { others }) => {
      const producer = await peer.transports.get(String(transportId))!.produce({ kind: kind as types.MediaKind, rtpParameters: rtpParameters as types.RtpParameters, appData: { source } });
      peer.producers.set(producer.id, producer);
      for (const other of others()) other.socket.emit('newProducer', announcement(peer, producer));
      return { producerId: producer.id };
    });
    answer('consume', async ({ producerId, rtpCapabilities }, { others }) => {
      const transport = [...peer.transports.values()].find((t) => t.appData.direction === 'recv')!;
      const consumer = await transport.consume({ producerId: String(producerId), rtpCapabilities: rtpCapabilities as types.RtpCapabilities, paused: true });
      consumers.set(consumer.id, consumer);
      const owner = others().find((p) => p.producers.has(String(producerId)));
      return { id: consumer.id, producerId, producerPeerId: owner?.id ?? '', kind: consumer.kind, rtpParameters: consumer.rtpParameters, source: consumer.kind };
    });
    answer('resumeConsumer', async ({ consumerId }) => {
      await consumers.get(String(consumerId))!.resume();
      return {};
    });
    socket.on('disconnect', () => {
      for (const transport of peer.transports.values()) transport.close();
      void entered.then((r) => r.leave());
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    workerPid: worker.pid,
    token: (callId, side) => `${callId}:${side}`,
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      worker.close();
    },
  };
}

function announcement(peer: PlainPeer, producer: types.Producer) {
  return { producerId: producer.id, peerId: peer.id, kind: producer.kind, source: String(producer.appData.source ?? producer.kind), paused: false };
}
