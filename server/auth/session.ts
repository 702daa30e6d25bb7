import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import type { Role } from '../../protocol/api.js';
import type { Config } from '../config.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { forbidden, unauthorized } from '../http/errors.js';
import type { TokenService } from './tokens.js';

export const SESSION_COOKIE = 'naervaer_session';

/** Who is calling: set on every request to a route that declares roles. */
export interface Auth {
  userId: string;
  organisationId: string;
  role: Role;
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
  interface FastifyContextConfig {
    /** Roles allowed to call the route. Absent: a public route. */
    roles?: readonly Role[];
  }
}

export function sessionLifetimeMs(config: Config, role: Role): number {
  return role === 'citizen' ? config.citizenSessionDays * 24 * 3600_000 : config.staffSessionHours * 3600_000;
}

/** Creates the session row and sets the cookie holding its signed token. */
export async function startSession(
  tx: Tx,
  reply: FastifyReply,
  deps: { config: Config; tokens: TokenService },
  user: { id: string; organisationId: string; role: Role },
): Promise<string> {
  const expiresAt = new Date(Date.now() + sessionLifetimeMs(deps.config, user.role));
  const [row] = await tx<{ id: string }[]>`
    insert into auth_sessions (organisation_id, user_id, expires_at)
    values (${user.organisationId}, ${user.id}, ${expiresAt}) returning id`;
  const token = await deps.tokens.sign({ sub: user.id, org: user.organisationId, role: user.role, sid: row!.id }, 'session', expiresAt);
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.publicUrl.protocol === 'https:',
    expires: expiresAt,
  });
  return row!.id;
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.publicUrl.protocol === 'https:' });
}

/**
 * onRequest hook: a route with `config.roles` needs a valid, unrevoked session of an active user in one of them.
 * 401 when there is none, 403 when the role does not fit.
 */
export function requireRoles(sql: Sql, tokens: TokenService) {
  return async (request: FastifyRequest) => {
    request.auth = null;
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const token = request.cookies[SESSION_COOKIE];
    const claims = token ? await tokens.verify(token, 'session') : undefined;
    if (!claims) throw unauthorized();
    const rows = await inOrganisation(sql, claims.org, (tx) => tx<{ role: Role }[]>`
      select u.role from auth_sessions s join users u on u.id = s.user_id
      where s.id = ${claims.sid} and s.user_id = ${claims.sub}
        and s.revoked_at is null and s.expires_at > now() and u.active
        -- a reminder join session (one appointment's call only) is never a sign-in, whatever token names it
        and s.reminder_link_id is null`);
    const row = rows[0];
    if (!row) throw unauthorized('Your session has ended. Sign in again.');
    request.auth = { userId: claims.sub, organisationId: claims.org, role: row.role, sessionId: claims.sid };
    if (!roles.includes(row.role)) throw forbidden();
  };
}
