/**
 * Duty over HTTP: the coordinator's roster and settings, the citizen's "Jeg vil gerne tale med nogen", the duty
 * screen's list and claim, and the chat of a chat request. Who may see what is decided in the store (server/duty/
 * store.ts); here each change is told to the people it concerns over /events (server/events/).
 */
import { route } from '../http/route.js';
import type { App } from '../http/types.js';
import type { DutyNotifier } from './notify.js';

export function dutyRoutes(app: App, notify: DutyNotifier): void {
  const store = app.duty;

  // ——— The coordinator's Vagtplan ———
  route(app, 'GET /api/duty/settings', async ({ auth }) => store.getSettings(auth.organisationId));
  route(app, 'PATCH /api/duty/settings', async ({ auth, body }) => store.updateSettings(auth, body));
  route(app, 'GET /api/duty/working-hours/:workerId', async ({ auth, params }) => store.getWorkingHours(auth, params.workerId));
  route(app, 'PUT /api/duty/working-hours/:workerId', async ({ auth, params, body }) => store.putWorkingHours(auth, params.workerId, body.periods));
  route(app, 'GET /api/duty/teams', async ({ auth }) => store.listTeams(auth.organisationId));
  route(app, 'PUT /api/duty/teams/:teamId', async ({ auth, params, body }) => store.putTeam(auth, params.teamId, body));
  route(app, 'GET /api/duty/shifts', async ({ auth, query }) => store.listShifts(auth.organisationId, query.from, query.teamId));
  route(app, 'POST /api/duty/shifts', async ({ auth, body }) => store.createShift(auth, body));
  route(app, 'DELETE /api/duty/shifts/:shiftId', async ({ auth, params }) => store.deleteShift(auth, params.shiftId));
  route(app, 'GET /api/duty/statistics', async ({ auth, query }) => store.statistics(auth, query.from, query.to));

  // ——— The duty screen ———
  route(app, 'GET /api/duty/me', async ({ auth }) => store.myDuty(auth));
  route(app, 'GET /api/contact-requests', async ({ auth }) => store.list(auth));
  route(app, 'GET /api/contact-requests/:requestId', async ({ auth, params }) => store.get(auth, params.requestId));

  /** "Jeg tag den": one winner; a video claim opens the session, and its participants hear of it as any session's. */
  route(app, 'POST /api/contact-requests/:requestId/claim', async ({ auth, params }) => {
    const claimed = await store.claim(auth, params.requestId);
    notify.requestChanged(auth.organisationId, params.requestId);
    if (claimed.call) app.events.callChanged(auth.organisationId, claimed.call.id);
    // A session just opened has no one waiting in it yet.
    return { ...claimed, call: claimed.call ? { ...claimed.call, waiting: 0 } : null };
  });

  route(app, 'POST /api/contact-requests/:requestId/close', async ({ auth, params }) => {
    await store.close(auth, params.requestId);
    notify.requestChanged(auth.organisationId, params.requestId);
  });

  // ——— Chat ———
  route(app, 'GET /api/contact-requests/:requestId/messages', async ({ auth, params }) => store.messages(auth, params.requestId));
  route(app, 'POST /api/contact-requests/:requestId/messages', async ({ auth, params, body }) => {
    const { message } = await store.postMessage(auth, params.requestId, body.text);
    notify.messagesChanged(auth.organisationId, params.requestId);
    return message;
  });

  // ——— The citizen ———
  route(app, 'POST /api/my/contact-requests', async ({ auth, body }) => {
    const { reply, requestId, closedId } = await store.create(auth, body);
    if (requestId) notify.requestChanged(auth.organisationId, requestId);
    if (closedId) notify.requestChanged(auth.organisationId, closedId);
    return reply;
  });
  route(app, 'GET /api/my/contact-requests/current', async ({ auth }) => store.current(auth));
  route(app, 'POST /api/my/contact-requests/:requestId/cancel', async ({ auth, params }) => {
    await store.cancel(auth, params.requestId);
    notify.requestChanged(auth.organisationId, params.requestId);
  });
}
