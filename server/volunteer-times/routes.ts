/**
 * Volunteers' own sessions over HTTP: regular times, a matched citizen's free times and bookings, the session a
 * volunteer opens and their call for help in it, practice calls, and device checks. Who may do what is here; the SQL
 * is in store.ts.
 */
import { asActor, asSystem } from '../db/actor.js';
import { route } from '../http/route.js';
import type { App } from '../http/types.js';

export function volunteerTimeRoutes(app: App): void {
  const store = app.volunteerTimes;

  // ——— The volunteer ———
  route(app, 'GET /api/my/volunteer-times', async ({ auth }) => store.myTimes(auth));
  route(app, 'POST /api/my/volunteer-times', async ({ auth, body }) => store.addTime(auth, body));
  route(app, 'DELETE /api/my/volunteer-times/:timeId', async ({ auth, params }) => store.deleteTime(auth, params.timeId));
  route(app, 'GET /api/my/volunteer-appointments', async ({ auth }) => store.myAppointments(auth));

  /**
   * The volunteer opens the session of their own appointment; the citizen is told as for any session. The store checks
   * that it is the volunteer's appointment with a citizen they are matched with; opening the session and planning the
   * citizen's "ready" notice are then the system's work (the calls and reminders tables are not the volunteer's).
   */
  route(app, 'POST /api/volunteer-calls', async ({ auth, body }) => {
    const started = await asSystem(() => store.startCall(auth, body.appointmentId));
    app.events.callChanged(auth.organisationId, started.id);
    // What the volunteer is told of the citizen: the first name, and not how the citizen is reached (their consents
    // to push, SMS or e-mail are the staff's to know).
    return { ...started, otherName: started.otherName.split(' ')[0] ?? started.otherName, notice: 'none' as const, waiting: 0 };
  });

  /**
   * "Jeg har brug for hjælp fra en medarbejder". The volunteer's contact person is brought into the call (it shows on
   * their open sessions at once, with the alert of a waiting call); with no active contact person, the citizen's
   * own worker or the duty queue gets a contact request on the citizen's behalf, routed as if the citizen had asked.
   */
  route(app, 'POST /api/volunteer-calls/:callId/staff-help', async ({ auth, params }) => {
    const { citizenId, contactPersonId } = await asSystem(() => store.helpTarget(auth, params.callId));
    if (contactPersonId) {
      await asSystem(() => app.calls.invite(auth, params.callId, contactPersonId));
      app.events.callChanged(auth.organisationId, params.callId);
      return { reached: 'contact_person' as const };
    }
    // The request is the citizen's (the duty queue's requests are): it is made as theirs, for them.
    const citizen = { userId: citizenId, organisationId: auth.organisationId, role: 'citizen' as const, signInId: auth.signInId };
    const { requestId } = await asActor(citizen, () => app.duty.create(citizen, { way: 'phone', topic: 'Frivillig beder om hjælp i et opkald' }));
    if (!requestId) return { reached: 'no_one' as const };
    app.dutyNotifier.requestChanged(auth.organisationId, requestId);
    return { reached: 'duty' as const };
  });

  // ——— The matched citizen ———
  route(app, 'GET /api/my/volunteer-free-times', async ({ auth }) => store.myFreeTimes(auth));
  route(app, 'GET /api/volunteers/:volunteerId/free-times', async ({ auth, params, query }) => store.freeTimes(auth, params.volunteerId, query.from));
  route(app, 'POST /api/volunteers/:volunteerId/bookings', async ({ auth, params, body }) => store.book(auth, params.volunteerId, body));
  route(app, 'GET /api/my/volunteer-bookings', async ({ auth }) => store.myBookings(auth));
  route(app, 'POST /api/my/volunteer-bookings/:appointmentId/cancel', async ({ auth, params }) => store.cancel(auth, params.appointmentId));

  // ——— Getting started ———
  route(app, 'POST /api/my/device-checks', async ({ auth, body }) => store.recordDeviceCheck(auth, body.result));
  route(app, 'GET /api/device-checks', async ({ auth }) => store.deviceChecks(auth));
  route(app, 'POST /api/practice-calls', async ({ auth, body }) => store.bookPractice(auth, body));
}
