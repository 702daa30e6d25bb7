/**
 * Workers' calendar feeds in the database. A feed URL carries a random token and only its hash is stored; calendar
 * apps cannot send cookies, so the token is the credential. Deactivating the worker revokes their feeds in the
 * database (migration 005), so no path can forget it.
 */
import type { Sql } from 'postgres';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation } from '../db/database.js';
import type { IcsEvent } from './ics.js';
import { hashSecret, newSecret } from '../auth/secrets.js';

const initials = (name: string) => name.split(/\s+/).filter(Boolean).map((p) => `${p[0]!.toUpperCase()}.`).join('');

export type CalendarStore = ReturnType<typeof calendarStore>;

export function calendarStore(sql: Sql) {
  return {
    /** A new feed for the signed-in worker; returns its token, which exists nowhere else. */
    async createFeed(auth: Auth): Promise<string> {
      const token = newSecret();
      const tokenHash = hashSecret(token);
      await inOrganisation(sql, auth.organisationId, async (tx) => {
        await tx`insert into calendar_feeds (organisation_id, worker_id, token_hash) values (${auth.organisationId}, ${auth.userId}, ${tokenHash})`;
        await audit(tx, auth, 'calendar_feed.create', null);
      });
      return token;
    },

    /** Ends every feed URL of the signed-in worker. */
    async revokeFeeds(auth: Auth): Promise<void> {
      await inOrganisation(sql, auth.organisationId, async (tx) => {
        await tx`update calendar_feeds set revoked_at = now() where worker_id = ${auth.userId} and revoked_at is null`;
        await audit(tx, auth, 'calendar_feed.revoke', null);
      });
    },

    /**
     * The appointments of the feed with this token (a month back, half a year ahead) with neutral titles, or
     * undefined for no live feed. Every read is audited like any other read of appointments: a leaked feed URL shows
     * up as reads nobody expected.
     */
    async feedEvents(token: string): Promise<IcsEvent[] | undefined> {
      const tokenHash = hashSecret(token);
      const [found] = await sql<{ organisation_id: string | null }[]>`select calendar_feed_organisation(${tokenHash}) as organisation_id`;
      const organisationId = found?.organisation_id;
      if (!organisationId) return undefined;
      return inOrganisation(sql, organisationId, async (tx) => {
        const [feed] = await tx<{ id: string; worker_id: string; calendar_titles: string }[]>`
          select f.id, f.worker_id, o.calendar_titles from calendar_feeds f join organisations o on o.id = f.organisation_id
          where f.token_hash = ${tokenHash} and f.revoked_at is null`;
        if (!feed) return undefined;
        const rows = await tx<{ id: string; starts_at: Date; ends_at: Date; updated_at: Date; status: string; citizen_name: string }[]>`
          select a.id, a.starts_at, a.ends_at, a.updated_at, a.status, u.display_name as citizen_name
          from appointments a join users u on u.id = a.citizen_id
          where a.worker_id = ${feed.worker_id} and a.starts_at > now() - interval '30 days' and a.starts_at < now() + interval '180 days'
          order by a.starts_at`;
        // The calendar app reads on the worker's behalf (it holds the worker's token); the subject is the feed.
        await audit(tx, { organisationId, userId: feed.worker_id, role: 'worker' }, 'calendar_feed.read', feed.id,
          { appointments: rows.length, titles: feed.calendar_titles });
        return rows.map((r) => ({
          id: r.id, starts_at: r.starts_at, ends_at: r.ends_at, updated_at: r.updated_at,
          title: feed.calendar_titles === 'initials' ? `Aftale ${initials(r.citizen_name)}` : 'Aftale', cancelled: r.status === 'cancelled',
        }));
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    calendar: CalendarStore;
  }
}
