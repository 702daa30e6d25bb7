/**
 * What every message of a connection passes before a handler sees it, in this order: the flood limit, the size limit,
 * the compiled schema of its payload, and for a few messages a limit of their own (MESSAGE_LIMITS). Unknown messages draw from the same flood limit and are answered
 * `unknown_message`; past the limit they are dropped unanswered.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ClientMessages, MAX_MESSAGE_BYTES, type ClientMessage, type ClientMessageName, type SignalRefusal } from '../../../protocol/signalling.js';
import type { Logger } from '../../log.js';

const checkers = Object.fromEntries(Object.entries(ClientMessages).map(([name, schema]) => [name, TypeCompiler.Compile(schema)])) as {
  [N in ClientMessageName]: TypeCheck<(typeof ClientMessages)[N]>;
};

export const MESSAGE_NAMES = Object.keys(ClientMessages) as ClientMessageName[];

/** Own properties only: '__proto__', 'constructor' or 'toString' are not messages. */
export const isMessageName = (event: unknown): event is ClientMessageName => typeof event === 'string' && Object.hasOwn(ClientMessages, event);

// Per-connection flood control: a token bucket. A call needs a few dozen messages to set up, then a trickle.
const BUCKET_SIZE = 60;
const REFILL_PER_SECOND = 20;
/**
 * Messages a person reads, limited on their own beyond the flood limit: a worker may send a waiting citizen a few
 * lines ("Jeg kommer om 2 minutter"), not a stream of them onto a frightened person's screen.
 */
const MESSAGE_LIMITS: Partial<Record<ClientMessageName, { size: number; refillPerSecond: number }>> = {
  waitingMessage: { size: 3, refillPerSecond: 1 / 10 },
};

interface Bucket {
  level: number;
  at: number;
}

/** Takes one token from a bucket refilled continuously; false when it is empty. */
function take(bucket: Bucket, size: number, refillPerSecond: number): boolean {
  const now = Date.now();
  bucket.level = Math.min(size, bucket.level + ((now - bucket.at) / 1000) * refillPerSecond);
  bucket.at = now;
  if (bucket.level < 1) return false;
  bucket.level -= 1;
  return true;
}

export type Checked<N extends ClientMessageName> = { ok: true; message: ClientMessage<N> } | { ok: false; refusal: SignalRefusal };

const refused = (code: SignalRefusal['code'], message: string) => ({ ok: false, refusal: { code, message } }) as const;

/** One connection's guard: its flood bucket, and what it has already logged. */
export class MessageGuard {
  private readonly bucket: Bucket = { level: BUCKET_SIZE, at: Date.now() };
  /** Buckets of the messages with a limit of their own (MESSAGE_LIMITS), made on first use. */
  private readonly perMessage = new Map<ClientMessageName, Bucket>();
  /** A misbehaving client can send thousands of bad messages; the log gets the first of each kind per connection. */
  private readonly warned = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** A known message's arguments (payload, the acknowledgement taken off): its payload, or why it is refused. */
  check<N extends ClientMessageName>(name: N, args: unknown[]): Checked<N> {
    if (!this.take()) return refused('rate_limited', 'Too many messages; slow down');
    if (args.length > 1) return refused('bad_request', 'A message has one payload');
    const payload = args[0];
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(payload ?? null));
    } catch {
      return refused('bad_request', 'The message is not JSON');
    }
    if (size > MAX_MESSAGE_BYTES) return refused('too_large', `Messages are limited to ${MAX_MESSAGE_BYTES} bytes`);
    const checker: TypeCheck<(typeof ClientMessages)[N]> = checkers[name];
    if (!checker.Check(payload)) {
      const first = checker.Errors(payload).First();
      return refused('bad_request', `Invalid ${name}: ${first ? `${first.path || '/'} ${first.message}` : 'wrong shape'}`);
    }
    if (!this.takeFor(name)) return refused('rate_limited', 'Too many of these messages; wait a little');
    return { ok: true, message: payload };
  }

  /** An unknown message: its refusal, or undefined when the flood limit drops it unanswered. */
  unknown(event: unknown): SignalRefusal | undefined {
    if (!this.take()) return undefined;
    this.warnOnce('unknown_message', { event: String(event).replace(/[^A-Za-z0-9_-]/g, '?').slice(0, 40) }, 'unknown signalling message');
    return { code: 'unknown_message', message: 'Unknown message' };
  }

  /** Logs a refused message (the first of each name and code). */
  refused(name: ClientMessageName, refusal: SignalRefusal): void {
    this.warnOnce(`refused:${name}:${refusal.code}`, { event: name, code: refusal.code }, 'signalling message refused');
  }

  private take(): boolean {
    return take(this.bucket, BUCKET_SIZE, REFILL_PER_SECOND);
  }

  /** A valid message with a limit of its own: only those count against it (a malformed one is refused above). */
  private takeFor(name: ClientMessageName): boolean {
    const limit = MESSAGE_LIMITS[name];
    if (!limit) return true;
    let bucket = this.perMessage.get(name);
    if (!bucket) this.perMessage.set(name, (bucket = { level: limit.size, at: Date.now() }));
    return take(bucket, limit.size, limit.refillPerSecond);
  }

  private warnOnce(kind: string, detail: Record<string, unknown>, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.log.warn(detail, message);
  }
}
