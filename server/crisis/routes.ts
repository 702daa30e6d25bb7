/** The crisis plan over HTTP: the citizen's side (read, propose, consent) and the staff side (read, versions, save, decide). */
import { route } from '../http/route.js';
import type { App } from '../http/types.js';

export function crisisRoutes(app: App): void {
  const store = app.crisis;

  route(app, 'GET /api/my/crisis-plan', async ({ auth }) => store.mine(auth));
  route(app, 'POST /api/my/crisis-plan/proposals', async ({ auth, body }) => store.propose(auth, body));
  route(app, 'PUT /api/my/crisis-plan/consent', async ({ auth, body }) => store.setConsent(auth, body.consent));

  route(app, 'GET /api/citizens/:citizenId/crisis-plan', async ({ auth, params }) => store.ofCitizen(auth, params.citizenId));
  route(app, 'GET /api/citizens/:citizenId/crisis-plan/versions', async ({ auth, params }) => store.versions(auth, params.citizenId));
  route(app, 'PUT /api/citizens/:citizenId/crisis-plan', async ({ auth, params, body }) => store.save(auth, params.citizenId, body.baseVersion, body.plan));
  route(app, 'POST /api/citizens/:citizenId/crisis-plan/proposals/:proposalId/decide', async ({ auth, params, body }) =>
    store.decide(auth, params.citizenId, params.proposalId, body),
  );
  route(app, 'GET /api/crisis-plans/review-due', async ({ auth }) => store.reviewDue(auth));
}
