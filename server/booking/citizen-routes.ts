/** The citizen's side of booking over HTTP: their appointments, their requests for a change, and a calendar file. */
import { appointmentIcs } from '../calendar/ics.js';
import { badRequest } from '../http/errors.js';
import { route } from '../http/route.js';
import type { App, FeatureDeps } from '../http/types.js';

export function citizenBookingRoutes(app: App, { config }: FeatureDeps): void {
  const store = app.citizenBooking;

  route(app, 'GET /api/my/appointments', async ({ auth }) => store.myAppointments(auth));

  /** "I'd rather have a home visit" / "I can't come": the worker is told and decides. */
  route(app, 'POST /api/my/appointments/:appointmentId/requests', async ({ auth, params, body }) => {
    if (body.kind === 'modality' && !body.modality) throw badRequest('Say which kind of meeting you would like');
    if (body.kind === 'cancel' && body.modality) throw badRequest('A cancellation has no modality');
    return store.requestChange(auth, params.appointmentId, body);
  });

  /** "Fortryd", right after asking: the request is taken back before the worker decides. */
  route(app, 'DELETE /api/my/appointments/:appointmentId/requests/open', async ({ auth, params }) => {
    await store.withdrawRequest(auth, params.appointmentId);
  });

  route(app, 'GET /api/my/appointments/:appointmentId/ics', async ({ auth, params, reply }) => {
    const appointment = await store.myBookedAppointment(auth, params.appointmentId);
    reply.header('content-disposition', 'attachment; filename="aftale.ics"');
    return appointmentIcs([{ ...appointment, title: 'Aftale' }], config.publicUrl.hostname);
  });
}
