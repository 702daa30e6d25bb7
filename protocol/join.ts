/**
 * Reminder join links. A reminder for a video appointment links to /join#<secret>; so does a "your worker is ready"
 * message (one call session, usable once). Exchanging the secret gives a narrow session (a cookie only the /api/join
 * routes read) that can see when that one appointment is and join its video session: nothing else. Staff see and
 * revoke the links of an appointment.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LocalDateTime, Modality, Nullable, strict, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { AppointmentParams } from './booking.js';
import { RoomToken } from './calls.js';
import { ExchangeLinkBody } from './links.js';
import { Roles } from './roles.js';

export const JoinState = Type.Object({
  /** Null for the link in a "ready" message of an ad hoc session (no appointment behind it). */
  appointment: Nullable(Type.Object({
    id: Uuid,
    start: LocalDateTime,
    end: LocalDateTime,
    whenText: Type.String(),
    modality: Modality,
  })),
  /** The video session, once the worker has opened it (a "ready" link's: its own). */
  session: Nullable(Type.Object({ id: Uuid, status: Type.Union([Type.Literal('open'), Type.Literal('ended')]) })),
  /** The link (and this narrow session) stops working then: shortly after the appointment ends (a "ready" link: 2 hours). */
  expiresAt: Timestamp,
});
export type JoinState = Static<typeof JoinState>;

export const ReminderLink = Type.Object({
  id: Uuid,
  channel: Nullable(Type.Union([Type.Literal('sms'), Type.Literal('email')])),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  revokedAt: Nullable(Timestamp),
  firstUsedAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  uses: Type.Integer(),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
});
export type ReminderLink = Static<typeof ReminderLink>;
export const ReminderLinkParams = Type.Object({ linkId: Uuid }, strict);

export const joinRoutes = {
  // No roles: the narrow join cookie, not a sign-in, admits these.
  'POST /api/join/exchange': { roles: null, tags: ['reminder links'], body: ExchangeLinkBody, reply: { 200: JoinState } },
  'GET /api/join': { roles: null, tags: ['reminder links'], reply: { 200: JoinState } },
  'POST /api/join/token': { roles: null, tags: ['reminder links'], reply: { 200: RoomToken } },
  'GET /api/appointments/:appointmentId/reminder-links': { roles: Roles.caseStaff, tags: ['reminder links'], params: AppointmentParams, reply: { 200: Type.Array(ReminderLink) } },
  'POST /api/reminder-links/:linkId/revoke': { roles: Roles.caseStaff, tags: ['reminder links'], params: ReminderLinkParams, reply: { 200: ReminderLink } },
} as const satisfies RouteTable;
