import { Type } from '@sinclair/typebox';
import { ChangePasswordBody, ErrorBody, LoginBody, Me, StaffRoles, type Role } from '../../protocol/api.js';
import { inOrganisation } from '../db/database.js';
import { HttpError, unauthorized } from '../http/errors.js';
import { attemptLimit } from '../http/rate-limit.js';
import type { App, FeatureDeps } from '../http/types.js';
import { SignInLockout } from './lockout.js';
import { hashPassword, verifyPassword } from './password.js';
import { clearSessionCookie, startSession } from './session.js';

const ALL_ROLES: Role[] = ['citizen', ...StaffRoles];

export function authRoutes(app: App, deps: FeatureDeps): void {
  const { sql, config } = deps;


  const lockout = new SignInLockout(sql);
  const invalidCredentials = () => new HttpError(401, 'invalid_credentials', 'E-mail or password is wrong');

  app.post('/api/auth/login', {
    onRequest: attemptLimit(config.signInRateLimitPerMinute),
    schema: { tags: ['auth'], body: LoginBody, response: { 200: Me, 401: ErrorBody } },
  }, async (request, reply) => {
    const { email, password } = request.body;
    const started = performance.now();
    const [found] = await sql<{ user_id: string; organisation_id: string; password_hash: string | null; active: boolean; locked_until: Date | null }[]>`
      select l.*, public.sign_in_locked_until(l.user_id) as locked_until from sign_in_lookup(${email.trim()}) l`;
    if (found?.locked_until) {
      // Locked: no password hash is spent, and the answer looks and takes as long as an unknown e-mail's.
      await lockout.waitLikeACheck();
      throw invalidCredentials();
    }
    // Always verify against some hash so that unknown e-mails cost the same time as wrong passwords.
    const passwordOk = await verifyPassword(password, found?.password_hash);
    lockout.noteCheckDuration(performance.now() - started);
    if (!found || !found.active || !passwordOk) {
      // Unknown and deactivated accounts make the same database round trip as a wrong password; only the last counts.
      const lockedUntil = await lockout.recordFailure(found?.active ? found.user_id : null);
      if (lockedUntil) request.log.warn({ route: request.routeOptions.url }, 'account locked after repeated wrong passwords');
      throw invalidCredentials();
    }
    await lockout.recordSuccess(found.user_id);
    return inOrganisation(sql, found.organisation_id, async (tx) => {
      const me = await loadMe(tx, found.user_id);
      await startSession(tx, reply, deps, { id: found.user_id, organisationId: found.organisation_id, role: me.user.role });
      return me;
    });
  });

  app.post('/api/auth/logout', {
    config: { roles: ALL_ROLES },
    schema: { tags: ['auth'], response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const auth = request.auth!;
    await inOrganisation(sql, auth.organisationId, (tx) => tx`update auth_sessions set revoked_at = now() where id = ${auth.sessionId}`);
    // A call opened with this sign-in ends for this person now, not when its room token would have expired.
    await app.liveCalls.signInsChanged(auth.organisationId, auth.userId);
    clearSessionCookie(reply, config);
    return reply.code(204).send(null);
  });

  app.get('/api/me', {
    config: { roles: ALL_ROLES },
    schema: { tags: ['auth'], response: { 200: Me } },
  }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, (tx) => loadMe(tx, auth.userId));
  });

  app.post('/api/auth/password', {
    config: { roles: StaffRoles },
    onRequest: attemptLimit(config.signInRateLimitPerMinute),
    schema: { tags: ['auth'], body: ChangePasswordBody, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const auth = request.auth!;
    const { currentPassword, newPassword } = request.body;
    await inOrganisation(sql, auth.organisationId, async (tx) => {
      const [user] = await tx<{ password_hash: string | null }[]>`select password_hash from users where id = ${auth.userId}`;
      if (!(await verifyPassword(currentPassword, user?.password_hash))) throw new HttpError(400, 'wrong_password', 'The current password is wrong');
      await tx`update users set password_hash = ${await hashPassword(newPassword)}, updated_at = now() where id = ${auth.userId}`;
      // Everyone else who knew the old password is signed out; this device stays signed in.
      await tx`update auth_sessions set revoked_at = now() where user_id = ${auth.userId} and id <> ${auth.sessionId} and revoked_at is null`;
    });
    await app.liveCalls.signInsChanged(auth.organisationId, auth.userId);
    return reply.code(204).send(null);
  });
}

async function loadMe(tx: import('../db/database.js').Tx, userId: string): Promise<Me> {
  const [row] = await tx<{ id: string; role: Role; display_name: string; preferred_language: Me['user']['preferredLanguage']; org_id: string; org_name: string }[]>`
    select u.id, u.role, u.display_name, u.preferred_language, o.id as org_id, o.name as org_name
    from users u join organisations o on o.id = u.organisation_id where u.id = ${userId}`;
  if (!row) throw unauthorized();
  return {
    user: { id: row.id, role: row.role, displayName: row.display_name, preferredLanguage: row.preferred_language },
    organisation: { id: row.org_id, name: row.org_name },
  };
}
