/**
 * A worker's private calendar feed for Outlook/Google over HTTP: the URL carries a random token — calendar apps
 * cannot send cookies. Revoking ends every feed URL of that worker.
 */
import { HttpError } from '../http/errors.js';
import { route } from '../http/route.js';
import type { App, FeatureDeps } from '../http/types.js';
import { appointmentIcs } from './ics.js';

export function calendarRoutes(app: App, { config }: FeatureDeps): void {
  const store = app.calendar;

  route(app, 'POST /api/calendar-feeds', async ({ auth }) => {
    const token = await store.createFeed(auth);
    return { url: new URL(`/calendar/${token}.ics`, config.publicUrl).toString() };
  });

  route(app, 'POST /api/calendar-feeds/revoke', async ({ auth }) => store.revokeFeeds(auth));

  route(app, 'GET /calendar/:token', async ({ params, reply }) => {
    const events = await store.feedEvents(params.token.slice(0, -'.ics'.length));
    if (!events) throw new HttpError(404, 'not_found', 'No such calendar');
    reply.header('cache-control', 'private, max-age=300');
    return appointmentIcs(events, config.publicUrl.hostname);
  });
}
