/**
 * Limits per user on getting into calls, and a queue that runs one piece of work per key at a time. In-process:
 * signalling keeps live calls in this process anyway.
 */

/** Room tokens a user may fetch per minute: a page load or a rejoin takes one; a loop takes many. */
export const ROOM_TOKENS_PER_MINUTE = 30;
/** Signalling connections a user may open per minute (reconnects included; a token can be reused until it expires). */
export const CONNECTIONS_PER_MINUTE = 60;
/** Users tracked at once; past this the oldest windows are forgotten, so memory stays bounded under a flood. */
const MAX_TRACKED_KEYS = 50_000;

/** Fixed one-minute windows per key. */
export class PerMinuteLimit {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  constructor(readonly max: number) {}

  /** Counts one use; answers how many seconds to wait when over the limit, or 0 when allowed. */
  take(key: string, now = Date.now()): number {
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      this.#windows.delete(key);
      window = { count: 0, resetAt: now + 60_000 };
      // Insertion order = age: the first entries are the oldest windows.
      this.#windows.set(key, window);
      for (const [oldKey, old] of this.#windows) {
        if (this.#windows.size <= MAX_TRACKED_KEYS && old.resetAt > now) break;
        this.#windows.delete(oldKey);
      }
    }
    window.count += 1;
    return window.count <= this.max ? 0 : Math.max(1, Math.ceil((window.resetAt - now) / 1000));
  }
}

/** Runs work for the same key one after another (in arrival order); different keys run side by side. */
export class SerialPerKey {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
