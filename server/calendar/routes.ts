import { createHash, randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { inOrganisation } from '../db/database.js';
import { audit } from '../audit/audit.js';
import { HttpError } from '../http/errors.js';
import type { App, FeatureDeps } from '../http/types.js';
import { appointmentIcs } from './ics.js';

const hash = (token: string) => createHash('sha256').update(token).digest();
const initials = (name: string) => name.split(/\s+/).filter(Boolean).map((p) => `${p[0]!.toUpperCase()}.`).join('');

/**
 * A worker's private calendar feed for Outlook/Google: the URL carries a random token (only its hash is stored) —
 * calendar apps cannot send cookies. Revoking ends every feed URL of that worker.
 */
export function calendarRoutes(app: App, { sql, config }: FeatureDeps): void {
  app.post('/api/calendar-feeds', { config: { roles: ['worker'] }, schema: { tags: ['calendar'], response: { 201: Type.Object({ url: Type.String() }) } } }, async (request, reply) => {
    const auth = request.auth!;
    const token = randomBytes(32).toString('base64url');
    await inOrganisation(sql, auth.organisationId, async (tx) => {
      await tx`insert into calendar_feeds (organisation_id, worker_id, token_hash) values (${auth.organisationId}, ${auth.userId}, ${hash(token)})`;
      await audit(tx, auth, 'calendar_feed.create', null);
    });
    return reply.code(201).send({ url: new URL(`/calendar/${token}.ics`, config.publicUrl).toString() });
  });

  app.post('/api/calendar-feeds/revoke', { config: { roles: ['worker'] }, schema: { tags: ['calendar'], response: { 204: Type.Null() } } }, async (request, reply) => {
    const auth = request.auth!;
    await inOrganisation(sql, auth.organisationId, async (tx) => {
      await tx`update calendar_feeds set revoked_at = now() where worker_id = ${auth.userId} and revoked_at is null`;
      await audit(tx, auth, 'calendar_feed.revoke', null);
    });
    return reply.code(204).send(null);
  });

  // Deactivating the worker revokes their feeds in the database (migration 005), so no path can forget it. Every read
  // is audited like any other read of appointments: a leaked feed URL shows up as reads nobody expected.
  app.get('/calendar/:token', { schema: { hide: true, params: Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}\\.ics$' }) }) } }, async (request, reply) => {
    const token = request.params.token.slice(0, -4);
    const [found] = await sql<{ organisation_id: string | null }[]>`select calendar_feed_organisation(${hash(token)}) as organisation_id`;
    const organisationId = found?.organisation_id;
    if (!organisationId) throw new HttpError(404, 'not_found', 'No such calendar');
    const ics = await inOrganisation(sql, organisationId, async (tx) => {
      const [feed] = await tx<{ id: string; worker_id: string; calendar_titles: string }[]>`
        select f.id, f.worker_id, o.calendar_titles from calendar_feeds f join organisations o on o.id = f.organisation_id
        where f.token_hash = ${hash(token)} and f.revoked_at is null`;
      if (!feed) throw new HttpError(404, 'not_found', 'No such calendar');
      const rows = await tx<{ id: string; starts_at: Date; ends_at: Date; updated_at: Date; status: string; citizen_name: string }[]>`
        select a.id, a.starts_at, a.ends_at, a.updated_at, a.status, u.display_name as citizen_name
        from appointments a join users u on u.id = a.citizen_id
        where a.worker_id = ${feed.worker_id} and a.starts_at > now() - interval '30 days' and a.starts_at < now() + interval '180 days'
        order by a.starts_at`;
      // The calendar app reads on the worker's behalf (it holds the worker's token); the subject is the feed.
      await audit(tx, { organisationId, userId: feed.worker_id, role: 'worker' }, 'calendar_feed.read', feed.id,
        { appointments: rows.length, titles: feed.calendar_titles });
      return appointmentIcs(
        rows.map((r) => ({ ...r, title: feed.calendar_titles === 'initials' ? `Aftale ${initials(r.citizen_name)}` : 'Aftale', cancelled: r.status === 'cancelled' })),
        config.publicUrl.hostname,
      );
    });
    return reply.header('content-type', 'text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(ics);
  });
}
