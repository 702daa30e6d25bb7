/**
 * The impairment lab: a user-space relay on loopback addresses that puts a chosen network between browsers and the
 * media server — delay and jitter, loss, a bandwidth cap with its queue, outages, and a network switch — per direction
 * and changeable during a call. The kernel's netem is not available on these machines; this does the same in the
 * path we control. The media server listens on one loopback address and announces another (RTC_ANNOUNCED_ADDRESS), on
 * which the relay listens: every media packet of the call crosses it.
 *
 * Timing is the lab's clock (real by default); the lab's own tests drive a virtual one, so what they assert is the
 * schedule, never the wall clock.
 */
import dgram from 'node:dgram';
import net from 'node:net';

/** One direction of a network: client→server ("up") or server→client ("down"). */
export interface LinkProfile {
  delayMs: number;
  /** Each packet's delay varies uniformly by ± this. */
  jitterMs: number;
  lossPct: number;
  /** A bandwidth cap in kbit/s: packets queue behind each other; beyond `queueMs` of queue they are dropped. */
  kbps?: number;
  queueMs?: number;
}

export interface NetworkProfile {
  name: string;
  up: LinkProfile;
  down: LinkProfile;
}

const link = (delayMs: number, jitterMs: number, lossPct: number, kbps?: number): LinkProfile => ({ delayMs, jitterMs, lossPct, ...(kbps ? { kbps, queueMs: 400 } : {}) });

/** The profiles: one-way figures per direction (a 40 ms round trip is 20 ms each way). */
export const PROFILES = {
  perfect: { name: 'perfect', up: link(0, 0, 0), down: link(0, 0, 0) },
  goodWifi: { name: 'good Wi-Fi', up: link(2, 1, 0, 50_000), down: link(2, 1, 0, 50_000) },
  fourG: { name: '4G', up: link(10, 5, 0.5, 8_000), down: link(10, 5, 0.5, 8_000) },
  bad3G: { name: 'bad 3G', up: link(75, 25, 3, 1_000), down: link(75, 25, 3, 2_000) },
} satisfies Record<string, NetworkProfile>;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

export const realClock: Clock = { now: () => performance.now(), setTimeout: (fn, ms) => setTimeout(fn, ms) };

/** A clock the test moves by hand: timers fire in order as `advance` passes them. */
export class VirtualClock implements Clock {
  private at = 0;
  private timers: { due: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  now(): number {
    return this.at;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    this.timers.push({ due: this.at + Math.max(0, ms), seq: this.seq++, fn });
    return undefined;
  }
  advance(ms: number): void {
    const until = this.at + ms;
    for (;;) {
      this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.due > until) break;
      this.timers.shift();
      this.at = next.due;
      next.fn();
    }
    this.at = until;
  }
}

/** A small seeded generator (mulberry32): the same seed drops the same packets. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DirectionCounts {
  received: number;
  forwarded: number;
  lost: number;
  /** Dropped because the bandwidth cap's queue was full. */
  queueDrops: number;
  /** Dropped during an outage. */
  outageDrops: number;
}

/** One direction's impairment: decides each packet's fate and when it leaves. */
export class Impairment {
  readonly counts: DirectionCounts = { received: 0, forwarded: 0, lost: 0, queueDrops: 0, outageDrops: 0 };
  private lastDeparture = 0;
  /** TCP chunks on their way, in the order they were sent, each with the time it is due. */
  private readonly streamChunks: { due: number; deliver: () => void }[] = [];

  constructor(
    public profile: LinkProfile,
    private readonly clock: Clock,
    private readonly random: () => number,
    /** Until when the line is down (an outage); at or before now it is up. */
    private readonly downUntil: () => number,
  ) {}

  /**
   * Schedules `deliver` for this packet, or drops it. `lossless` for a TCP stream, which neither loses nor reorders
   * what it delivers: its chunks are never dropped (an outage or a full queue holds them back, as TCP's own
   * retransmission would) and arrive in the order they were sent, however much the delay varies.
   */
  pass(size: number, deliver: () => void, lossless = false): void {
    this.counts.received += 1;
    const now = this.clock.now();
    const downUntil = this.downUntil();
    if (now < downUntil && !lossless) {
      this.counts.outageDrops += 1;
      return;
    }
    if (!lossless && this.random() * 100 < this.profile.lossPct) {
      this.counts.lost += 1;
      return;
    }
    let leaves = Math.max(now, downUntil);
    if (this.profile.kbps) {
      const start = Math.max(leaves, this.lastDeparture);
      if (!lossless && start - now > (this.profile.queueMs ?? 400)) {
        this.counts.queueDrops += 1;
        return;
      }
      leaves = start + (size * 8) / this.profile.kbps; // kbit/s = bits per ms
      this.lastDeparture = leaves;
    }
    const jitter = this.profile.jitterMs ? (this.random() * 2 - 1) * this.profile.jitterMs : 0;
    const wait = Math.max(0, leaves - now + this.profile.delayMs + jitter);
    if (lossless) this.sendInOrder(now + wait, deliver);
    else if (wait === 0) this.forward(deliver);
    else this.clock.setTimeout(() => this.forward(deliver), wait);
  }

  private forward(deliver: () => void): void {
    this.counts.forwarded += 1;
    deliver();
  }

  /**
   * A chunk is due no sooner than the one sent before it, and when its timer fires every chunk still queued before it
   * goes first: timers of nearly the same moment need not fire in the order they were set.
   */
  private sendInOrder(due: number, deliver: () => void): void {
    const chunk = { due: Math.max(due, this.streamChunks.at(-1)?.due ?? 0), deliver };
    if (this.streamChunks.length === 0 && chunk.due <= this.clock.now()) {
      this.forward(deliver);
      return;
    }
    this.streamChunks.push(chunk);
    this.clock.setTimeout(() => {
      while (this.streamChunks.length > 0 && this.streamChunks[0]!.due <= chunk.due) this.forward(this.streamChunks.shift()!.deliver);
    }, chunk.due - this.clock.now());
  }
}

export interface RelayOptions {
  /** Where browsers send (the media server's announced address). */
  listenHost: string;
  /** Where the media server really listens. */
  targetHost: string;
  /** The media server's ports (UDP and TCP on each). */
  ports: number[];
  profile?: NetworkProfile;
  /** The addresses the relay sends to the media server from; a network switch moves to the next one. */
  sourceHosts?: string[];
  clock?: Clock;
  /** Makes loss and jitter repeatable: each direction draws from its own generator seeded from this. */
  seed?: number;
  /**
   * Only packets and connections from these addresses get through (say, a TURN server's relay address); everything
   * else is dropped, counted in `blocked`: a network where the direct path to the media server is closed.
   */
  onlyFrom?: string[];
}

interface UdpFlow {
  upstream: dgram.Socket;
  link: FlowLink;
}

/** Both directions of one participant's line, when it is not the lab's shared one (NetLab.ownLineForNewFlows). */
export interface FlowLink {
  up: Impairment;
  down: Impairment;
}

/** A line of its own, for the flows that start while it is set: change its profile with `setProfile`. */
export class OwnLine {
  readonly links: FlowLink[] = [];
  constructor(public profile: NetworkProfile) {}

  setProfile(profile: NetworkProfile): void {
    this.profile = profile;
    for (const link of this.links) {
      link.up.profile = profile.up;
      link.down.profile = profile.down;
    }
  }

  /** Packets that crossed this line, down (server to participant). */
  get forwardedDown(): number {
    return this.links.reduce((n, l) => n + l.down.counts.forwarded, 0);
  }
}

/** The relay: every media packet between browsers and the media server, impaired as the profile says. */
export class NetLab {
  readonly up: Impairment;
  readonly down: Impairment;
  private outageUntil = -Infinity;
  private readonly listeners: dgram.Socket[] = [];
  private readonly tcpServers: net.Server[] = [];
  private readonly tcpSockets = new Set<net.Socket>();
  private readonly flows = new Map<string, UdpFlow>();
  private sourceIndex = 0;
  private readonly clock: Clock;
  /** How many times the media server saw the relay's flows come from a new address. */
  switches = 0;
  /** Packets and connections dropped because their source is not in `onlyFrom`. */
  blocked = 0;
  private ownLine: OwnLine | null = null;
  private flowSeed = 100;

  private constructor(private readonly options: RelayOptions) {
    this.clock = options.clock ?? realClock;
    const random = (offset: number) => (options.seed === undefined ? Math.random : seededRandom(options.seed + offset));
    const profile = options.profile ?? PROFILES.perfect;
    const down = () => this.outageUntil;
    this.up = new Impairment(profile.up, this.clock, random(0), down);
    this.down = new Impairment(profile.down, this.clock, random(1), down);
  }

  static async start(options: RelayOptions): Promise<NetLab> {
    const lab = new NetLab(options);
    for (const port of options.ports) {
      await lab.listenUdp(port);
      await lab.listenTcp(port);
    }
    return lab;
  }

  /** A different network from now on (both directions). */
  setProfile(profile: NetworkProfile): void {
    this.up.profile = profile.up;
    this.down.profile = profile.down;
  }

  /**
   * Flows that start from now on (the next participant to connect) get a line of their own with this profile, until
   * `ownLineForNewFlows(null)`: one person on a weak line while the others in the call keep the shared one. Outages
   * and network switches still apply to every flow.
   */
  ownLineForNewFlows(profile: NetworkProfile | null): OwnLine | null {
    this.ownLine = profile ? new OwnLine(profile) : null;
    return this.ownLine;
  }

  /** The line a new flow takes: its own when one is set, else the shared one. */
  private linkForNewFlow(): FlowLink {
    const line = this.ownLine;
    if (!line) return { up: this.up, down: this.down };
    const random = (offset: number) => (this.options.seed === undefined ? Math.random : seededRandom(this.options.seed + this.flowSeed + offset));
    this.flowSeed += 2;
    const down = () => this.outageUntil;
    const link = { up: new Impairment(line.profile.up, this.clock, random(0), down), down: new Impairment(line.profile.down, this.clock, random(1), down) };
    line.links.push(link);
    return link;
  }

  /** Nothing gets through, either way, for this long (a tunnel, a lift, a dead Wi-Fi). */
  outage(ms: number): void {
    this.outageUntil = this.clock.now() + ms;
  }

  /**
   * The phone changes network mid-call: from now on the media server sees every flow come from a new address and
   * port, as after a switch from Wi-Fi to 4G. (The browser side keeps its address; what the server sees is the point.)
   */
  switchNetwork(): void {
    this.switches += 1;
    this.sourceIndex += 1;
    for (const flow of this.flows.values()) flow.upstream.close();
    this.flows.clear();
  }

  private allowed(address: string | undefined): boolean {
    const only = this.options.onlyFrom;
    return !only || (address !== undefined && only.includes(address.replace(/^::ffff:/, '')));
  }

  private sourceHost(): string {
    const hosts = this.options.sourceHosts ?? [this.options.targetHost];
    return hosts[this.sourceIndex % hosts.length]!;
  }

  private listenUdp(port: number): Promise<void> {
    const listener = dgram.createSocket('udp4');
    this.listeners.push(listener);
    listener.on('message', (packet, from) => {
      if (!this.allowed(from.address)) {
        this.blocked += 1;
        return;
      }
      const key = `${from.address}:${from.port}`;
      let flow = this.flows.get(key);
      if (!flow) {
        const upstream = dgram.createSocket('udp4');
        upstream.bind({ address: this.sourceHost(), port: 0 });
        upstream.on('error', () => upstream.close());
        const link = this.linkForNewFlow();
        upstream.on('message', (reply) => link.down.pass(reply.length, () => listener.send(reply, from.port, from.address)));
        flow = { upstream, link };
        this.flows.set(key, flow);
      }
      const upstream = flow.upstream;
      flow.link.up.pass(packet.length, () => {
        try {
          upstream.send(packet, port, this.options.targetHost);
        } catch {
          // the flow was replaced by a network switch while this packet was on its way: lost, as on a real switch
        }
      });
    });
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.bind({ address: this.options.listenHost, port }, () => resolve());
    });
  }

  /** ICE over TCP (and TURN over TCP) through the same lab: delay, bandwidth and outages; TCP itself repairs loss. */
  private listenTcp(port: number): Promise<void> {
    const server = net.createServer((client) => {
      if (!this.allowed(client.remoteAddress)) {
        this.blocked += 1;
        client.destroy();
        return;
      }
      const upstream = net.connect({ host: this.options.targetHost, port, localAddress: this.sourceHost() });
      for (const socket of [client, upstream]) {
        this.tcpSockets.add(socket);
        socket.on('close', () => this.tcpSockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      // TCP does not lose: a "lost" chunk would corrupt the stream, so loss applies to UDP only here.
      const pipe = (from: net.Socket, to: net.Socket, impairment: Impairment) =>
        from.on('data', (chunk) => impairment.pass(chunk.length, () => to.write(chunk), true));
      const link = this.linkForNewFlow();
      pipe(client, upstream, link.up);
      pipe(upstream, client, link.down);
    });
    this.tcpServers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.options.listenHost, port }, () => resolve());
    });
  }

  async close(): Promise<void> {
    for (const flow of this.flows.values()) flow.upstream.close();
    this.flows.clear();
    for (const socket of this.tcpSockets) socket.destroy();
    await Promise.all([
      ...this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))),
      ...this.tcpServers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    ]);
  }
}
