/**
 * Sign-in links for citizens: a worker makes one, the citizen opens it once on their own phone and stays signed in.
 * The secret travels in the link's fragment and is exchanged here; only its hash is stored.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Me } from './auth.js';
import { Nullable, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { IdParams } from './people.js';
import { Roles } from './roles.js';

export const ExchangeLinkBody = Type.Object(
  { secret: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The secret from the link fragment' }) },
  { additionalProperties: false },
);
export type ExchangeLinkBody = Static<typeof ExchangeLinkBody>;

export const CitizenLinkCreated = Type.Object({
  id: Uuid,
  /** Contains the secret in the fragment. Shown once; only its hash is stored. */
  url: Type.String(),
  expiresAt: Timestamp,
});
export type CitizenLinkCreated = Static<typeof CitizenLinkCreated>;

export const CitizenLink = Type.Object({
  id: Uuid,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  revokedAt: Nullable(Timestamp),
  usedAt: Nullable(Timestamp),
  status: Type.Union([Type.Literal('active'), Type.Literal('used'), Type.Literal('revoked'), Type.Literal('expired')]),
});
export type CitizenLink = Static<typeof CitizenLink>;

export const linkRoutes = {
  'POST /api/citizens/:citizenId/links': { roles: Roles.caseStaff, tags: ['citizen links'], params: IdParams.citizen, reply: { 201: CitizenLinkCreated } },
  'GET /api/citizens/:citizenId/links': { roles: Roles.caseStaff, tags: ['citizen links'], params: IdParams.citizen, reply: { 200: Type.Array(CitizenLink) } },
  'POST /api/citizen-links/:linkId/revoke': { roles: Roles.caseStaff, tags: ['citizen links'], params: IdParams.link, reply: { 200: CitizenLink } },
  'POST /api/citizen-links/exchange': { roles: null, tags: ['citizen links'], body: ExchangeLinkBody, reply: { 200: Me } },
} as const satisfies RouteTable;
