/**
 * The impairment lab itself, on real UDP sockets over loopback with the lab's clock moved by hand: what is asserted
 * is the schedule the lab keeps (which packet leaves when, which are dropped), never how long anything took.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../server/db/embedded.js';
import { Impairment, NetLab, PROFILES, realClock, seededRandom, VirtualClock, type NetworkProfile } from './support/netlab.js';

interface Rig {
  lab: NetLab;
  clock: VirtualClock;
  client: dgram.Socket;
  server: dgram.Socket;
  /** What the "media server" received, with the address it came from. */
  atServer: { data: string; from: string }[];
  atClient: string[];
  port: number;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    rig.client.close();
    rig.server.close();
    await rig.lab.close();
  }
});

async function rig(profile: NetworkProfile, seed = 7): Promise<Rig> {
  const port = await freePort();
  const server = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => server.bind({ address: '127.0.0.1', port }, () => resolve()));
  const atServer: Rig['atServer'] = [];
  // The "media server" answers every packet, so the down direction has traffic too.
  server.on('message', (data, from) => {
    atServer.push({ data: data.toString(), from: from.address });
    server.send(`re:${data.toString()}`, from.port, from.address);
  });
  const clock = new VirtualClock();
  const lab = await NetLab.start({ listenHost: '127.0.0.2', targetHost: '127.0.0.1', ports: [port], profile, clock, seed, sourceHosts: ['127.0.0.3', '127.0.0.4'] });
  const client = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => client.bind({ address: '127.0.0.1', port: 0 }, () => resolve()));
  const atClient: string[] = [];
  client.on('message', (data) => atClient.push(data.toString()));
  const made = { lab, clock, client, server, atServer, atClient, port };
  rigs.push(made);
  return made;
}

const send = (r: Rig, data: string) => new Promise<void>((resolve) => r.client.send(data, r.port, '127.0.0.2', () => resolve()));

/** Waits (on real I/O, not on time) until the condition holds. */
async function until(condition: () => boolean): Promise<void> {
  // a guard against hanging, not a measure: the condition is what the test is about
  const giveUp = Date.now() + 10_000;
  while (!condition() && Date.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!condition()) throw new Error('the lab never got there');
}

const fixed = (delayMs: number, extra: Partial<NetworkProfile['up']> = {}): NetworkProfile => ({
  name: 'fixed',
  up: { delayMs, jitterMs: 0, lossPct: 0, ...extra },
  down: { delayMs, jitterMs: 0, lossPct: 0, ...extra },
});

/**
 * The same line twice, one for datagrams and one for a TCP stream (down until `downUntil`): `count` packets of each,
 * numbered, `stepMs` apart on the virtual clock; what arrived so far, in arrival order.
 */
function sendBoth(line: NetworkProfile['up'], clock: VirtualClock, downUntil: number, count: number, stepMs: number) {
  const udp = new Impairment(line, clock, seededRandom(3), () => downUntil);
  const tcp = new Impairment(line, clock, seededRandom(3), () => downUntil);
  const datagrams: number[] = [];
  const chunks: number[] = [];
  for (let i = 0; i < count; i++) {
    udp.pass(100, () => datagrams.push(i));
    tcp.pass(100, () => chunks.push(i), true);
    clock.advance(stepMs);
  }
  return { udp, datagrams, chunks };
}

describe('the impairment lab', () => {
  it('holds each packet for its delay, each way', async () => {
    const r = await rig(fixed(40));
    await send(r, 'a');
    await until(() => r.lab.up.counts.received === 1);
    r.clock.advance(39);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.atServer).toEqual([]);
    r.clock.advance(1);
    await until(() => r.atServer.length === 1);
    await until(() => r.lab.down.counts.received === 1);
    r.clock.advance(39);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.atClient).toEqual([]);
    r.clock.advance(1);
    await until(() => r.atClient.length === 1);
    expect(r.atClient).toEqual(['re:a']);
  });

  it('drops the share of packets its loss says, the same ones for the same seed', async () => {
    const counts = [];
    for (const seed of [11, 11]) {
      const r = await rig({ name: 'lossy', up: { delayMs: 0, jitterMs: 0, lossPct: 3 }, down: { delayMs: 0, jitterMs: 0, lossPct: 0 } }, seed);
      // in small bursts, so loopback's socket buffers never overflow (that would be a loss the lab did not decide)
      for (let i = 0; i < 2000; i++) {
        await send(r, `p${i}`);
        if (i % 20 === 19) await until(() => r.lab.up.counts.received === i + 1);
      }
      await until(() => r.lab.up.counts.received === 2000);
      counts.push({ ...r.lab.up.counts, arrived: r.atServer.map((p) => p.data) });
      await until(() => r.atServer.length === r.lab.up.counts.forwarded);
    }
    const [first, second] = counts;
    // 3 % of 2000 is 60; a binomial spread of ±3σ (≈23) keeps a broken lab (0 % or 30 %) out
    expect(first!.lost).toBeGreaterThan(37);
    expect(first!.lost).toBeLessThan(83);
    expect(first!.forwarded + first!.lost).toBe(2000);
    expect(second!.lost).toBe(first!.lost);
  });

  it('lets a bandwidth cap queue packets one after another, and drops what would wait past the queue', async () => {
    // 1250-byte packets at 100 kbit/s: 100 ms each on the wire; a 400 ms queue holds the next four
    const r = await rig(fixed(0, { kbps: 100, queueMs: 400 }));
    const packet = 'x'.repeat(1250);
    for (let i = 0; i < 8; i++) await send(r, packet);
    await until(() => r.lab.up.counts.received === 8);
    expect(r.lab.up.counts.queueDrops).toBe(3); // the 1st leaves at 100 ms; 2nd–5th queue up to 400 ms; 6th–8th would wait longer
    r.clock.advance(250);
    await until(() => r.atServer.length === 2);
    r.clock.advance(250);
    await until(() => r.atServer.length === 5);
  });

  it('lets jitter reorder datagrams, but never the chunks of a TCP stream', () => {
    const clock = new VirtualClock();
    const { datagrams, chunks } = sendBoth({ delayMs: 50, jitterMs: 40, lossPct: 0 }, clock, -Infinity, 50, 2);
    clock.advance(1_000);
    const inOrder = [...Array(50).keys()];
    expect(datagrams).not.toEqual(inOrder); // ±40 ms on packets 2 ms apart: UDP arrives out of order, as it may
    expect([...datagrams].sort((a, b) => a - b)).toEqual(inOrder);
    expect(chunks).toEqual(inOrder); // a reordered TCP chunk would corrupt the stream (ICE-TCP, TURN over TCP)
  });

  it('keeps a TCP stream in order on the real clock too, whose timers need not fire in the order they were set', async () => {
    const tcp = new Impairment({ delayMs: 75, jitterMs: 25, lossPct: 3 }, realClock, seededRandom(5), () => -Infinity);
    const chunks: number[] = [];
    for (let i = 0; i < 500; i++) tcp.pass(100, () => chunks.push(i), true);
    await until(() => chunks.length === 500);
    expect(chunks).toEqual([...Array(500).keys()]);
  });

  it('holds a TCP stream\'s chunks through an outage (TCP sends them again) while datagrams are lost', () => {
    const clock = new VirtualClock();
    const outageUntil = 10_000;
    const { udp, datagrams, chunks } = sendBoth({ delayMs: 20, jitterMs: 10, lossPct: 50 }, clock, outageUntil, 20, 100);
    expect(udp.counts.outageDrops).toBe(20);
    clock.advance(outageUntil - 2_000 - 1);
    expect(chunks).toEqual([]); // nothing before the line is back (10 s, plus at least 10 ms of delay)
    clock.advance(1_000);
    expect(chunks).toEqual([...Array(20).keys()]); // none lost to the 50 % loss either
    expect(datagrams).toEqual([]);
  });

  it('passes nothing, either way, during an outage, and everything after it', async () => {
    const r = await rig(fixed(0));
    r.lab.outage(10_000);
    await send(r, 'lost');
    await until(() => r.lab.up.counts.received === 1);
    expect(r.lab.up.counts.outageDrops).toBe(1);
    r.clock.advance(10_000);
    await send(r, 'back');
    await until(() => r.atClient.length === 1);
    expect(r.atServer.map((p) => p.data)).toEqual(['back']);
    expect(r.atClient).toEqual(['re:back']);
  });

  it('switches network: the media server sees the same client come from a new address', async () => {
    const r = await rig(PROFILES.perfect);
    await send(r, 'before');
    await until(() => r.atClient.length === 1);
    r.lab.switchNetwork();
    await send(r, 'after');
    await until(() => r.atClient.length === 2);
    expect(r.atServer).toEqual([{ data: 'before', from: '127.0.0.3' }, { data: 'after', from: '127.0.0.4' }]);
    expect(r.atClient).toEqual(['re:before', 're:after']);
  });
});
