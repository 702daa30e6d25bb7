/** Signing in and out over HTTP; the store does the database work, this file decides what each answer is. */
import { HttpError } from '../http/errors.js';
import { attemptLimit } from '../http/rate-limit.js';
import { route } from '../http/route.js';
import type { App, FeatureDeps } from '../http/types.js';
import { SignInLockout } from './lockout.js';
import { verifyPassword } from './password.js';
import { clearSessionCookie, sessionLifetimeMs, setSessionCookie } from './session.js';

export function authRoutes(app: App, deps: FeatureDeps): void {
  const { config } = deps;
  const store = app.signIns;
  const lockout = new SignInLockout(store);
  const invalidCredentials = () => new HttpError(401, 'invalid_credentials', 'E-mail or password is wrong');

  route(app, 'POST /api/auth/login', async ({ body, request, reply }) => {
    const { email, password } = body;
    const started = performance.now();
    const found = await store.findAccount(email.trim());
    if (found?.lockedUntil) {
      // Locked: no password hash is spent, and the answer looks and takes as long as an unknown e-mail's.
      await lockout.waitLikeACheck();
      throw invalidCredentials();
    }
    // Always verify against some hash so that unknown e-mails cost the same time as wrong passwords.
    const passwordOk = await verifyPassword(password, found?.passwordHash);
    lockout.noteCheckDuration(performance.now() - started);
    if (!found || !found.active || !passwordOk) {
      // Unknown and deactivated accounts make the same database round trip as a wrong password; only the last counts.
      const lockedUntil = await lockout.recordFailure(found?.active ? found.userId : null);
      if (lockedUntil) request.log.warn({ route: request.routeOptions.url }, 'account locked after repeated wrong passwords');
      throw invalidCredentials();
    }
    await lockout.recordSuccess(found.userId);
    const { me, auth, expiresAt } = await store.signIn(found, (role) => sessionLifetimeMs(config, role));
    await setSessionCookie(reply, deps, auth, expiresAt);
    return me;
  }, { onRequest: attemptLimit(config.signInRateLimitPerMinute) });

  route(app, 'POST /api/auth/logout', async ({ auth, reply }) => {
    await store.signOut(auth);
    // A call opened with this sign-in ends for this person now, not when its room token would have expired.
    await app.liveCalls.signInsChanged(auth.organisationId, auth.userId);
    clearSessionCookie(reply, config);
  });

  route(app, 'GET /api/me', async ({ auth }) => store.me(auth));

  route(app, 'POST /api/auth/password', async ({ auth, body }) => {
    await store.changePassword(auth, body.currentPassword, body.newPassword);
    await app.liveCalls.signInsChanged(auth.organisationId, auth.userId);
  }, { onRequest: attemptLimit(config.signInRateLimitPerMinute) });
}
