/**
 * Who a database transaction runs for. Every HTTP route's handler runs inside `asActor(auth, …)` (server/http/route.ts),
 * and `inOrganisation` reads it here: besides the organisation, the transaction then says which person and which role
 * is asking (`app.user_id`, `app.user_role`), so row-level policies per person and per role hold in every store without
 * each call site remembering to pass the caller. Work on behalf of no person (the dispatcher, the duty tick, retention,
 * a call's own bookkeeping) runs outside any actor and is bound by the organisation alone.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../../protocol/common.js';

export interface Actor {
  userId: string;
  organisationId: string;
  role: Role;
}

const current = new AsyncLocalStorage<Actor>();

/** Runs fn (and everything it awaits) on behalf of actor. */
export function asActor<T>(actor: Actor | null | undefined, fn: () => T): T {
  return actor ? current.run({ userId: actor.userId, organisationId: actor.organisationId, role: actor.role }, fn) : fn();
}

/** The person the running code acts for, if any. */
export function currentActor(): Actor | undefined {
  return current.getStore();
}

/**
 * Runs fn (and everything it awaits) for no person, inside a request: the system's own part of someone's action,
 * after that person's checks have passed in their own transaction (a volunteer's session is opened and its citizen
 * told by the calls and reminders stores, whose tables a volunteer's role has no grant on).
 */
export function asSystem<T>(fn: () => T): T {
  return current.exit(fn);
}
