/**
 * Duty (issue 10): the citizen's "Jeg vil gerne tale med nogen", routed to their own worker within that worker's
 * working hours and otherwise to the duty queue of the shifts on now whose team covers the citizen; claiming a
 * request (exactly one claimer wins), the chat of a chat request, and the coordinator's roster: shifts, coverage,
 * working hours and the organisation's duty settings (answer limit, out-of-hours text with emergency numbers).
 *
 * Live changes come over /events (protocol/events.ts): `dutyRequestsChanged` to the staff who may claim or handle a
 * request, `myContactRequestChanged` to the citizen, `contactMessagesChanged` to both sides of a chat. As every
 * event, they carry no data: the client asks the routes below again.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, LocalDateTime, NoContent, Nullable, Phone, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { StartedCall } from './calls.js';
import { Roles } from './roles.js';

/** How the citizen wants to be answered. */
export const ContactWay = Type.Union([Type.Literal('video'), Type.Literal('phone'), Type.Literal('chat')]);
export type ContactWay = Static<typeof ContactWay>;
/** Whose queue a request is in: the citizen's own worker first, the duty queue otherwise or after the limit. */
export const Answerer = Type.Union([Type.Literal('own_worker'), Type.Literal('duty')]);
export type Answerer = Static<typeof Answerer>;
/** waiting: no one has taken it; claimed: someone took it; closed: the one who took it is done; cancelled by the citizen. */
export const ContactRequestStatus = Type.Union([Type.Literal('waiting'), Type.Literal('claimed'), Type.Literal('closed'), Type.Literal('cancelled')]);
export type ContactRequestStatus = Static<typeof ContactRequestStatus>;

/** "HH:mm" on a 24-hour clock; `24:00` only as the end of a day. */
const ClockTime = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', description: 'HH:mm' });

// ——— Settings ———

/** A number to call when no one in Nærvær can answer, e.g. {label: "Psykiatrisk akutmodtagelse", number: "38 64 00 00"}. */
export const EmergencyNumber = Type.Object(
  {
    label: Text({ minLength: 1, maxLength: 100, nonBlank: true }),
    /** As written on the screen; the client makes a tel: link of its digits (and a leading +). */
    number: Type.String({ pattern: '^\\+?[0-9][0-9 ]{1,19}$', description: 'Digits and spaces, e.g. "38 64 00 00" or "112"' }),
  },
  strict,
);
export type EmergencyNumber = Static<typeof EmergencyNumber>;
/** What the citizen is told when no one can answer: the organisation's own words and its emergency numbers. */
export const OutOfHours = Type.Object({ text: Type.String(), numbers: Type.Array(EmergencyNumber) });
export type OutOfHours = Static<typeof OutOfHours>;

export const DutySettings = Type.Object({
  /** Minutes before an unclaimed request moves from the own worker to the duty queue, and (again) before escalation by SMS. */
  requestAnswerMinutes: Type.Integer({ minimum: 1, maximum: 240 }),
  outOfHoursText: Text({ maxLength: 1000, multiline: true }),
  emergencyNumbers: Type.Array(EmergencyNumber, { maxItems: 6 }),
  /** The escalation SMS also goes to the organisation's coordinators (those with a mobile number). */
  escalateToCoordinators: Type.Boolean(),
});
export type DutySettings = Static<typeof DutySettings>;
export const UpdateDutySettingsBody = Type.Partial(DutySettings, { ...strict, minProperties: 1 });
export type UpdateDutySettingsBody = Static<typeof UpdateDutySettingsBody>;

/** One stretch of a weekday: Mon–Fri 08:00–15:30 is five of these. Several per day are fine; they may not overlap. */
export const WorkingPeriod = Type.Object(
  { weekday: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 = Monday … 7 = Sunday' }), start: ClockTime, end: ClockTime },
  strict,
);
export type WorkingPeriod = Static<typeof WorkingPeriod>;
/** A worker's weekly pattern, in the organisation's time zone. Empty: requests always go to the duty queue. */
export const WorkingHours = Type.Object({ workerId: Uuid, periods: Type.Array(WorkingPeriod, { maxItems: 35 }) });
export type WorkingHours = Static<typeof WorkingHours>;
export const PutWorkingHoursBody = Type.Object({ periods: Type.Array(WorkingPeriod, { maxItems: 35 }) }, strict);
export type PutWorkingHoursBody = Static<typeof PutWorkingHoursBody>;
export const WorkerParams = Type.Object({ workerId: Uuid }, strict);

// ——— Roster ———

export const Shift = Type.Object({
  id: Uuid,
  teamId: Uuid,
  teamName: Type.String(),
  workerId: Uuid,
  workerName: Type.String(),
  start: LocalDateTime,
  end: LocalDateTime,
  startsAt: Timestamp,
  endsAt: Timestamp,
  /** The phone the escalation SMS goes to: the shift's own, else its team's duty phone; null when neither is set. */
  dutyPhone: Nullable(Type.String()),
});
export type Shift = Static<typeof Shift>;
export const CreateShiftBody = Type.Object(
  {
    teamId: Uuid,
    workerId: Uuid,
    start: LocalDateTime,
    /** After start; at most 24 hours later (a night shift 23:00–07:00 ends the next day). */
    end: LocalDateTime,
    dutyPhone: Type.Optional(Phone),
  },
  strict,
);
export type CreateShiftBody = Static<typeof CreateShiftBody>;
/** The week starting on `from` (any day; the list covers from 00:00 that day to 00:00 seven days later). */
export const ShiftListQuery = Type.Object({ from: CalendarDate, teamId: Type.Optional(Uuid) }, strict);
export type ShiftListQuery = Static<typeof ShiftListQuery>;
export const ShiftParams = Type.Object({ shiftId: Uuid }, strict);

/**
 * A team as the roster sees it. Every team covers its own citizens (a citizen belongs to the teams of the workers
 * holding them in a caseload); `covers` lists the other teams whose citizens it answers for while on shift — a night
 * team covering several units.
 */
export const DutyTeam = Type.Object({ teamId: Uuid, teamName: Type.String(), dutyPhone: Nullable(Type.String()), covers: Type.Array(Uuid) });
export type DutyTeam = Static<typeof DutyTeam>;
export const PutDutyTeamBody = Type.Object({ dutyPhone: Nullable(Phone), covers: Type.Array(Uuid, { maxItems: 100, uniqueItems: true }) }, strict);
export type PutDutyTeamBody = Static<typeof PutDutyTeamBody>;
export const TeamParams = Type.Object({ teamId: Uuid }, strict);

/** The signed-in staff member's duty: the shifts they are on now and their next ones (a week ahead). */
export const MyDuty = Type.Object({ onDutyNow: Type.Boolean(), current: Type.Array(Shift), upcoming: Type.Array(Shift) });
export type MyDuty = Static<typeof MyDuty>;

// ——— Requests: the citizen's side ———

export const CreateContactRequestBody = Type.Object(
  { way: ContactWay, topic: Type.Optional(Text({ maxLength: 200, description: '"Hvad handler det om?" — never required' })) },
  strict,
);
export type CreateContactRequestBody = Static<typeof CreateContactRequestBody>;

/** The citizen's request as they see it. Names are first names only. */
export const MyContactRequest = Type.Object({
  id: Uuid,
  way: ContactWay,
  topic: Nullable(Type.String()),
  status: ContactRequestStatus,
  answerer: Answerer,
  /** The own worker's first name when answerer is own_worker; null for the duty queue ("Nattevagten"). */
  name: Nullable(Type.String()),
  /** By when someone should answer (the request's time plus the organisation's limit, from when it entered this queue). */
  answerBy: Timestamp,
  createdAt: Timestamp,
  /** First name of the one who took it, once claimed ("Bo har set din besked"). */
  claimedByName: Nullable(Type.String()),
  /** A video request once claimed: the session to join (the 'Bo er klar' path of issue 9 tells the citizen too). */
  callId: Nullable(Uuid),
  /**
   * Set while the request waits in the duty queue and no one is on a shift covering the citizen (it moved there from
   * their worker after the limit, and the evening shift had not begun): the organisation's text and emergency numbers
   * to show beside it. Null otherwise.
   */
  outOfHours: Nullable(OutOfHours),
});
export type MyContactRequest = Static<typeof MyContactRequest>;

/** Routed: someone will answer. No one: outside all service hours; nothing was stored, show the numbers. */
export const CreatedContactRequest = Type.Union([
  Type.Object({ outcome: Type.Literal('routed'), request: MyContactRequest }),
  Type.Object({ outcome: Type.Literal('no_one'), outOfHours: OutOfHours }),
]);
export type CreatedContactRequest = Static<typeof CreatedContactRequest>;
export const RequestParams = Type.Object({ requestId: Uuid }, strict);

// ——— Requests: the staff side ———

export const DutyRequest = Type.Object({
  id: Uuid,
  citizenId: Uuid,
  citizenName: Type.String(),
  way: ContactWay,
  topic: Nullable(Type.String()),
  status: ContactRequestStatus,
  answerer: Answerer,
  createdAt: Timestamp,
  answerBy: Timestamp,
  claimedById: Nullable(Uuid),
  claimedByName: Nullable(Type.String()),
  claimedAt: Nullable(Timestamp),
  /** The video session opened by the claim. */
  callId: Nullable(Uuid),
  /** Claimed by me: I may close it, chat in it. */
  mine: Type.Boolean(),
  /**
   * The citizen has a crisis plan and I may read it now (their own worker, or duty staff when they chose to share it
   * with duty: migration 014, crisis_plan_readable_by). Show the link to the plan only then; opening it is audited.
   */
  crisisPlanShared: Type.Boolean(),
});
export type DutyRequest = Static<typeof DutyRequest>;

/** What the claimer gets: the request, plus the session opened (video), or the citizen's number (phone; read audited). */
export const ClaimedRequest = Type.Object({
  request: DutyRequest,
  call: Nullable(StartedCall),
  /** Only for a phone request; null when the citizen has no mobile number on file. */
  citizenPhone: Nullable(Type.String()),
});
export type ClaimedRequest = Static<typeof ClaimedRequest>;

// ——— Chat ———

export const ChatMessage = Type.Object({
  id: Uuid,
  /** Written by the signed-in person. */
  mine: Type.Boolean(),
  /** First name of the writer. */
  authorName: Type.String(),
  authorRole: Type.Union([Type.Literal('citizen'), Type.Literal('staff')]),
  text: Type.String(),
  sentAt: Timestamp,
});
export type ChatMessage = Static<typeof ChatMessage>;
export const PostChatMessageBody = Type.Object({ text: Text({ minLength: 1, maxLength: 2000, nonBlank: true, multiline: true }) }, strict);
export type PostChatMessageBody = Static<typeof PostChatMessageBody>;

// ——— Statistics ———

/** Citizen-initiated requests vs planned sessions in a period: the "planned vs acute" figure the municipalities asked for. */
export const DutyStatistics = Type.Object({
  from: CalendarDate,
  to: CalendarDate,
  plannedSessions: Type.Integer(),
  citizenInitiated: Type.Integer(),
  answered: Type.Integer(),
  cancelled: Type.Integer(),
  /** Median minutes from request to claim over the answered ones; null when none were. */
  medianMinutesToAnswer: Nullable(Type.Number()),
});
export type DutyStatistics = Static<typeof DutyStatistics>;
export const DutyStatisticsQuery = Type.Object({ from: CalendarDate, to: CalendarDate }, strict);

export const dutyRoutes = {
  // settings and roster (the coordinator's Vagtplan)
  'GET /api/duty/settings': { roles: Roles.coordinator, tags: ['duty'], reply: { 200: DutySettings } },
  'PATCH /api/duty/settings': { roles: Roles.coordinator, tags: ['duty'], body: UpdateDutySettingsBody, reply: { 200: DutySettings } },
  'GET /api/duty/working-hours/:workerId': { roles: Roles.coordinator, tags: ['duty'], params: WorkerParams, reply: { 200: WorkingHours } },
  'PUT /api/duty/working-hours/:workerId': { roles: Roles.coordinator, tags: ['duty'], params: WorkerParams, body: PutWorkingHoursBody, reply: { 200: WorkingHours } },
  'GET /api/duty/teams': { roles: Roles.coordinator, tags: ['duty'], reply: { 200: Type.Array(DutyTeam) } },
  'PUT /api/duty/teams/:teamId': { roles: Roles.coordinator, tags: ['duty'], params: TeamParams, body: PutDutyTeamBody, reply: { 200: DutyTeam } },
  'GET /api/duty/shifts': { roles: Roles.coordinator, tags: ['duty'], query: ShiftListQuery, reply: { 200: Type.Array(Shift) } },
  /** 409 `overlap` (with overlapsWith) when the worker already has a shift then; the database refuses it. */
  'POST /api/duty/shifts': { roles: Roles.coordinator, tags: ['duty'], body: CreateShiftBody, reply: { 201: Shift } },
  'DELETE /api/duty/shifts/:shiftId': { roles: Roles.coordinator, tags: ['duty'], params: ShiftParams, reply: { 204: NoContent } },
  'GET /api/duty/statistics': { roles: Roles.coordinator, tags: ['duty'], query: DutyStatisticsQuery, reply: { 200: DutyStatistics } },
  // the staff member's duty screen
  'GET /api/duty/me': { roles: Roles.caseStaff, tags: ['duty'], reply: { 200: MyDuty } },
  /** Requests I may claim now (my citizens', and those of the teams my current shifts cover) and those I hold, newest first. */
  'GET /api/contact-requests': { roles: Roles.caseStaff, tags: ['duty'], reply: { 200: Type.Array(DutyRequest) } },
  'GET /api/contact-requests/:requestId': { roles: Roles.caseStaff, tags: ['duty'], params: RequestParams, reply: { 200: DutyRequest } },
  /** Exactly one claimer wins; the others get 409 `already_claimed`. 404 when I may not claim it. */
  'POST /api/contact-requests/:requestId/claim': { roles: Roles.caseStaff, tags: ['duty'], params: RequestParams, reply: { 200: ClaimedRequest } },
  /** The one who claimed it (or a coordinator) marks it done. */
  'POST /api/contact-requests/:requestId/close': { roles: Roles.caseStaff, tags: ['duty'], params: RequestParams, reply: { 204: NoContent } },
  // chat of a request: the citizen and the staff who claimed it
  'GET /api/contact-requests/:requestId/messages': { roles: [...Roles.caseStaff, 'citizen'], tags: ['duty'], params: RequestParams, reply: { 200: Type.Array(ChatMessage) } },
  'POST /api/contact-requests/:requestId/messages': { roles: [...Roles.caseStaff, 'citizen'], tags: ['duty'], params: RequestParams, body: PostChatMessageBody, reply: { 201: ChatMessage } },
  // the citizen
  /** 409 `conflict` when I already have an open request. */
  'POST /api/my/contact-requests': { roles: Roles.citizen, tags: ['duty'], body: CreateContactRequestBody, reply: { 201: CreatedContactRequest } },
  /** My open request (waiting or claimed), else null. */
  'GET /api/my/contact-requests/current': { roles: Roles.citizen, tags: ['duty'], reply: { 200: Nullable(MyContactRequest) } },
  'POST /api/my/contact-requests/:requestId/cancel': { roles: Roles.citizen, tags: ['duty'], params: RequestParams, reply: { 204: NoContent } },
} as const satisfies RouteTable;
