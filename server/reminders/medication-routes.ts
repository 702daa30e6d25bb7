/** Medication reminders over HTTP: staff who may act for a citizen keep their schedules. */
import { route } from '../http/route.js';
import type { App } from '../http/types.js';

export function medicationRoutes(app: App): void {
  const store = app.medication;

  route(app, 'GET /api/citizens/:citizenId/medication-schedules', async ({ auth, params }) => store.schedules(auth, params.citizenId));
  route(app, 'POST /api/citizens/:citizenId/medication-schedules', async ({ auth, params, body }) => store.add(auth, params.citizenId, body));
  route(app, 'POST /api/citizens/:citizenId/medication-schedules/:scheduleId/deactivate', async ({ auth, params }) =>
    store.deactivate(auth, params.citizenId, params.scheduleId));
}
