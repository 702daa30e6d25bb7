/**
 * Push subscriptions in the database: a citizen's devices that asked to be told when their worker is ready. Each
 * row belongs to the sign-in on the device that made it and goes with it (migration 010). The dispatcher reads them
 * and deletes those the push service says are gone, in its own transaction (the functions taking a `tx`).
 */
import type { Sql } from 'postgres';
import type { PushSubscriptionBody } from '../../protocol/push.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';

/** A device to push to, as web-push takes it, with its row id. */
export interface StoredPushSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** The citizen's devices that may be pushed to now: their sign-in still holds and the citizen is active. */
export async function pushSubscriptionsOf(tx: Tx, citizenId: string): Promise<StoredPushSubscription[]> {
  const rows = await tx<{ id: string; endpoint: string; p256dh: string; auth: string }[]>`
    select p.id, p.endpoint, p.p256dh, p.auth
    from push_subscriptions p
    join users u on u.id = p.user_id and u.active
    join auth_sessions a on a.id = p.auth_session_id and a.revoked_at is null and a.expires_at > now()
    where p.user_id = ${citizenId}
    order by p.updated_at desc`;
  return rows.map((r) => ({ id: r.id, endpoint: r.endpoint, keys: { p256dh: r.p256dh, auth: r.auth } }));
}

/** The push service answered 404 or 410: the browser dropped the subscription, so do we. */
export async function deletePushSubscriptions(tx: Tx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx`delete from push_subscriptions where id = any(${tx.array(ids as string[])}::uuid[])`;
}

export type PushStore = ReturnType<typeof pushStore>;

export function pushStore(sql: Sql) {
  return {
    /**
     * This device (its endpoint) is told from now on, under the caller's sign-in. Subscribing again (the app does on
     * every start) refreshes the keys and moves it to the newest sign-in. A device is one person's: if another
     * citizen of the organisation had subscribed this browser before, that row goes.
     */
    subscribe(auth: Auth, body: PushSubscriptionBody): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await tx`delete from push_subscriptions where endpoint = ${body.endpoint} and user_id <> ${auth.userId}`;
        await tx`
          insert into push_subscriptions (organisation_id, user_id, auth_session_id, endpoint, p256dh, auth)
          values (${auth.organisationId}, ${auth.userId}, ${auth.signInId}, ${body.endpoint}, ${body.keys.p256dh}, ${body.keys.auth})
          on conflict (user_id, endpoint) do update
            set auth_session_id = excluded.auth_session_id, p256dh = excluded.p256dh, auth = excluded.auth, updated_at = now()`;
      });
    },

    /** This device is no longer told. Idempotent: a device that was not subscribed is fine. */
    unsubscribe(auth: Auth, endpoint: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await tx`delete from push_subscriptions where user_id = ${auth.userId} and endpoint = ${endpoint}`;
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    push: PushStore;
  }
}
