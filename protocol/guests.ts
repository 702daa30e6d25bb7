/**
 * Guest links: a citizen invites a relative or helper to one of their coming video appointments. The citizen writes
 * the guest's name and approves the invitation; only then is the one-time link made (/guest#<secret>; the secret only
 * in the fragment, its hash in the database). Whoever opens it first gets a narrow guest session (a cookie only the
 * /api/guest routes read) that can join that one session, waiting until its host lets them in. No account: every other
 * route answers a guest 401. A second use of the link is refused with `link_used` ("Linket er brugt").
 */
import { Type, type Static } from '@sinclair/typebox';
import { RoomToken } from './calls.js';
import { LocalDateTime, NoContent, Nullable, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { ExchangeLinkBody } from './links.js';
import { Roles } from './roles.js';

export const GuestInvitationStatus = Type.Union([
  /** Written, not approved yet: no link exists. */
  Type.Literal('draft'),
  /** Approved: the link exists and has not been opened. */
  Type.Literal('approved'),
  /** The guest opened the link. */
  Type.Literal('used'),
  Type.Literal('revoked'),
  Type.Literal('expired'),
]);
export const GuestInvitation = Type.Object({
  id: Uuid,
  appointmentId: Uuid,
  guestName: Type.String(),
  /** The appointment's start, local time. */
  start: LocalDateTime,
  whenText: Type.String(),
  status: GuestInvitationStatus,
  expiresAt: Timestamp,
});
export type GuestInvitation = Static<typeof GuestInvitation>;
export const NewGuestInvitationBody = Type.Object({
  appointmentId: Uuid,
  /** What the host sees in the waiting room, e.g. "Mor" or "Lene (hjælper)". */
  guestName: Text({ minLength: 1, maxLength: 60, nonBlank: true }),
}, strict);
export type NewGuestInvitationBody = Static<typeof NewGuestInvitationBody>;
export const GuestInvitationParams = Type.Object({ invitationId: Uuid }, strict);
/** The approved invitation's link, shown once to the citizen to pass on; only its hash is stored. */
export const GuestLink = Type.Object({ id: Uuid, url: Type.String(), expiresAt: Timestamp });
export type GuestLink = Static<typeof GuestLink>;

/** What the guest's page shows: when, with whom, and whether the session is open yet. Nothing else. */
export const GuestState = Type.Object({
  guestName: Type.String(),
  hostName: Type.String(),
  start: LocalDateTime,
  whenText: Type.String(),
  session: Nullable(Type.Object({ id: Uuid, status: Type.Union([Type.Literal('open'), Type.Literal('ended')]) })),
  expiresAt: Timestamp,
});
export type GuestState = Static<typeof GuestState>;

export const guestRoutes = {
  // the citizen
  'GET /api/my/guest-invitations': { roles: Roles.citizen, tags: ['guests'], reply: { 200: Type.Array(GuestInvitation) } },
  /** For one of the citizen's own coming video appointments. */
  'POST /api/my/guest-invitations': { roles: Roles.citizen, tags: ['guests'], body: NewGuestInvitationBody, reply: { 201: GuestInvitation } },
  /** Makes the one-time link (once: 409 when already approved). */
  'POST /api/my/guest-invitations/:invitationId/approve': { roles: Roles.citizen, tags: ['guests'], params: GuestInvitationParams, reply: { 200: GuestLink } },
  /** Withdraws it: the link and any guest session it gave stop working. */
  'POST /api/my/guest-invitations/:invitationId/revoke': { roles: Roles.citizen, tags: ['guests'], params: GuestInvitationParams, reply: { 204: NoContent } },
  // the guest: no roles, the narrow guest cookie admits these
  /** 410 `link_used` on a second use; `link_expired`, `link_revoked`; 401 `link_invalid` for an unknown secret. */
  'POST /api/guest/exchange': { roles: null, tags: ['guests'], body: ExchangeLinkBody, reply: { 200: GuestState } },
  'GET /api/guest': { roles: null, tags: ['guests'], reply: { 200: GuestState } },
  'POST /api/guest/token': { roles: null, tags: ['guests'], reply: { 200: RoomToken } },
} as const satisfies RouteTable;
