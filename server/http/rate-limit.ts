import net from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/** Enough for every address that signs in within a minute on a busy installation; about 10 MB at the cap. */
export const MAX_TRACKED_ADDRESSES = 100_000;

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window attempt counter per key, with a hard cap on how many keys it holds: past the cap the oldest window
 * goes, so a flood of new addresses costs a bounded amount of memory (and only ever forgets the oldest counters).
 */
export class AttemptCounter {
  // A Map iterates in insertion order; a window is re-inserted when it restarts, so the first entry is the oldest.
  readonly #windows = new Map<string, Window>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    readonly maxKeys = MAX_TRACKED_ADDRESSES,
  ) {}

  get size(): number {
    return this.#windows.size;
  }

  /** Counts one attempt; answers whether it is over the limit and, if so, how many seconds until it is not. */
  hit(key: string, now = Date.now()): { limited: false } | { limited: true; retryAfterSeconds: number } {
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      this.#windows.delete(key);
      window = { count: 0, resetAt: now + this.windowMs };
      this.#windows.set(key, window);
      this.#evict(now);
    }
    window.count += 1;
    if (window.count <= this.max) return { limited: false };
    return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
  }

  #evict(now: number): void {
    for (const [key, window] of this.#windows) {
      if (this.#windows.size <= this.maxKeys && window.resetAt > now) return;
      this.#windows.delete(key);
    }
  }
}

/**
 * The key of a client address. An IPv6 client usually holds a whole /64, so counting single IPv6 addresses would let
 * one client take a new address for each attempt.
 */
export function clientKey(ip: string): string {
  if (net.isIPv6(ip) && !ip.startsWith('::ffff:')) {
    const [head = '', tail = ''] = ip.split('::');
    const left = head === '' ? [] : head.split(':');
    const right = tail === '' ? [] : tail.split(':');
    const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
    return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
  }
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * onRequest hook limiting sign-in style routes (guessing passwords or link secrets) per client address.
 * In-process: with several app instances each counts on its own; the per-account lockout (auth/lockout.ts) is held in
 * the database and so holds across instances.
 */
export function attemptLimit(max: number, windowMs = 60_000) {
  const counter = new AttemptCounter(max, windowMs);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = counter.hit(clientKey(request.ip));
    if (result.limited) {
      reply.header('retry-after', String(result.retryAfterSeconds));
      request.log.warn({ route: request.routeOptions.url }, 'attempt limit reached');
      throw new HttpError(429, 'rate_limited', 'Too many attempts. Wait a minute and try again.');
    }
  };
}
