/** The staff's side of booking over HTTP: who may book for whom is decided here; the store does the rest. */
import { badRequest, forbidden } from '../http/errors.js';
import { route } from '../http/route.js';
import type { App } from '../http/types.js';

export function bookingRoutes(app: App): void {
  const store = app.booking;

  route(app, 'POST /api/appointments', async ({ auth, body }) => {
    if (auth.role === 'worker' && body.workerId !== undefined && body.workerId !== auth.userId) throw forbidden('Workers book their own appointments');
    if (auth.role === 'coordinator' && body.workerId === undefined) throw badRequest('Say which worker the appointment is with (workerId)');
    return store.book(auth, body.workerId ?? auth.userId, body);
  });

  route(app, 'GET /api/appointments', async ({ auth, query }) => {
    if (auth.role === 'worker' && query.workerId !== undefined && query.workerId !== auth.userId) throw forbidden('Workers see their own calendar');
    const workerId = query.workerId ?? (auth.role === 'worker' ? auth.userId : undefined);
    return store.list(auth, { from: query.from, days: Number(query.days ?? 1), workerId });
  });

  route(app, 'POST /api/appointments/:appointmentId/cancel', async ({ auth, params, body }) =>
    store.cancel(auth, params.appointmentId, body.reason));

  route(app, 'POST /api/appointments/:appointmentId/reschedule', async ({ auth, params, body }) =>
    store.reschedule(auth, params.appointmentId, body));

  route(app, 'POST /api/appointments/:appointmentId/status', async ({ auth, params, body }) =>
    store.setOutcome(auth, params.appointmentId, body));

  route(app, 'POST /api/change-requests/:requestId/decide', async ({ auth, params, body }) =>
    store.decideRequest(auth, params.requestId, body.accept));
}
