/**
 * The morning attendance check (issue 11): a home visit or a phone appointment may carry one. On the day, at the
 * organisation's morning hour, the citizen gets "Passer det stadig i dag kl. 13.00? Svar JA, VIDEO eller NEJ." by SMS
 * (server/reminders/outbox.ts plans it). The answer comes back through the SMS gateway's incoming-message webhook
 * (`POST /api/sms/incoming`, GatewayAPI's MO format, signed with a JWT in X-Gwapi-Signature); the worker's I dag shows
 * each check's state before they drive.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, LocalDateTime, Modality, Nullable, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

/**
 * Where a check stands: planned (not sent yet), unanswered (sent, no answer), confirmed (JA), video (VIDEO: the
 * appointment became a video session), cancel_requested (NEJ: a cancel request waits for the worker), unclear (an
 * answer that was none of the three: the worker reads it), not_sent (no consent, no mobile number, or it failed).
 */
export const AttendanceState = Type.Union([
  Type.Literal('planned'), Type.Literal('unanswered'), Type.Literal('confirmed'), Type.Literal('video'),
  Type.Literal('cancel_requested'), Type.Literal('unclear'), Type.Literal('not_sent'),
]);
export type AttendanceState = Static<typeof AttendanceState>;

export const AttendanceCheck = Type.Object({
  appointmentId: Uuid,
  citizenId: Uuid,
  citizenName: Type.String(),
  start: LocalDateTime,
  modality: Modality,
  state: AttendanceState,
  /** The citizen's own words, only when they were not understood. */
  replyText: Nullable(Type.String()),
  /** When the SMS went, or is planned to go. */
  checkAt: Nullable(Timestamp),
});
export type AttendanceCheck = Static<typeof AttendanceCheck>;

export const AttendanceChecksQuery = Type.Object({ from: CalendarDate }, strict);
export const AttendanceParams = Type.Object({ appointmentId: Uuid }, strict);
export const SetAttendanceCheckBody = Type.Object({ on: Type.Boolean() }, strict);
export type SetAttendanceCheckBody = Static<typeof SetAttendanceCheckBody>;

/**
 * GatewayAPI's incoming message (MO SMS) as its webhook POSTs it: `id` (the message's id at GatewayAPI), `msisdn` (the
 * sender's number, digits with country code), `receiver` (our short code or virtual number), `message` (the text),
 * `senttime` (Unix seconds), and optional fields we do not use (webhook_label, sender, mcc, mnc, country_code,
 * country_prefix, encoding, validity_period, udh, payload). Unknown fields are allowed: the provider may add some.
 * Only the signed claims are believed, and only `msisdn` decides whose answer it is.
 */
export const IncomingSms = Type.Object(
  {
    id: Type.Integer({ minimum: 0 }),
    msisdn: Type.Integer({ minimum: 1_000_000, maximum: 999_999_999_999_999 }),
    receiver: Type.Integer({ minimum: 0 }),
    // what the citizen typed: lines allowed, control characters not (they would only garble what the worker reads)
    message: Text({ maxLength: 1600, multiline: true }),
    senttime: Type.Integer({ minimum: 0 }),
    webhook_label: Type.Optional(Nullable(Text({ maxLength: 200 }))),
  },
  { additionalProperties: true },
);
export type IncomingSms = Static<typeof IncomingSms>;
/** GatewayAPI only needs a 2xx; nothing in it says whether the number was known. */
export const IncomingSmsReceipt = Type.Object({ received: Type.Literal(true) });

export const attendanceRoutes = {
  /** The caller's own appointments of a day that carry a morning check, with where each stands (I dag). */
  'GET /api/attendance-checks': { roles: Roles.caseStaff, tags: ['attendance'], query: AttendanceChecksQuery, reply: { 200: Type.Array(AttendanceCheck) } },
  /** Switch the morning check of a home visit or phone appointment on or off. */
  'PUT /api/appointments/:appointmentId/attendance-check': {
    roles: Roles.caseStaff, tags: ['attendance'], params: AttendanceParams, body: SetAttendanceCheckBody, reply: { 200: AttendanceCheck },
  },
  /**
   * The SMS gateway's incoming-message webhook (GatewayAPI MO). Authenticated by the JWT (HS256, SMS_WEBHOOK_SECRET)
   * in the X-Gwapi-Signature header; 401 without a valid one. Any number answers 200, known or not.
   */
  'POST /api/sms/incoming': { roles: null, tags: ['attendance'], body: IncomingSms, reply: { 200: IncomingSmsReceipt } },
} as const satisfies RouteTable;
