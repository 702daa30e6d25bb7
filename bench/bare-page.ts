/// <reference lib="dom" />
// The baseline of the join benchmark: the least a mediasoup-client page can do against our server to show the
// first remote video frame — connect, join, one receive transport, consume, resume. No UI, no sending.
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import { io } from 'socket.io-client';

declare global {
  interface Window {
    benchResult?: { ms: number; roundtrips: number } | { error: string };
  }
}

const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
history.replaceState(null, '', location.pathname);
const started = performance.now();
let roundtrips = 0;
const socket = io({ path: '/socket.io/', transports: ['websocket'], auth: { token } });
const request = async <T>(name: string, message: unknown): Promise<T> => {
  roundtrips += 1;
  const ack = (await socket.emitWithAck(name, message)) as { ok: boolean; data: T; error?: { message: string } };
  if (!ack.ok) throw new Error(ack.error?.message);
  return ack.data;
};

socket.on('connect', async () => {
  try {
    const joined = await request<{ routerRtpCapabilities: types.RtpCapabilities; producers: { producerId: string; kind: string }[] }>('join', { audioOnly: false });
    const device = new Device();
    await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
    const transport = device.createRecvTransport(await request<types.TransportOptions>('createTransport', { direction: 'recv' }));
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      request('connectTransport', { transportId: transport.id, dtlsParameters }).then(callback, errback);
    });
    const video = joined.producers.find((p) => p.kind === 'video')!;
    const params = await request<{ id: string; producerId: string; kind: 'video'; rtpParameters: types.RtpParameters }>('consume', {
      producerId: video.producerId, rtpCapabilities: device.rtpCapabilities,
    });
    const consumer = await transport.consume({ id: params.id, producerId: params.producerId, kind: params.kind, rtpParameters: params.rtpParameters });
    const element = Object.assign(document.createElement('video'), { muted: true, autoplay: true, playsInline: true, srcObject: new MediaStream([consumer.track]) });
    document.body.append(element);
    await request('resumeConsumer', { consumerId: consumer.id });
    for (;;) {
      let decoded = 0;
      (await consumer.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp') decoded += Number(s.framesDecoded ?? 0);
      });
      if (decoded > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    window.benchResult = { ms: performance.now() - started, roundtrips };
    socket.close();
  } catch (error) {
    window.benchResult = { error: String(error) };
  }
});
