import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import type { Sql } from 'postgres';
import { IdParams } from '../../protocol/api.js';
import { audit } from '../audit/audit.js';
import { inOrganisation } from '../db/database.js';
import { notFound } from '../http/errors.js';
import type { App, FeatureDeps } from '../http/types.js';

/**
 * Per-account sign-in lockout, kept in the database (migrations/007_sign_in_lockout.sql) so it holds across app
 * instances and however many addresses the guesses come from: 10 wrong passwords in a row lock the account for
 * 15 minutes, each further lock twice as long (at most a day). A locked account is answered exactly like an unknown
 * e-mail, without spending a password hash on it; a coordinator can lift the lock.
 */
export class SignInLockout {
  // How long a password check takes here, so that a locked account's answer takes as long (without the CPU cost).
  #typicalCheckMs = 100;

  constructor(private readonly sql: Sql) {}

  /** Remembers how long one sign-in check took (lookup and password hash). */
  noteCheckDuration(ms: number): void {
    this.#typicalCheckMs = this.#typicalCheckMs * 0.8 + Math.min(ms, 5_000) * 0.2;
  }

  /** Waits about as long as a password check, so that a locked account cannot be told apart by timing. */
  async waitLikeACheck(): Promise<void> {
    await sleep(this.#typicalCheckMs * (0.9 + Math.random() * 0.2));
  }

  /** Counts a wrong password (null: no account to count against); answers the end of the lock it started, if any. */
  async recordFailure(userId: string | null): Promise<Date | null> {
    const [row] = await this.sql<{ locked_until: Date | null }[]>`select public.record_sign_in_failure(${userId}) as locked_until`;
    return row?.locked_until ?? null;
  }

  async recordSuccess(userId: string): Promise<void> {
    await this.sql`select public.record_sign_in_success(${userId})`;
  }
}

export function lockoutRoutes(app: App, { sql }: FeatureDeps): void {
  app.post('/api/users/:userId/unlock', {
    config: { roles: ['coordinator'] },
    schema: {
      tags: ['people'],
      description: 'Lifts a sign-in lockout (after too many wrong passwords) and starts the count of wrong passwords again.',
      params: IdParams.user,
      response: { 200: Type.Object({ wasLocked: Type.Boolean() }) },
    },
  }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      const [user] = await tx`select 1 from users where id = ${request.params.userId} and role <> 'citizen'`;
      if (!user) throw notFound('No such staff member');
      const removed = await tx<{ locked: boolean }[]>`
        delete from sign_in_failures where user_id = ${request.params.userId}
        returning coalesce(locked_until > now(), false) as locked`;
      const wasLocked = removed[0]?.locked ?? false;
      await audit(tx, auth, 'staff.unlock', request.params.userId, { wasLocked });
      return { wasLocked };
    });
  });
}
