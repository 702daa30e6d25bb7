/** Video sessions over HTTP: opening one, the list of open ones, room tokens for signalling, and managing who is in. */
import { Type, type Static } from '@sinclair/typebox';
import { NoContent, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

export const StartCallBody = Type.Object({ citizenId: Uuid, appointmentId: Type.Optional(Uuid) }, strict);
export type StartCallBody = Static<typeof StartCallBody>;
export const InviteBody = Type.Object({ userId: Uuid }, strict);
export type InviteBody = Static<typeof InviteBody>;
export const CallSummary = Type.Object({
  id: Uuid,
  /** citizen_initiated: opened by claiming a citizen's video contact request (protocol/duty.ts). */
  kind: Type.Union([Type.Literal('planned'), Type.Literal('ad_hoc'), Type.Literal('citizen_initiated')]),
  status: Type.Union([Type.Literal('open'), Type.Literal('ended')]),
  citizenId: Uuid,
  /** Staff see the citizen's name; the citizen sees their worker's. */
  otherName: Type.String(),
  createdAt: Timestamp,
  waiting: Type.Integer({ description: 'Citizens in the waiting room right now' }),
});
export type CallSummary = Static<typeof CallSummary>;
/**
 * How the citizen was told that the worker opened the session ("Bo er klar"): by push on a device that asked for it,
 * else by SMS or e-mail with a one-time join link as their consent allows; or not at all — `quiet_hours` when SMS
 * was the only way and it is night in the organisation, `none` when the citizen allowed no way.
 */
export const ReadyNotice = Type.Union([
  Type.Literal('push'), Type.Literal('sms'), Type.Literal('email'), Type.Literal('quiet_hours'), Type.Literal('none'),
]);
export type ReadyNotice = Static<typeof ReadyNotice>;
/** A session just opened, and how the citizen is being told. */
export const StartedCall = Type.Composite([CallSummary, Type.Object({ notice: ReadyNotice })]);
export type StartedCall = Static<typeof StartedCall>;
/**
 * `signallingPath`: where the call's signalling runs — `/socket.io/` on the one host, or `/rtc/<host>/socket.io/` on
 * the host the call is placed on when several share the work (a reverse proxy routes /rtc/<host>/ to that host).
 */
export const RoomToken = Type.Object({
  token: Type.String(),
  expiresAt: Timestamp,
  signallingPath: Type.String({ pattern: '^/(rtc/[a-z0-9][a-z0-9-]{0,31}/)?socket\\.io/$' }),
});
export type RoomToken = Static<typeof RoomToken>;
export const CallParams = Type.Object({ callId: Uuid }, strict);
/** A participant of a session: `participantId` is the peer id the call screens know them by. */
export const CallParticipantParams = Type.Object({ callId: Uuid, participantId: Uuid }, strict);
export type CallParticipantParams = Static<typeof CallParticipantParams>;

/** How a session went, as its worker records it right after (the same three an appointment's status has). */
export const CallOutcomeKind = Type.Union([Type.Literal('held'), Type.Literal('no_show'), Type.Literal('technical_failure')]);
export const CallOutcomeBody = Type.Object({ outcome: CallOutcomeKind, note: Type.Optional(Text({ minLength: 1, maxLength: 500, nonBlank: true, multiline: true })) }, strict);
export type CallOutcomeBody = Static<typeof CallOutcomeBody>;
export const CallOutcome = Type.Object({
  outcome: CallOutcomeKind,
  /** A booked appointment's status was set too; false for an ad hoc session, or one the appointment could not take (cancelled, not yet begun). */
  appointmentUpdated: Type.Boolean(),
});
export type CallOutcome = Static<typeof CallOutcome>;

export const callRoutes = {
  'POST /api/calls': { roles: Roles.caseStaff, tags: ['calls'], body: StartCallBody, reply: { 201: StartedCall } },
  'GET /api/calls/open': { roles: Roles.everyone, tags: ['calls'], reply: { 200: Type.Array(CallSummary) } },
  'POST /api/calls/:callId/token': { roles: Roles.everyone, tags: ['calls'], params: CallParams, reply: { 200: RoomToken } },
  'POST /api/calls/:callId/participants': { roles: Roles.caseStaff, tags: ['calls'], params: CallParams, body: InviteBody, reply: { 204: NoContent } },
  'POST /api/calls/:callId/end': { roles: Roles.caseStaff, tags: ['calls'], params: CallParams, reply: { 204: NoContent } },
  'DELETE /api/calls/:callId/participants/:participantId': { roles: Roles.caseStaff, tags: ['calls'], params: CallParticipantParams, reply: { 204: NoContent } },
  /** After an ended session: held, no-show or a technical failure (its owner, or a coordinator). */
  'POST /api/calls/:callId/outcome': { roles: Roles.caseStaff, tags: ['calls'], params: CallParams, body: CallOutcomeBody, reply: { 200: CallOutcome } },
} as const satisfies RouteTable;
