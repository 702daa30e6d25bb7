/** The coordinator's organisation-wide settings: reminder offsets, SMS quiet hours, calendar titles, retention. */
import { route } from '../http/route.js';
import type { App } from '../http/types.js';

export function organisationRoutes(app: App): void {
  const store = app.people;

  route(app, 'GET /api/organisation', async ({ auth }) => store.organisationSettings(auth));

  route(app, 'PATCH /api/organisation', async ({ auth, body }) => store.updateOrganisationSettings(auth, body));
}
