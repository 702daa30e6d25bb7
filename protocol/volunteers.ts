/**
 * Volunteers (issue 12): the coordinator keeps each volunteer's profile; a worker proposes a volunteer to a citizen in
 * their caseload (or answers the citizen's wish for one), and the citizen accepts or declines; either side ends it.
 * Citizens see a volunteer only by the chosen name, kind and presentation; a volunteer sees a citizen only while
 * matched, by display name. The contact person follows their volunteers up: sessions and hours (no content) and
 * supervision notes (no citizen content); the coordinator gets hours and contacts per volunteer per month.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, Nullable, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

export const VolunteerKind = Type.Union([Type.Literal('peer'), Type.Literal('it_helper')]);
export type VolunteerKind = Static<typeof VolunteerKind>;
/** The languages a volunteer may list (ISO 639-1). */
export const VOLUNTEER_LANGUAGES = ['da', 'en', 'sv', 'de', 'no', 'ar', 'fa', 'so', 'tr', 'uk', 'pl', 'ur'] as const;
export const VolunteerLanguage = Type.Union(VOLUNTEER_LANGUAGES.map((l) => Type.Literal(l)));
export type VolunteerLanguage = Static<typeof VolunteerLanguage>;
/** "2026-11": a month in the organisation's time zone. */
export const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });

/** What the coordinator writes about a volunteer. */
export const VolunteerProfileBody = Type.Object(
  {
    kind: VolunteerKind,
    /** The only name citizens see: a first name or a chosen name. */
    chosenName: Text({ minLength: 1, maxLength: 60, nonBlank: true }),
    presentation: Text({ maxLength: 1000, multiline: true }),
    languages: Type.Array(VolunteerLanguage, { minItems: 1, maxItems: 10, uniqueItems: true }),
    taskDescription: Text({ maxLength: 2000, multiline: true }),
    contactPersonId: Nullable(Uuid),
    activeFrom: CalendarDate,
    activeUntil: Nullable(CalendarDate),
  },
  strict,
);
export type VolunteerProfileBody = Static<typeof VolunteerProfileBody>;

/** A volunteer as staff see them. */
export const VolunteerProfile = Type.Object({
  volunteerId: Uuid,
  /** The volunteer's own name in the organisation (staff only). */
  displayName: Type.String(),
  active: Type.Boolean(),
  /** Within the active period today. */
  current: Type.Boolean(),
  kind: VolunteerKind,
  chosenName: Type.String(),
  presentation: Type.String(),
  languages: Type.Array(VolunteerLanguage),
  taskDescription: Type.String(),
  contactPersonId: Nullable(Uuid),
  contactPersonName: Nullable(Type.String()),
  activeFrom: CalendarDate,
  activeUntil: Nullable(CalendarDate),
  activeMatches: Type.Integer({ minimum: 0 }),
});
export type VolunteerProfile = Static<typeof VolunteerProfile>;

export const MatchStatus = Type.Union([Type.Literal('proposed'), Type.Literal('active'), Type.Literal('declined'), Type.Literal('ended')]);
export type MatchStatus = Static<typeof MatchStatus>;

/** A match as the citizen's workers see it. */
export const StaffMatch = Type.Object({
  id: Uuid,
  volunteerId: Uuid,
  chosenName: Type.String(),
  kind: VolunteerKind,
  status: MatchStatus,
  createdAt: Timestamp,
  decidedAt: Nullable(Timestamp),
  endedAt: Nullable(Timestamp),
});
export type StaffMatch = Static<typeof StaffMatch>;

/** A citizen's wish for a volunteer, not yet answered. */
export const VolunteerWish = Type.Object({ id: Uuid, citizenId: Uuid, citizenName: Type.String(), kind: VolunteerKind, createdAt: Timestamp });
export type VolunteerWish = Static<typeof VolunteerWish>;

export const CitizenVolunteers = Type.Object({ matches: Type.Array(StaffMatch), wishes: Type.Array(VolunteerWish) });
export type CitizenVolunteers = Static<typeof CitizenVolunteers>;

/** A volunteer as the citizen sees them: never their own name, e-mail or phone. */
export const VolunteerCard = Type.Object({
  matchId: Uuid,
  chosenName: Type.String(),
  kind: VolunteerKind,
  presentation: Type.String(),
  languages: Type.Array(VolunteerLanguage),
});
export type VolunteerCard = Static<typeof VolunteerCard>;

/** The citizen's home card: proposals to answer, their volunteers, and who recently stopped (never why). */
export const MyVolunteers = Type.Object({
  proposals: Type.Array(VolunteerCard),
  active: Type.Array(VolunteerCard),
  ended: Type.Array(Type.Object({ matchId: Uuid, chosenName: Type.String(), endedAt: Timestamp })),
  /** Kinds the citizen has asked for and no worker has answered yet. */
  wishes: Type.Array(VolunteerKind),
});
export type MyVolunteers = Static<typeof MyVolunteers>;

/** The volunteer's own home. */
export const MyVolunteering = Type.Object({
  profile: Nullable(Type.Object({
    kind: VolunteerKind,
    chosenName: Type.String(),
    presentation: Type.String(),
    taskDescription: Type.String(),
    activeFrom: CalendarDate,
    activeUntil: Nullable(CalendarDate),
  })),
  contactPersonName: Nullable(Type.String()),
  /** Citizens matched with the volunteer now: display name only. */
  matches: Type.Array(Type.Object({ matchId: Uuid, citizenName: Type.String(), since: Timestamp })),
  /** Matches that ended lately: only that they ended. */
  ended: Type.Array(Type.Object({ matchId: Uuid, endedAt: Timestamp })),
});
export type MyVolunteering = Static<typeof MyVolunteering>;

/** One session or held appointment the volunteer hosted: when and how long, nothing of its content. */
export const VolunteerActivity = Type.Object({
  kind: Type.Union([Type.Literal('session'), Type.Literal('appointment')]),
  startedAt: Timestamp,
  minutes: Type.Integer({ minimum: 0 }),
});
export type VolunteerActivity = Static<typeof VolunteerActivity>;

export const SupervisionNote = Type.Object({ id: Uuid, body: Type.String(), authorName: Type.String(), createdAt: Timestamp });
export type SupervisionNote = Static<typeof SupervisionNote>;

export const VolunteerFollowUp = Type.Object({
  volunteerId: Uuid,
  chosenName: Type.String(),
  displayName: Type.String(),
  activities: Type.Array(VolunteerActivity),
  totalMinutes: Type.Integer({ minimum: 0 }),
  notes: Type.Array(SupervisionNote),
});
export type VolunteerFollowUp = Static<typeof VolunteerFollowUp>;

export const SupervisionNoteBody = Type.Object({ body: Text({ minLength: 1, maxLength: 4000, multiline: true, nonBlank: true }) }, strict);
export type SupervisionNoteBody = Static<typeof SupervisionNoteBody>;

/** Hours and contacts of one volunteer in one month (local time): for the annual report. */
export const VolunteerHoursRow = Type.Object({
  month: Month,
  volunteerId: Uuid,
  displayName: Type.String(),
  chosenName: Type.String(),
  kind: VolunteerKind,
  /** Sessions and held appointments hosted. */
  contacts: Type.Integer({ minimum: 0 }),
  /** Distinct citizens among them. */
  citizens: Type.Integer({ minimum: 0 }),
  minutes: Type.Integer({ minimum: 0 }),
});
export type VolunteerHoursRow = Static<typeof VolunteerHoursRow>;
export const HoursQuery = Type.Object({ from: Month, to: Month }, strict);

export const ProposeBody = Type.Object({ volunteerId: Uuid }, strict);
export const DecideBody = Type.Object({ accept: Type.Boolean() }, strict);
export const WishBody = Type.Object({ kind: VolunteerKind }, strict);

const VolunteerParams = Type.Object({ volunteerId: Uuid }, strict);
const CitizenParams = Type.Object({ citizenId: Uuid }, strict);
const MatchParams = Type.Object({ matchId: Uuid }, strict);

export const volunteerRoutes = {
  // The coordinator's list and profiles; workers read the list to propose from it.
  'GET /api/volunteers': { roles: Roles.caseStaff, tags: ['volunteers'], reply: { 200: Type.Array(VolunteerProfile) } },
  'PUT /api/volunteers/:volunteerId/profile': {
    roles: Roles.coordinator, tags: ['volunteers'], params: VolunteerParams, body: VolunteerProfileBody, reply: { 200: VolunteerProfile },
  },
  // Follow-up: the volunteer's contact person, or a coordinator.
  'GET /api/volunteers/:volunteerId/follow-up': { roles: Roles.caseStaff, tags: ['volunteers'], params: VolunteerParams, reply: { 200: VolunteerFollowUp } },
  'POST /api/volunteers/:volunteerId/supervision-notes': {
    roles: Roles.caseStaff, tags: ['volunteers'], params: VolunteerParams, body: SupervisionNoteBody, reply: { 201: SupervisionNote },
  },
  'GET /api/volunteers/hours': { roles: Roles.coordinator, tags: ['volunteers'], query: HoursQuery, reply: { 200: Type.Array(VolunteerHoursRow) } },
  'GET /api/volunteers/hours.csv': { roles: Roles.coordinator, tags: ['volunteers'], query: HoursQuery, produces: 'text/csv', reply: { 200: Type.String() } },
  // Matching, staff side: a citizen in the caller's caseload.
  'GET /api/citizens/:citizenId/volunteers': { roles: Roles.caseStaff, tags: ['volunteers'], params: CitizenParams, reply: { 200: CitizenVolunteers } },
  'POST /api/citizens/:citizenId/volunteers': {
    roles: Roles.caseStaff, tags: ['volunteers'], params: CitizenParams, body: ProposeBody, reply: { 201: CitizenVolunteers },
  },
  'POST /api/volunteer-matches/:matchId/end': { roles: Roles.caseStaff, tags: ['volunteers'], params: MatchParams, reply: { 204: Type.Null() } },
  'GET /api/volunteer-wishes': { roles: Roles.caseStaff, tags: ['volunteers'], reply: { 200: Type.Array(VolunteerWish) } },
  // The citizen.
  'GET /api/my/volunteers': { roles: Roles.citizen, tags: ['volunteers'], reply: { 200: MyVolunteers } },
  'POST /api/my/volunteers/:matchId/decide': { roles: Roles.citizen, tags: ['volunteers'], params: MatchParams, body: DecideBody, reply: { 200: MyVolunteers } },
  'POST /api/my/volunteers/:matchId/end': { roles: Roles.citizen, tags: ['volunteers'], params: MatchParams, reply: { 200: MyVolunteers } },
  'POST /api/my/volunteer-wishes': { roles: Roles.citizen, tags: ['volunteers'], body: WishBody, reply: { 201: MyVolunteers } },
  // The volunteer.
  'GET /api/my/volunteering': { roles: Roles.volunteer, tags: ['volunteers'], reply: { 200: MyVolunteering } },
  'POST /api/my/volunteering/:matchId/end': { roles: Roles.volunteer, tags: ['volunteers'], params: MatchParams, reply: { 200: MyVolunteering } },
} as const satisfies RouteTable;
