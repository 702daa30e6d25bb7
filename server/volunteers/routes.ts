/** Volunteers over HTTP: profiles, follow-up and hours (staff), matching (staff and citizen), the volunteer's own home. */
import { route } from '../http/route.js';
import type { App } from '../http/types.js';
import { hoursCsv } from './hours-csv.js';

export function volunteerRoutes(app: App): void {
  const store = app.volunteers;

  route(app, 'GET /api/volunteers', async ({ auth }) => store.list(auth));
  route(app, 'PUT /api/volunteers/:volunteerId/profile', async ({ auth, params, body }) => store.saveProfile(auth, params.volunteerId, body));
  route(app, 'GET /api/volunteers/:volunteerId/follow-up', async ({ auth, params }) => store.followUp(auth, params.volunteerId));
  route(app, 'POST /api/volunteers/:volunteerId/supervision-notes', async ({ auth, params, body }) =>
    store.addSupervisionNote(auth, params.volunteerId, body.body),
  );
  route(app, 'GET /api/volunteers/hours', async ({ auth, query }) => store.hours(auth, query.from, query.to));
  route(app, 'GET /api/volunteers/hours.csv', async ({ auth, query, reply }) => {
    const rows = await store.hours(auth, query.from, query.to);
    reply.header('content-disposition', `attachment; filename="frivillige-timer-${query.from}-${query.to}.csv"`);
    return hoursCsv(rows);
  });

  route(app, 'GET /api/citizens/:citizenId/volunteers', async ({ auth, params }) => store.ofCitizen(auth, params.citizenId));
  route(app, 'POST /api/citizens/:citizenId/volunteers', async ({ auth, params, body }) => store.propose(auth, params.citizenId, body.volunteerId));
  route(app, 'POST /api/volunteer-matches/:matchId/end', async ({ auth, params }) => {
    await store.endByStaff(auth, params.matchId);
  });
  route(app, 'GET /api/volunteer-wishes', async ({ auth }) => store.wishes(auth));

  route(app, 'GET /api/my/volunteers', async ({ auth }) => store.mine(auth));
  route(app, 'POST /api/my/volunteers/:matchId/decide', async ({ auth, params, body }) => store.decide(auth, params.matchId, body.accept));
  route(app, 'POST /api/my/volunteers/:matchId/end', async ({ auth, params }) => store.endByCitizen(auth, params.matchId));
  route(app, 'POST /api/my/volunteer-wishes', async ({ auth, body }) => store.wish(auth, body.kind));

  route(app, 'GET /api/my/volunteering', async ({ auth }) => store.volunteering(auth));
  route(app, 'POST /api/my/volunteering/:matchId/end', async ({ auth, params }) => store.endByVolunteer(auth, params.matchId));
}
