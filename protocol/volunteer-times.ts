/**
 * Volunteers' own sessions: the regular times a volunteer publishes, the free times a matched citizen books from
 * (ordinary appointments hosted by the volunteer, so the same rules against double booking and the same reminders),
 * the video session a volunteer opens for such an appointment and their "I need help from staff" in it, a worker's
 * practice call between a citizen and an IT helper, and the citizen's camera-and-microphone check their worker sees.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StartedCall } from './calls.js';
import { CalendarDate, LocalDateTime, Nullable, NoContent, strict, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

/** "HH:mm", local time in the organisation's zone; 24:00 ends a day. */
const ClockTime = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', description: 'HH:mm local time' });

export const VolunteerTime = Type.Object({
  id: Uuid,
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: Type.Integer({ minimum: 1, maximum: 7 }),
  start: ClockTime,
  end: ClockTime,
  slotMinutes: Type.Integer({ minimum: 15, maximum: 120 }),
  activeFrom: CalendarDate,
  activeUntil: Nullable(CalendarDate),
});
export type VolunteerTime = Static<typeof VolunteerTime>;
export const NewVolunteerTimeBody = Type.Object({
  weekday: Type.Integer({ minimum: 1, maximum: 7 }),
  start: ClockTime,
  end: ClockTime,
  slotMinutes: Type.Integer({ minimum: 15, maximum: 120 }),
  /** From today when left out. */
  activeFrom: Type.Optional(CalendarDate),
  activeUntil: Type.Optional(CalendarDate),
}, strict);
export type NewVolunteerTimeBody = Static<typeof NewVolunteerTimeBody>;
export const VolunteerTimeParams = Type.Object({ timeId: Uuid }, strict);

/** A free time the citizen can book, as the citizen reads it. */
export const FreeTime = Type.Object({ start: LocalDateTime, end: LocalDateTime, whenText: Type.String() });
export type FreeTime = Static<typeof FreeTime>;
export const FreeTimes = Type.Object({
  volunteerId: Uuid,
  /** The volunteer's chosen name: the only name the citizen sees. */
  chosenName: Type.String(),
  kind: Type.Union([Type.Literal('peer'), Type.Literal('it_helper')]),
  times: Type.Array(FreeTime),
});
export type FreeTimes = Static<typeof FreeTimes>;
export const VolunteerParams = Type.Object({ volunteerId: Uuid }, strict);
/** The first local day to look from (today when left out); the list covers four weeks from it. */
export const FreeTimesQuery = Type.Object({ from: Type.Optional(CalendarDate) }, strict);
export type FreeTimesQuery = Static<typeof FreeTimesQuery>;
export const VolunteerModality = Type.Union([Type.Literal('video'), Type.Literal('phone'), Type.Literal('chat')]);
export const BookVolunteerBody = Type.Object({ start: LocalDateTime, modality: VolunteerModality }, strict);
export type BookVolunteerBody = Static<typeof BookVolunteerBody>;

/** An appointment with a volunteer, as the citizen sees it (only the chosen name) and as the volunteer sees it. */
export const VolunteerAppointment = Type.Object({
  id: Uuid,
  start: LocalDateTime,
  end: LocalDateTime,
  whenText: Type.String(),
  modality: VolunteerModality,
  purpose: Type.Union([Type.Literal('support'), Type.Literal('practice')]),
  /** The citizen sees the volunteer's chosen name; the volunteer the citizen's first name. Nothing else of either. */
  otherName: Type.String(),
  /** The volunteer-hosted video session of this appointment while it is open. */
  openCallId: Nullable(Uuid),
});
export type VolunteerAppointment = Static<typeof VolunteerAppointment>;
export const VolunteerAppointmentParams = Type.Object({ appointmentId: Uuid }, strict);

export const StartVolunteerCallBody = Type.Object({ appointmentId: Uuid }, strict);
export type StartVolunteerCallBody = Static<typeof StartVolunteerCallBody>;
export const VolunteerCallParams = Type.Object({ callId: Uuid }, strict);
/**
 * Who was reached: the contact person was brought into the call; or (none, or not active) a contact request went to the
 * citizen's worker or the duty queue; or nobody can answer now (`no_one`: out of hours, no one on duty).
 */
export const StaffHelp = Type.Object({ reached: Type.Union([Type.Literal('contact_person'), Type.Literal('duty'), Type.Literal('no_one')]) });
export type StaffHelp = Static<typeof StaffHelp>;

export const PracticeCallBody = Type.Object({
  citizenId: Uuid,
  volunteerId: Uuid,
  start: LocalDateTime,
  durationMinutes: Type.Optional(Type.Integer({ minimum: 10, maximum: 120 })),
}, strict);
export type PracticeCallBody = Static<typeof PracticeCallBody>;
export const PracticeCall = Type.Object({ id: Uuid, start: LocalDateTime, end: LocalDateTime, volunteerName: Type.String() });
export type PracticeCall = Static<typeof PracticeCall>;

export const DeviceCheckResult = Type.Union([Type.Literal('video'), Type.Literal('audio_only'), Type.Literal('none')]);
export type DeviceCheckResult = Static<typeof DeviceCheckResult>;
export const DeviceCheckBody = Type.Object({ result: DeviceCheckResult }, strict);
export type DeviceCheckBody = Static<typeof DeviceCheckBody>;
export const DeviceCheck = Type.Object({ citizenId: Uuid, result: DeviceCheckResult, checkedAt: Timestamp });
export type DeviceCheck = Static<typeof DeviceCheck>;

export const volunteerTimeRoutes = {
  // the volunteer's regular times
  'GET /api/my/volunteer-times': { roles: ['volunteer'], tags: ['volunteer times'], reply: { 200: Type.Array(VolunteerTime) } },
  'POST /api/my/volunteer-times': { roles: ['volunteer'], tags: ['volunteer times'], body: NewVolunteerTimeBody, reply: { 201: VolunteerTime } },
  'DELETE /api/my/volunteer-times/:timeId': { roles: ['volunteer'], tags: ['volunteer times'], params: VolunteerTimeParams, reply: { 204: NoContent } },
  /** The volunteer's coming appointments with their matched citizens (first name and time only). */
  'GET /api/my/volunteer-appointments': { roles: ['volunteer'], tags: ['volunteer times'], reply: { 200: Type.Array(VolunteerAppointment) } },
  /** Opens the video session of one of the volunteer's own appointments with a citizen they are matched with. */
  'POST /api/volunteer-calls': { roles: ['volunteer'], tags: ['volunteer times'], body: StartVolunteerCallBody, reply: { 201: StartedCall } },
  /** "Jeg har brug for hjælp fra en medarbejder": brings the contact person into the call, else asks the duty queue. */
  'POST /api/volunteer-calls/:callId/staff-help': { roles: ['volunteer'], tags: ['volunteer times'], params: VolunteerCallParams, reply: { 200: StaffHelp } },
  // the matched citizen
  /** The next free times of every volunteer the citizen has an active match with (none: an empty list). */
  'GET /api/my/volunteer-free-times': { roles: Roles.citizen, tags: ['volunteer times'], reply: { 200: Type.Array(FreeTimes) } },
  /** 404 unless the caller has an active match with the volunteer. */
  'GET /api/volunteers/:volunteerId/free-times': { roles: Roles.citizen, tags: ['volunteer times'], params: VolunteerParams, query: FreeTimesQuery, reply: { 200: FreeTimes } },
  /** 409 `overlap` when the time was taken meanwhile (the database refuses it); 400 when it is not one of the free times. */
  'POST /api/volunteers/:volunteerId/bookings': { roles: Roles.citizen, tags: ['volunteer times'], params: VolunteerParams, body: BookVolunteerBody, reply: { 201: VolunteerAppointment } },
  'GET /api/my/volunteer-bookings': { roles: Roles.citizen, tags: ['volunteer times'], reply: { 200: Type.Array(VolunteerAppointment) } },
  'POST /api/my/volunteer-bookings/:appointmentId/cancel': { roles: Roles.citizen, tags: ['volunteer times'], params: VolunteerAppointmentParams, reply: { 204: NoContent } },
  // getting started
  'POST /api/my/device-checks': { roles: Roles.citizen, tags: ['volunteer times'], body: DeviceCheckBody, reply: { 201: DeviceCheck } },
  /** The newest check of each citizen the caller supports (a coordinator: every citizen). */
  'GET /api/device-checks': { roles: Roles.caseStaff, tags: ['volunteer times'], reply: { 200: Type.Array(DeviceCheck) } },
  /** A practice call: an appointment hosted by an IT helper the citizen is matched with. */
  'POST /api/practice-calls': { roles: Roles.caseStaff, tags: ['volunteer times'], body: PracticeCallBody, reply: { 201: PracticeCall } },
} as const satisfies RouteTable;
