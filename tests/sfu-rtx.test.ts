/**
 * The media worker we run (scripts/build-mediasoup-worker.sh, with sfu/worker-build/'s patch) forwards a packet that
 * reaches it only as an RTX copy. Chromium probes the bandwidth by sending RTX copies of packets it has just sent; when
 * the original was lost on the way, the copy is the only one that arrives. mediasoup 3.18.1 as published drops such a
 * copy and, counting the packet as recovered, never asks for it again: the receiver's picture froze until its own
 * 3-second timeout asked for a key frame (seen as 3.1 s freezes on the lab's 4G line; mediasoup issue #906, fixed
 * upstream in PR #1653 for versions that need Node 22, backported in our patch).
 *
 * Plain RTP in and out of the product's own router: packets written byte by byte, so the case is exact.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { parseConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { startMediaServer } from '../server/media.js';
import type { MediaServer } from '../sfu/index.js';

const [VP8_PT, RTX_PT, SSRC, RTX_SSRC] = [101, 102, 11_111, 22_222];

/** A one-packet VP8 frame: payload descriptor, then a key frame's or an inter frame's header, then filler. */
function vp8Packet(seq: number, timestamp: number, keyFrame: boolean): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 0x80 | VP8_PT; // marker: one packet per frame
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(timestamp, 4);
  header.writeUInt32BE(SSRC, 8);
  // Descriptor as Chromium writes it (mediasoup reads only these): extended, start of partition 0, a picture ID.
  const descriptor = [0x90, 0x80, 0x80 | ((seq >> 8) & 0x7f), seq & 0xff];
  const frame = keyFrame ? [0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00] : [0x51, 0x01, 0x00]; // P bit: key or not
  return Buffer.concat([header, Buffer.from([...descriptor, ...frame]), Buffer.alloc(40, seq & 0xff)]);
}

/** The RTX copy of a packet (RFC 4588): its own SSRC and sequence, the original sequence number first in the payload. */
function rtxCopy(original: Buffer, rtxSeq: number): Buffer {
  const header = Buffer.from(original.subarray(0, 12));
  header[1] = (original[1]! & 0x80) | RTX_PT;
  header.writeUInt16BE(rtxSeq, 2);
  header.writeUInt32BE(RTX_SSRC, 8);
  return Buffer.concat([header, original.subarray(2, 4), original.subarray(12)]);
}

let media: MediaServer;
beforeAll(async () => {
  media = await startMediaServer(parseConfig({ MEDIA_WORKERS: '1', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1' }), createLogger({ level: 'silent' }));
});
afterAll(() => media.close());

describe('the media worker and RTX', () => {
  it('forwards a packet whose only copy to arrive came over RTX, before or after the next one', async () => {
    const room = await media.openRoom('room-rtx');
    const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
    const inbound = await room.router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
    const producer = await inbound.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [
          { mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90_000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] },
          { mimeType: 'video/rtx', payloadType: RTX_PT, clockRate: 90_000, parameters: { apt: VP8_PT } },
        ],
        encodings: [{ ssrc: SSRC, rtx: { ssrc: RTX_SSRC } }],
      },
    });

    const receiver = dgram.createSocket('udp4');
    const sender = dgram.createSocket('udp4');
    try {
      await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
      const outbound = await room.router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false });
      await outbound.connect({ ip: '127.0.0.1', port: (receiver.address() as AddressInfo).port });
      const consumer: types.Consumer = await outbound.consume({ producerId: producer.id, rtpCapabilities: room.router.rtpCapabilities });
      const consumerSsrc = consumer.rtpParameters.encodings![0]!.ssrc!;
      // What the receiver gets of our stream: each packet's payload fill byte (the original sequence's low byte).
      const received: number[] = [];
      receiver.on('message', (packet) => {
        const isRtcp = packet[1]! >= 192 && packet[1]! <= 223;
        const isRtp = !isRtcp && packet.length > 12 && packet.readUInt32BE(8) === consumerSsrc;
        if (isRtp) received.push(packet.at(-1)!);
      });
      const send = (packet: Buffer) => new Promise<void>((resolve) => sender.send(packet, inbound.tuple.localPort, '127.0.0.1', () => resolve()));
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

      // 1. A key frame; the next packet is lost, its probing copy arrives first, then the packet after it.
      await send(vp8Packet(100, 1_000, true));
      await pause(50);
      await send(rtxCopy(vp8Packet(101, 4_000, false), 500));
      await pause(20);
      await send(vp8Packet(102, 7_000, false));
      // 2. A packet is lost, the next one arrives, and the copy comes before the worker has even asked for it.
      await pause(50);
      await send(vp8Packet(104, 13_000, false));
      await send(rtxCopy(vp8Packet(103, 10_000, false), 501));
      await send(vp8Packet(105, 16_000, false));

      // Published 3.18.1 gives [100, 102, 104, 105]: 101 and 103 never come.
      await expect.poll(() => [...received].sort((a, b) => a - b), { timeout: 5_000 }).toEqual([100, 101, 102, 103, 104, 105]);
    } finally {
      receiver.close();
      sender.close();
      media.closeRoom('room-rtx');
    }
  });
});
