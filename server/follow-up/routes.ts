/** Follow-ups after a no-show over HTTP (issue 11): the worker's list, actions and closing; the coordinators' alerts. */
import { route } from '../http/route.js';
import type { App } from '../http/types.js';

export function followUpRoutes(app: App): void {
  const store = app.followUps;

  route(app, 'GET /api/follow-ups', async ({ auth, query }) => store.list(auth, query.status ?? 'open'));

  route(app, 'POST /api/follow-ups/:followUpId/actions', async ({ auth, params, body }) => store.addAction(auth, params.followUpId, body));

  route(app, 'POST /api/follow-ups/:followUpId/actions/:actionId/done', async ({ auth, params }) =>
    store.actionDone(auth, params.followUpId, params.actionId));

  route(app, 'POST /api/follow-ups/:followUpId/close', async ({ auth, params, body }) => store.close(auth, params.followUpId, body));

  route(app, 'GET /api/follow-up-alerts', async ({ auth }) => store.alerts(auth));

  route(app, 'POST /api/follow-up-alerts/:alertId/seen', async ({ auth, params }) => {
    await store.alertSeen(auth, params.alertId);
    for (const id of await store.coordinatorIds(auth.organisationId)) app.events.toUser(id, 'followUpsChanged');
  });
}
