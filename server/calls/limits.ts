/**
 * Limits per user on getting into calls (counted with the same AttemptCounter as sign-in, http/rate-limit.ts), and a
 * queue that runs one piece of work per key at a time. In-process: signalling keeps live calls in this process anyway.
 */

/** Room tokens a user may fetch per minute: a page load or a rejoin takes one; a loop takes many. */
export const ROOM_TOKENS_PER_MINUTE = 30;
/** Signalling connections a user may open per minute (reconnects included; a token can be reused until it expires). */
export const CONNECTIONS_PER_MINUTE = 60;

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
