/**
 * Notes and goals over HTTP. Who may see what is decided in the store and the database (server/notes/store.ts,
 * migration 016). Finalising a note records its outcome where the session's own features keep it: on the call log
 * (the calls store, as `POST /api/calls/:callId/outcome` does) and on the booked appointment (the booking store's
 * setOutcome, with its own rules).
 */
import { TIMELINE_KINDS, type TimelineKind } from '../../protocol/notes.js';
import { HttpError } from '../http/errors.js';
import { route } from '../http/route.js';
import type { App } from '../http/types.js';
import { notePdf, noteText } from './export.js';

/** Refusals a session's or appointment's own rules give (not yours, still open, cancelled, not begun): the note stands. */
const refusedByItsRules = (error: unknown) => error instanceof HttpError && [400, 403, 404, 409].includes(error.statusCode);

export function notesRoutes(app: App): void {
  const store = app.notes;

  route(app, 'GET /api/citizens/:citizenId/goals', async ({ auth, params }) => store.goals(auth, params.citizenId));
  route(app, 'POST /api/citizens/:citizenId/goals', async ({ auth, params, body }) => store.createGoal(auth, params.citizenId, body));
  route(app, 'PATCH /api/citizens/:citizenId/goals/:goalId', async ({ auth, params, body }) => store.updateGoal(auth, params.citizenId, params.goalId, body));

  route(app, 'POST /api/notes', async ({ auth, body }) => store.open(auth, body));
  route(app, 'GET /api/notes/:noteId', async ({ auth, params }) => store.get(auth, params.noteId));
  route(app, 'PATCH /api/notes/:noteId', async ({ auth, params, body }) => store.update(auth, params.noteId, body));
  route(app, 'DELETE /api/notes/:noteId', async ({ auth, params }) => store.discard(auth, params.noteId));

  route(app, 'POST /api/notes/:noteId/finalise', async ({ auth, params }) => {
    const { outcome, callId, appointmentId } = await store.finalise(auth, params.noteId);
    let bookedAppointment = appointmentId;
    if (callId) {
      try {
        bookedAppointment = (await app.calls.recordOutcome(auth, callId, { outcome })).appointmentId ?? bookedAppointment;
      } catch (error) {
        if (!refusedByItsRules(error)) throw error;
      }
    }
    let appointmentUpdated = false;
    if (bookedAppointment) {
      try {
        await app.booking.setOutcome(auth, bookedAppointment, { status: outcome });
        appointmentUpdated = true;
      } catch (error) {
        if (!refusedByItsRules(error)) throw error;
      }
    }
    return { ...(await store.get(auth, params.noteId)), appointmentUpdated };
  });

  route(app, 'GET /api/citizens/:citizenId/notes', async ({ auth, params }) => store.ofCitizen(auth, params.citizenId));
  route(app, 'GET /api/citizens/:citizenId/timeline', async ({ auth, params, query }) => {
    const kinds = query.kinds ? [...new Set(query.kinds.split(',') as TimelineKind[])] : [...TIMELINE_KINDS];
    return store.timeline(auth, params.citizenId, { kinds, before: query.before ? new Date(query.before) : null });
  });

  route(app, 'GET /api/notes/:noteId/export.pdf', async ({ auth, params, reply }) => {
    const pdf = await notePdf(await store.forExport(auth, params.noteId, 'pdf'));
    // A binary file: no charset.
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', 'inline; filename="notat.pdf"');
    // Fastify sends a Buffer as it is; the contract calls the body a string (a binary one) for the OpenAPI document.
    return pdf as unknown as string;
  });
  route(app, 'GET /api/notes/:noteId/export.txt', async ({ auth, params }) => noteText(await store.forExport(auth, params.noteId, 'txt')));

  route(app, 'GET /api/organisation/notes-settings', async ({ auth }) => store.settings(auth));
  route(app, 'PUT /api/organisation/notes-settings', async ({ auth, body }) => store.setSettings(auth, body));

  route(app, 'GET /api/my/notes', async ({ auth }) => store.mine(auth));
  route(app, 'POST /api/my/feedback', async ({ auth, body }) => store.feedback(auth, body));
}
