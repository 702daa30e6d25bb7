/** Teams, people and caseloads over HTTP: who may see and change what is decided here; the store does the rest. */
import { badRequest, forbidden } from '../http/errors.js';
import { route } from '../http/route.js';
import type { App } from '../http/types.js';

export function peopleRoutes(app: App): void {
  const store = app.people;

  // Teams
  route(app, 'GET /api/teams', async ({ auth }) => store.listTeams(auth));

  route(app, 'POST /api/teams', async ({ auth, body }) => store.createTeam(auth, body.name));

  route(app, 'PATCH /api/teams/:teamId', async ({ auth, params, body }) => store.updateTeam(auth, params.teamId, body));

  // Users
  route(app, 'GET /api/users', async ({ auth, query }) => store.listUsers(auth, query));

  route(app, 'POST /api/users', async ({ auth, body }) => {
    if (body.role === 'citizen' && body.password !== undefined) throw badRequest('Citizens never get a password; create a sign-in link instead');
    if (body.role !== 'citizen' && (body.email === undefined || body.password === undefined)) {
      throw badRequest('Staff need an e-mail address and an initial password to sign in');
    }
    return store.createUser(auth, body);
  });

  route(app, 'GET /api/users/:userId', async ({ auth, params }) => store.getUser(auth, params.userId));

  route(app, 'PATCH /api/users/:userId', async ({ auth, params, body }) => store.updateUser(auth, params.userId, body));

  route(app, 'POST /api/users/:userId/deactivate', async ({ auth, params }) => {
    if (params.userId === auth.userId) throw badRequest('You cannot deactivate yourself');
    const user = await store.deactivate(auth, params.userId);
    // Signed out and links revoked by the store; taken out of any call they are in once that is committed.
    await app.liveCalls.signInsChanged(auth.organisationId, user.id);
    return user;
  });

  route(app, 'GET /api/colleagues', async ({ auth }) => store.colleagues(auth));

  // Caseload: which citizens a worker supports
  route(app, 'GET /api/workers/:workerId/caseload', async ({ auth, params }) => {
    if (auth.role === 'worker' && params.workerId !== auth.userId) throw forbidden('Workers can see only their own caseload');
    return store.caseload(auth, params.workerId);
  });

  route(app, 'PUT /api/workers/:workerId/caseload/:citizenId', async ({ auth, params }) =>
    store.addToCaseload(auth, params.workerId, params.citizenId));

  route(app, 'DELETE /api/workers/:workerId/caseload/:citizenId', async ({ auth, params }) =>
    store.removeFromCaseload(auth, params.workerId, params.citizenId));
}
