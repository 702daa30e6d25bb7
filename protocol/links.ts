/**
 * Sign-in links for citizens: a worker makes one, the citizen opens it once on their own phone and stays signed in.
 * The secret travels in the link's fragment and is exchanged here; only its hash is stored.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Me } from './auth.js';
import { Nullable, strict, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { IdParams } from './people.js';
import { Roles } from './roles.js';

export const ExchangeLinkBody = Type.Object(
  { secret: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The secret from the link fragment' }) },
  { additionalProperties: false },
);
export type ExchangeLinkBody = Static<typeof ExchangeLinkBody>;

/**
 * Signed in by a link: who, and the session the citizen's worker already has open for them, if any — the link page
 * then goes straight on to the device check, without another round trip on a slow phone line to ask for it.
 */
export const SignedInByLink = Type.Composite([
  Me,
  /** Absent when it could not be looked up just then: the page asks GET /api/calls/open instead. */
  Type.Object({ openCallId: Type.Optional(Nullable(Uuid)) }),
]);
export type SignedInByLink = Static<typeof SignedInByLink>;

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

/** How a sign-in link is sent to the citizen: to the mobile number or e-mail address their coordinator entered. */
export const LinkChannel = Type.Union([Type.Literal('sms'), Type.Literal('email')]);
export type LinkChannel = Static<typeof LinkChannel>;
export const SendLinkBody = Type.Object({ channel: LinkChannel }, strict);
export type SendLinkBody = Static<typeof SendLinkBody>;
/** A link that went out: never its URL (the citizen has it; the worker does not need it). */
export const CitizenLinkSent = Type.Object({ id: Uuid, channel: LinkChannel, expiresAt: Timestamp });
export type CitizenLinkSent = Static<typeof CitizenLinkSent>;

export const linkRoutes = {
  'POST /api/citizens/:citizenId/links': { roles: Roles.caseStaff, tags: ['citizen links'], params: IdParams.citizen, reply: { 201: CitizenLinkCreated } },
  'POST /api/citizens/:citizenId/links/send': {
    roles: Roles.caseStaff, tags: ['citizen links'], params: IdParams.citizen, body: SendLinkBody, reply: { 201: CitizenLinkSent },
    description: 'Issues a sign-in link and sends it at once by SMS or e-mail to the citizen (the text holds only the link). '
      + 'Refused with no_address when the citizen has no mobile number / e-mail, send_failed when it could not be sent (the link is then withdrawn).',
  },
  'GET /api/citizens/:citizenId/links': { roles: Roles.caseStaff, tags: ['citizen links'], params: IdParams.citizen, reply: { 200: Type.Array(CitizenLink) } },
  'POST /api/citizen-links/:linkId/revoke': { roles: Roles.caseStaff, tags: ['citizen links'], params: IdParams.link, reply: { 200: CitizenLink } },
  'POST /api/citizen-links/exchange': { roles: null, tags: ['citizen links'], body: ExchangeLinkBody, reply: { 200: SignedInByLink } },
} as const satisfies RouteTable;
