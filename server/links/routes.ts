/**
 * Citizens' sign-in links over HTTP: a worker makes one for a citizen in their caseload, the citizen's device trades
 * its secret for a long-lived session. Issuing is links/links.ts, the data links/store.ts.
 */
import { startSession } from '../auth/session.js';
import { attemptLimit } from '../http/rate-limit.js';
import { route } from '../http/route.js';
import type { App, FeatureDeps } from '../http/types.js';
import { citizenLinkUrl, issueCitizenLink } from './links.js';

export function citizenLinkRoutes(app: App, deps: FeatureDeps): void {
  const { config } = deps;
  const store = app.links;

  route(app, 'POST /api/citizens/:citizenId/links', async ({ auth, params }) => {
    const link = await store.createCitizenLink(auth, params.citizenId, (tx) =>
      issueCitizenLink(tx, { organisationId: auth.organisationId, citizenId: params.citizenId, createdBy: auth.userId, hours: config.citizenLinkHours }));
    return { id: link.id, url: citizenLinkUrl(config.publicUrl, link.secret), expiresAt: link.expiresAt.toISOString() };
  });

  route(app, 'GET /api/citizens/:citizenId/links', async ({ auth, params }) => store.citizenLinks(auth, params.citizenId));

  route(app, 'POST /api/citizen-links/:linkId/revoke', async ({ auth, params }) => store.revokeCitizenLink(auth, params.linkId));

  /** The citizen's device trades the secret from the link for a long-lived session. One use per link. */
  route(app, 'POST /api/citizen-links/exchange', async ({ body, reply }) =>
    store.exchangeCitizenLink(body.secret, (tx, citizen) => startSession(tx, reply, deps, citizen)),
  { onRequest: attemptLimit(config.signInRateLimitPerMinute) });
}
