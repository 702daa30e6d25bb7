import { createHash, randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CitizenLink, CitizenLinkCreated, ExchangeLinkBody, IdParams, Me } from '../../protocol/api.js';
import { audit } from '../audit/audit.js';
import { startSession } from '../auth/session.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { HttpError, notFound } from '../http/errors.js';
import { attemptLimit } from '../http/rate-limit.js';
import type { App, FeatureDeps } from '../http/types.js';
import { assertCitizenAccess } from '../people/access.js';
import { reminderLinkRoutes } from './reminder-links.js';

/** 256 random bits, base64url: 43 characters that go in the URL fragment, never to the server's logs. */
const newSecret = () => randomBytes(32).toString('base64url');
const hashSecret = (secret: string) => createHash('sha256').update(secret).digest();

/** Stores a new link (its hash only) for an active citizen and returns the secret, which exists nowhere else. */
export async function issueCitizenLink(
  tx: Tx,
  link: { organisationId: string; citizenId: string; createdBy: string; hours: number },
): Promise<{ id: string; secret: string; expiresAt: Date }> {
  const secret = newSecret();
  const expiresAt = new Date(Date.now() + link.hours * 3600_000);
  const [row] = await tx<{ id: string }[]>`
    insert into citizen_links (organisation_id, citizen_id, secret_hash, created_by, expires_at)
    select ${link.organisationId}, id, ${hashSecret(secret)}, ${link.createdBy}, ${expiresAt} from users
    where id = ${link.citizenId} and role = 'citizen' and active
    returning id`;
  if (!row) throw notFound('No such citizen');
  return { id: row.id, secret, expiresAt };
}

export function citizenLinkUrl(publicUrl: URL, secret: string): string {
  const url = new URL('/link', publicUrl);
  url.hash = secret;
  return url.toString();
}

interface LinkRow {
  id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  used_at: Date | null;
}

const toLink = (r: LinkRow, now = Date.now()): CitizenLink => ({
  id: r.id,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
  usedAt: r.used_at?.toISOString() ?? null,
  status: r.revoked_at ? 'revoked' : r.used_at ? 'used' : r.expires_at.getTime() <= now ? 'expired' : 'active',
});

/** Both kinds of link: citizen sign-in links (here) and reminder join links (reminder-links.ts). */
export function citizenLinkRoutes(app: App, deps: FeatureDeps): void {
  reminderLinkRoutes(app, deps);
  const { sql, config } = deps;
  const staff = { roles: ['coordinator', 'worker'] as const };

  app.post('/api/citizens/:citizenId/links', {
    config: staff,
    schema: { tags: ['citizen links'], params: IdParams.citizen, response: { 201: CitizenLinkCreated } },
  }, async (request, reply) => {
    const auth = request.auth!;
    const { citizenId } = request.params;
    const created = await inOrganisation(sql, auth.organisationId, async (tx) => {
      await assertCitizenAccess(tx, auth, citizenId);
      const link = await issueCitizenLink(tx, { organisationId: auth.organisationId, citizenId, createdBy: auth.userId, hours: config.citizenLinkHours });
      await audit(tx, auth, 'citizen_link.create', citizenId, { linkId: link.id });
      return link;
    });
    const url = citizenLinkUrl(config.publicUrl, created.secret);
    return reply.code(201).send({ id: created.id, url, expiresAt: created.expiresAt.toISOString() });
  });

  app.get('/api/citizens/:citizenId/links', {
    config: staff,
    schema: { tags: ['citizen links'], params: IdParams.citizen, response: { 200: Type.Array(CitizenLink) } },
  }, async (request) => {
    const auth = request.auth!;
    const { citizenId } = request.params;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      await assertCitizenAccess(tx, auth, citizenId);
      const rows = await tx<LinkRow[]>`
        select id, created_at, expires_at, revoked_at, used_at from citizen_links where citizen_id = ${citizenId} order by created_at desc limit 50`;
      await audit(tx, auth, 'citizen_link.list', citizenId);
      return rows.map((r) => toLink(r));
    });
  });

  app.post('/api/citizen-links/:linkId/revoke', {
    config: staff,
    schema: { tags: ['citizen links'], params: IdParams.link, response: { 200: CitizenLink } },
  }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      const [link] = await tx<{ citizen_id: string }[]>`select citizen_id from citizen_links where id = ${request.params.linkId} for update`;
      if (!link) throw notFound('No such link');
      await assertCitizenAccess(tx, auth, link.citizen_id).catch(() => {
        throw notFound('No such link');
      });
      const [row] = await tx<LinkRow[]>`
        update citizen_links set revoked_at = coalesce(revoked_at, now()) where id = ${request.params.linkId}
        returning id, created_at, expires_at, revoked_at, used_at`;
      await audit(tx, auth, 'citizen_link.revoke', link.citizen_id, { linkId: row!.id });
      return toLink(row!);
    });
  });

  /** The citizen's device trades the secret from the link for a long-lived session. One use per link. */
  app.post('/api/citizen-links/exchange', {
    onRequest: attemptLimit(config.signInRateLimitPerMinute),
    schema: { tags: ['citizen links'], body: ExchangeLinkBody, response: { 200: Me } },
  }, async (request, reply) => {
    const secretHash = hashSecret(request.body.secret);
    const [found] = await sql<{ organisation_id: string | null }[]>`select citizen_link_organisation(${secretHash}) as organisation_id`;
    const invalid = () => new HttpError(404, 'link_invalid', 'This link is not valid. Ask your support worker for a new one.');
    if (!found?.organisation_id) throw invalid();
    return inOrganisation(sql, found.organisation_id, async (tx) => {
      const [link] = await tx<(LinkRow & { citizen_id: string; active: boolean; display_name: string; org_name: string; preferred_language: Me['user']['preferredLanguage'] })[]>`
        select l.id, l.created_at, l.expires_at, l.revoked_at, l.used_at, l.citizen_id, u.active, u.display_name, u.preferred_language, o.name as org_name
        from citizen_links l join users u on u.id = l.citizen_id join organisations o on o.id = l.organisation_id
        where l.secret_hash = ${secretHash} for update of l`;
      if (!link || !link.active) throw invalid();
      const status = toLink(link).status;
      if (status === 'revoked') throw new HttpError(410, 'link_revoked', 'This link has been cancelled. Ask your support worker for a new one.');
      if (status === 'expired') throw new HttpError(410, 'link_expired', 'This link has expired. Ask your support worker for a new one.');
      if (status === 'used') throw new HttpError(410, 'link_used', 'This link has already been used. Ask your support worker for a new one.');
      const sessionId = await startSession(tx, reply, deps, { id: link.citizen_id, organisationId: found.organisation_id!, role: 'citizen' });
      await tx`update citizen_links set used_at = now(), session_id = ${sessionId} where id = ${link.id}`;
      const me: Me = {
        user: { id: link.citizen_id, role: 'citizen', displayName: link.display_name, preferredLanguage: link.preferred_language },
        organisation: { id: found.organisation_id!, name: link.org_name },
      };
      return me;
    });
  });
}
