/**
 * Sign-ins in the database: the account lookup before any organisation is known, the lockout counters, the
 * sessions (auth_sessions) that make a signed token count, and the password. Every query of the auth feature.
 */
import type { Sql } from 'postgres';
import type { Me } from '../../protocol/auth.js';
import type { Role } from '../../protocol/common.js';
import { audit } from '../audit/store.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { HttpError, notFound, unauthorized } from '../http/errors.js';
import type { Auth } from './auth.js';
import { hashPassword, verifyPassword } from './password.js';

/** What signing in needs to know about an e-mail address, before the password is checked. */
export interface Account {
  userId: string;
  organisationId: string;
  passwordHash: string | null;
  active: boolean;
  /** Set while too many wrong passwords lock the account. */
  lockedUntil: Date | null;
}

/** Starts a sign-in (a row of auth_sessions) in the caller's transaction; answers its id. */
export async function insertSignIn(tx: Tx, session: { organisationId: string; userId: string; expiresAt: Date }): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into auth_sessions (organisation_id, user_id, expires_at)
    values (${session.organisationId}, ${session.userId}, ${session.expiresAt}) returning id`;
  return row!.id;
}

/** Ends every sign-in of a person, except the one named in `except` (the device that changed the password). */
export async function revokeSignIns(tx: Tx, userId: string, except?: string): Promise<void> {
  await tx`
    update auth_sessions set revoked_at = now()
    where user_id = ${userId} and revoked_at is null ${except === undefined ? tx`` : tx`and id <> ${except}`}`;
}

async function loadMe(tx: Tx, userId: string): Promise<Me> {
  const [row] = await tx<{ id: string; role: Role; display_name: string; preferred_language: Me['user']['preferredLanguage']; org_id: string; org_name: string }[]>`
    select u.id, u.role, u.display_name, u.preferred_language, o.id as org_id, o.name as org_name
    from users u join organisations o on o.id = u.organisation_id where u.id = ${userId}`;
  if (!row) throw unauthorized();
  return {
    user: { id: row.id, role: row.role, displayName: row.display_name, preferredLanguage: row.preferred_language },
    organisation: { id: row.org_id, name: row.org_name },
  };
}

export type AuthStore = ReturnType<typeof authStore>;

export function authStore(sql: Sql) {
  return {
    /** The account behind an e-mail address (sign_in_lookup is the one way to find it across organisations). */
    async findAccount(email: string): Promise<Account | undefined> {
      const [found] = await sql<{ user_id: string; organisation_id: string; password_hash: string | null; active: boolean; locked_until: Date | null }[]>`
        select l.*, public.sign_in_locked_until(l.user_id) as locked_until from sign_in_lookup(${email}) l`;
      return found && {
        userId: found.user_id, organisationId: found.organisation_id, passwordHash: found.password_hash, active: found.active, lockedUntil: found.locked_until,
      };
    },

    /** Counts a wrong password (null: no account to count against); answers the end of the lock it started, if any. */
    async recordSignInFailure(userId: string | null): Promise<Date | null> {
      const [row] = await sql<{ locked_until: Date | null }[]>`select public.record_sign_in_failure(${userId}) as locked_until`;
      return row?.locked_until ?? null;
    },

    async recordSignInSuccess(userId: string): Promise<void> {
      await sql`select public.record_sign_in_success(${userId})`;
    },

    /** Lifts a staff member's lockout and starts their count of wrong passwords again. */
    unlock(auth: Auth, userId: string): Promise<{ wasLocked: boolean }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [user] = await tx`select 1 from users where id = ${userId} and role <> 'citizen'`;
        if (!user) throw notFound('No such staff member');
        const removed = await tx<{ locked: boolean }[]>`
          delete from sign_in_failures where user_id = ${userId}
          returning coalesce(locked_until > now(), false) as locked`;
        const wasLocked = removed[0]?.locked ?? false;
        await audit(tx, auth, 'staff.unlock', userId, { wasLocked });
        return { wasLocked };
      });
    },

    /** Signs a person in whose password was right: who they are, and a new sign-in lasting `lifetimeMs(role)`. */
    signIn(account: Pick<Account, 'userId' | 'organisationId'>, lifetimeMs: (role: Role) => number): Promise<{ me: Me; auth: Auth; expiresAt: Date }> {
      return inOrganisation(sql, account.organisationId, async (tx) => {
        const me = await loadMe(tx, account.userId);
        const expiresAt = new Date(Date.now() + lifetimeMs(me.user.role));
        const signInId = await insertSignIn(tx, { organisationId: account.organisationId, userId: account.userId, expiresAt });
        return { me, auth: { userId: account.userId, organisationId: account.organisationId, role: me.user.role, signInId }, expiresAt };
      });
    },

    /**
     * The caller's role if their sign-in is still good: not revoked, not expired, and the person still active.
     * Undefined otherwise.
     */
    async currentRole(session: Omit<Auth, 'role'>): Promise<Role | undefined> {
      const rows = await inOrganisation(sql, session.organisationId, (tx) => tx<{ role: Role }[]>`
        select u.role from auth_sessions s join users u on u.id = s.user_id
        where s.id = ${session.signInId} and s.user_id = ${session.userId}
          and s.revoked_at is null and s.expires_at > now() and u.active
          -- a reminder join session (one appointment's call only) is never a sign-in, whatever token names it
          and s.reminder_link_id is null`);
      return rows[0]?.role;
    },

    me(auth: Auth): Promise<Me> {
      return inOrganisation(sql, auth.organisationId, (tx) => loadMe(tx, auth.userId));
    },

    async signOut(auth: Auth): Promise<void> {
      await inOrganisation(sql, auth.organisationId, (tx) => tx`update auth_sessions set revoked_at = now() where id = ${auth.signInId}`);
    },

    /** A new password for the caller, given the current one. Everyone else who knew the old one is signed out. */
    async changePassword(auth: Auth, currentPassword: string, newPassword: string): Promise<void> {
      await inOrganisation(sql, auth.organisationId, async (tx) => {
        // Through the database function: a volunteer's transaction may not read the password column (migration 019).
        const [user] = await tx<{ password_hash: string | null }[]>`select public.app_own_password_hash(${auth.userId}) as password_hash`;
        if (!(await verifyPassword(currentPassword, user?.password_hash))) throw new HttpError(400, 'wrong_password', 'The current password is wrong');
        await tx`update users set password_hash = ${await hashPassword(newPassword)}, updated_at = now() where id = ${auth.userId}`;
        // This device stays signed in.
        await revokeSignIns(tx, auth.userId, auth.signInId);
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    signIns: AuthStore;
  }
}
