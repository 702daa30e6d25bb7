/** Reminder settings (the citizen's consent) over HTTP: the citizen changes their own; their worker may record them. */
import { route } from '../http/route.js';
import type { App } from '../http/types.js';

export function settingsRoutes(app: App): void {
  const store = app.reminderSettings;

  route(app, 'GET /api/my/settings', async ({ auth }) => store.own(auth));
  route(app, 'PUT /api/my/settings', async ({ auth, body }) => store.updateOwn(auth, body));
  route(app, 'GET /api/citizens/:citizenId/settings', async ({ auth, params }) => store.ofCitizen(auth, params.citizenId));
  route(app, 'PUT /api/citizens/:citizenId/settings', async ({ auth, params, body }) => store.updateOfCitizen(auth, params.citizenId, body));
}
