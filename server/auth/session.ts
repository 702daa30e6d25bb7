import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../protocol/common.js';
import type { Config } from '../config.js';
import type { Tx } from '../db/database.js';
import { forbidden, unauthorized } from '../http/errors.js';
import { SESSION_COOKIE, type Auth } from './auth.js';
import { insertSignIn, type AuthStore } from './store.js';
import type { TokenService } from './tokens.js';


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

/**
 * A session token's claims under the names this code uses. The token itself keeps the claim `sid` for the sign-in,
 * so tokens already issued still verify.
 */
async function readSessionToken(tokens: TokenService, token: string): Promise<Omit<Auth, 'role'> | undefined> {
  const claims = await tokens.verify(token, 'session');
  return claims && { userId: claims.sub, organisationId: claims.org, signInId: claims.sid };
}

/** Sets the cookie holding the signed token of a sign-in. */
export async function setSessionCookie(reply: FastifyReply, deps: { config: Config; tokens: TokenService }, auth: Auth, expiresAt: Date): Promise<void> {
  const token = await deps.tokens.sign({ sub: auth.userId, org: auth.organisationId, role: auth.role, sid: auth.signInId }, 'session', expiresAt);
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.publicUrl.protocol === 'https:',
    expires: expiresAt,
  });
}

/** Creates the session row in the caller's transaction and sets the cookie holding its signed token. */
export async function startSession(
  tx: Tx,
  reply: FastifyReply,
  deps: { config: Config; tokens: TokenService },
  user: { id: string; organisationId: string; role: Role },
): Promise<string> {
  const expiresAt = new Date(Date.now() + sessionLifetimeMs(deps.config, user.role));
  const signInId = await insertSignIn(tx, { organisationId: user.organisationId, userId: user.id, expiresAt });
  await setSessionCookie(reply, deps, { userId: user.id, organisationId: user.organisationId, role: user.role, signInId }, expiresAt);
  return signInId;
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.publicUrl.protocol === 'https:' });
}

/**
 * onRequest hook: a route with `config.roles` needs a valid, unrevoked session of an active user in one of them.
 * 401 when there is none, 403 when the role does not fit.
 */
export function requireRoles(signIns: Pick<AuthStore, 'currentRole'>, tokens: TokenService) {
  return async (request: FastifyRequest) => {
    request.auth = null;
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await readSessionToken(tokens, token) : undefined;
    if (!session) throw unauthorized();
    const role = await signIns.currentRole(session);
    if (!role) throw unauthorized('Your session has ended. Sign in again.');
    request.auth = { ...session, role };
    if (!roles.includes(role)) throw forbidden();
  };
}
