/**
 * Follow-up after a no-show (issue 11). When an appointment or a session is recorded as a no-show — by the booking's
 * status route or the call's outcome step, whichever comes — the database opens one follow-up for the citizen's worker
 * (migration 017). The worker plans what to do, each with a due time (call, SMS, ask the duty team, go and see), and
 * closes it with what happened: reached, not reached, or other, with a short note. Two no-shows in a row without
 * contact in between alert the coordinators. Follow-ups are case data: caseload workers and coordinators only.
 *
 * Live: `followUpsChanged` (protocol/events.ts) tells the worker and, for an alert, the coordinators that something
 * changed; as every event, it carries no data.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LocalDateTime, Modality, NoContent, Nullable, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

export const FollowUpActionKind = Type.Union([Type.Literal('call'), Type.Literal('sms'), Type.Literal('duty'), Type.Literal('visit')]);
export type FollowUpActionKind = Static<typeof FollowUpActionKind>;
export const FollowUpResult = Type.Union([Type.Literal('reached'), Type.Literal('not_reached'), Type.Literal('other')]);
export type FollowUpResult = Static<typeof FollowUpResult>;

export const FollowUpAction = Type.Object({
  id: Uuid,
  kind: FollowUpActionKind,
  due: LocalDateTime,
  dueAt: Timestamp,
  done: Type.Boolean(),
});
export type FollowUpAction = Static<typeof FollowUpAction>;

export const FollowUp = Type.Object({
  id: Uuid,
  citizenId: Uuid,
  citizenName: Type.String(),
  workerId: Uuid,
  /** What was missed: a booked appointment (with its way of meeting) or an ad hoc session. */
  cause: Type.Union([Type.Literal('appointment'), Type.Literal('call')]),
  modality: Nullable(Modality),
  /** When the missed appointment or session was, local. */
  missedAt: LocalDateTime,
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  due: LocalDateTime,
  dueAt: Timestamp,
  /** Open, and its own due time or an action's has passed. */
  overdue: Type.Boolean(),
  actions: Type.Array(FollowUpAction),
  result: Nullable(FollowUpResult),
  resultNote: Nullable(Type.String()),
  closedAt: Nullable(Timestamp),
});
export type FollowUp = Static<typeof FollowUp>;

/** Two no-shows in a row without contact, for the coordinators. */
export const FollowUpAlert = Type.Object({
  id: Uuid,
  followUpId: Uuid,
  citizenId: Uuid,
  citizenName: Type.String(),
  workerName: Type.String(),
  createdAt: Timestamp,
});
export type FollowUpAlert = Static<typeof FollowUpAlert>;

export const FollowUpListQuery = Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])) }, strict);
export const FollowUpParams = Type.Object({ followUpId: Uuid }, strict);
export const FollowUpActionParams = Type.Object({ followUpId: Uuid, actionId: Uuid }, strict);
export const AlertParams = Type.Object({ alertId: Uuid }, strict);
export const AddFollowUpActionBody = Type.Object({ kind: FollowUpActionKind, due: LocalDateTime }, strict);
export type AddFollowUpActionBody = Static<typeof AddFollowUpActionBody>;
export const CloseFollowUpBody = Type.Object(
  { result: FollowUpResult, note: Type.Optional(Text({ minLength: 1, maxLength: 500, nonBlank: true, multiline: true })) },
  strict,
);
export type CloseFollowUpBody = Static<typeof CloseFollowUpBody>;

export const followUpRoutes = {
  /** A worker's own follow-ups (a coordinator's: everyone's), overdue first, then by due time. */
  'GET /api/follow-ups': { roles: Roles.caseStaff, tags: ['follow-up'], query: FollowUpListQuery, reply: { 200: Type.Array(FollowUp) } },
  'POST /api/follow-ups/:followUpId/actions': {
    roles: Roles.caseStaff, tags: ['follow-up'], params: FollowUpParams, body: AddFollowUpActionBody, reply: { 201: FollowUp },
  },
  'POST /api/follow-ups/:followUpId/actions/:actionId/done': { roles: Roles.caseStaff, tags: ['follow-up'], params: FollowUpActionParams, reply: { 200: FollowUp } },
  'POST /api/follow-ups/:followUpId/close': { roles: Roles.caseStaff, tags: ['follow-up'], params: FollowUpParams, body: CloseFollowUpBody, reply: { 200: FollowUp } },
  /** Unseen alerts of two no-shows in a row without contact. */
  'GET /api/follow-up-alerts': { roles: Roles.coordinator, tags: ['follow-up'], reply: { 200: Type.Array(FollowUpAlert) } },
  'POST /api/follow-up-alerts/:alertId/seen': { roles: Roles.coordinator, tags: ['follow-up'], params: AlertParams, reply: { 204: NoContent } },
} as const satisfies RouteTable;
