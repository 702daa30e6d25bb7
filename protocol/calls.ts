/** Video sessions over HTTP: opening one, the list of open ones, room tokens for signalling, and managing who is in. */
import { Type, type Static } from '@sinclair/typebox';
import { NoContent, strict, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

export const StartCallBody = Type.Object({ citizenId: Uuid, appointmentId: Type.Optional(Uuid) }, strict);
export type StartCallBody = Static<typeof StartCallBody>;
export const InviteBody = Type.Object({ userId: Uuid }, strict);
export type InviteBody = Static<typeof InviteBody>;
export const CallSummary = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('planned'), Type.Literal('ad_hoc')]),
  status: Type.Union([Type.Literal('open'), Type.Literal('ended')]),
  citizenId: Uuid,
  /** Staff see the citizen's name; the citizen sees their worker's. */
  otherName: Type.String(),
  createdAt: Timestamp,
  waiting: Type.Integer({ description: 'Citizens in the waiting room right now' }),
});
export type CallSummary = Static<typeof CallSummary>;
export const RoomToken = Type.Object({ token: Type.String(), expiresAt: Timestamp });
export type RoomToken = Static<typeof RoomToken>;
export const CallParams = Type.Object({ callId: Uuid }, strict);
/** A participant of a session: `participantId` is the peer id the call screens know them by. */
export const CallParticipantParams = Type.Object({ callId: Uuid, participantId: Uuid }, strict);
export type CallParticipantParams = Static<typeof CallParticipantParams>;

export const callRoutes = {
  'POST /api/calls': { roles: Roles.caseStaff, tags: ['calls'], body: StartCallBody, reply: { 201: CallSummary } },
  'GET /api/calls/open': { roles: Roles.everyone, tags: ['calls'], reply: { 200: Type.Array(CallSummary) } },
  'POST /api/calls/:callId/token': { roles: Roles.everyone, tags: ['calls'], params: CallParams, reply: { 200: RoomToken } },
  'POST /api/calls/:callId/participants': { roles: Roles.caseStaff, tags: ['calls'], params: CallParams, body: InviteBody, reply: { 204: NoContent } },
  'POST /api/calls/:callId/end': { roles: Roles.caseStaff, tags: ['calls'], params: CallParams, reply: { 204: NoContent } },
  'DELETE /api/calls/:callId/participants/:participantId': { roles: Roles.caseStaff, tags: ['calls'], params: CallParticipantParams, reply: { 204: NoContent } },
} as const satisfies RouteTable;
