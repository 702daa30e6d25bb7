/**
 * Appointments: staff book, move, cancel and close them; the citizen sees theirs and asks to cancel or to meet another
 * way, and the worker decides.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, LocalDateTime, Modality, NoContent, Nullable, PreferredModality, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

export { Modality, LocalDateTime } from './common.js';

const Reason = Text({ minLength: 1, maxLength: 500, nonBlank: true, multiline: true });
export const AppointmentStatus = Type.Union([
  Type.Literal('booked'), Type.Literal('cancelled'), Type.Literal('held'), Type.Literal('no_show'), Type.Literal('technical_failure'),
]);

export const BookBody = Type.Object(
  {
    citizenId: Uuid,
    start: LocalDateTime,
    durationMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 240 })),
    modality: Modality,
    staffNote: Type.Optional(Text({ maxLength: 2000, multiline: true })),
    repeatWeeks: Type.Optional(Type.Integer({ minimum: 2, maximum: 52, description: 'Book the same time weekly, this many times' })),
    workerId: Type.Optional(Uuid),
    /** A home visit or phone appointment: ask the citizen by SMS on the morning of the day (issue 11, protocol/attendance.ts). */
    attendanceCheck: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type BookBody = Static<typeof BookBody>;
export const RescheduleBody = Type.Object({ start: LocalDateTime, durationMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 240 })), reason: Reason }, strict);
export type RescheduleBody = Static<typeof RescheduleBody>;
export const CancelBody = Type.Object({ reason: Reason }, strict);
export type CancelBody = Static<typeof CancelBody>;
export const SetStatusBody = Type.Object(
  { status: Type.Union([Type.Literal('held'), Type.Literal('no_show'), Type.Literal('technical_failure')]), reason: Type.Optional(Reason) },
  strict,
);
export type SetStatusBody = Static<typeof SetStatusBody>;
/** A reminder of the appointment that has not been cancelled. */
export const ReminderState = Type.Object({
  channel: Type.Union([Type.Literal('sms'), Type.Literal('email')]),
  dueAt: Timestamp,
  status: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
});
const RequestKind = Type.Union([Type.Literal('cancel'), Type.Literal('modality')]);
/** The citizen's open request: to cancel, or to meet another way (then which). */
export const OpenRequest = Type.Union([
  Type.Object({ id: Uuid, kind: Type.Literal('cancel'), requestedModality: Type.Null() }),
  Type.Object({ id: Uuid, kind: Type.Literal('modality'), requestedModality: PreferredModality }),
]);
export const Appointment = Type.Object({
  id: Uuid,
  citizenId: Uuid,
  citizenName: Type.String(),
  workerId: Uuid,
  seriesId: Nullable(Uuid),
  start: LocalDateTime,
  end: LocalDateTime,
  startsAt: Timestamp,
  endsAt: Timestamp,
  modality: Modality,
  status: AppointmentStatus,
  statusReason: Nullable(Type.String()),
  staffNote: Nullable(Type.String()),
  citizenPreference: Nullable(PreferredModality),
  reminders: Type.Array(ReminderState),
  openRequest: Nullable(OpenRequest),
});
export type Appointment = Static<typeof Appointment>;
export const AppointmentListQuery = Type.Object(
  { from: CalendarDate, days: Type.Optional(Type.String({ pattern: '^([1-9]|[12][0-9]|3[01])$' })), workerId: Type.Optional(Uuid) },
  strict,
);
export type AppointmentListQuery = Static<typeof AppointmentListQuery>;
export const AppointmentParams = Type.Object({ appointmentId: Uuid }, strict);

export const MyAppointment = Type.Object({
  id: Uuid,
  start: LocalDateTime,
  end: LocalDateTime,
  whenText: Type.String(),
  modality: Modality,
  workerName: Type.String(),
  /** What the citizen has asked for and the worker not yet decided. */
  pendingRequest: Nullable(RequestKind),
  /** Whether the citizen may still ask to cancel or to meet another way: not once it has begun or its session opened. */
  canChange: Type.Boolean(),
});
export type MyAppointment = Static<typeof MyAppointment>;
export const ChangeRequestBody = Type.Object(
  { kind: RequestKind, modality: Type.Optional(PreferredModality) },
  strict,
);
export type ChangeRequestBody = Static<typeof ChangeRequestBody>;
export const DecideBody = Type.Object({ accept: Type.Boolean() }, strict);
export type DecideBody = Static<typeof DecideBody>;
export const RequestParams = Type.Object({ requestId: Uuid }, strict);

export const bookingRoutes = {
  'POST /api/appointments': { roles: Roles.caseStaff, tags: ['booking'], body: BookBody, reply: { 201: Type.Array(Appointment) } },
  'GET /api/appointments': { roles: Roles.caseStaff, tags: ['booking'], query: AppointmentListQuery, reply: { 200: Type.Array(Appointment) } },
  'POST /api/appointments/:appointmentId/cancel': { roles: Roles.caseStaff, tags: ['booking'], params: AppointmentParams, body: CancelBody, reply: { 200: Appointment } },
  'POST /api/appointments/:appointmentId/reschedule': { roles: Roles.caseStaff, tags: ['booking'], params: AppointmentParams, body: RescheduleBody, reply: { 200: Appointment } },
  'POST /api/appointments/:appointmentId/status': { roles: Roles.caseStaff, tags: ['booking'], params: AppointmentParams, body: SetStatusBody, reply: { 200: Appointment } },
  /** The worker decides on the citizen's request to cancel or to change how they meet. */
  'POST /api/change-requests/:requestId/decide': { roles: Roles.caseStaff, tags: ['booking'], params: RequestParams, body: DecideBody, reply: { 200: Appointment } },
  // The citizen's side.
  'GET /api/my/appointments': { roles: Roles.citizen, tags: ['booking'], reply: { 200: Type.Array(MyAppointment) } },
  'POST /api/my/appointments/:appointmentId/requests': { roles: Roles.citizen, tags: ['booking'], params: AppointmentParams, body: ChangeRequestBody, reply: { 201: Type.Object({ id: Type.String() }) } },
  /** "Fortryd": the citizen takes back their open request before the worker has decided; the worker no longer sees it. */
  'DELETE /api/my/appointments/:appointmentId/requests/open': { roles: Roles.citizen, tags: ['booking'], params: AppointmentParams, reply: { 204: NoContent } },
  'GET /api/my/appointments/:appointmentId/ics': { roles: Roles.citizen, tags: ['booking'], params: AppointmentParams, produces: 'text/calendar', reply: { 200: Type.String() } },
} as const satisfies RouteTable;
