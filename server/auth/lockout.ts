import { setTimeout as sleep } from 'node:timers/promises';
import { route } from '../http/route.js';
import type { App } from '../http/types.js';
import type { AuthStore } from './store.js';

/**
 * Per-account sign-in lockout, kept in the database (migrations/007_sign_in_lockout.sql) so it holds across app
 * instances and however many addresses the guesses come from: 10 wrong passwords in a row lock the account for
 * 15 minutes, each further lock twice as long (at most a day). A locked account is answered exactly like an unknown
 * e-mail, without spending a password hash on it; a coordinator can lift the lock.
 */
export class SignInLockout {
  // How long a password check takes here, so that a locked account's answer takes as long (without the CPU cost).
  #typicalCheckMs = 100;

  constructor(private readonly store: Pick<AuthStore, 'recordSignInFailure' | 'recordSignInSuccess'>) {}

  /** Remembers how long one sign-in check took (lookup and password hash). */
  noteCheckDuration(ms: number): void {
    this.#typicalCheckMs = this.#typicalCheckMs * 0.8 + Math.min(ms, 5_000) * 0.2;
  }

  /** Waits about as long as a password check, so that a locked account cannot be told apart by timing. */
  async waitLikeACheck(): Promise<void> {
    await sleep(this.#typicalCheckMs * (0.9 + Math.random() * 0.2));
  }

  /** Counts a wrong password (null: no account to count against); answers the end of the lock it started, if any. */
  recordFailure(userId: string | null): Promise<Date | null> {
    return this.store.recordSignInFailure(userId);
  }

  recordSuccess(userId: string): Promise<void> {
    return this.store.recordSignInSuccess(userId);
  }
}

export function lockoutRoutes(app: App): void {
  route(app, 'POST /api/users/:userId/unlock', async ({ auth, params }) => app.signIns.unlock(auth, params.userId));
}
