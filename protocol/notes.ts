/**
 * Notes and goals (issue 11): the citizen's goals from the §141 action plan; the two-minute note after a session
 * (video, phone, home visit, chat or a citizen's own request), saved as a draft while the worker types and finalised
 * with its outcome; the citizen's timeline ("Forløb"); a note's export to the case system (PDF and plain text); the
 * citizen's final notes ("Det skrev vi") when the organisation allows it; and the citizen's answer after a session
 * ("Hvordan var det at tale sammen i dag?").
 *
 * Staff see a citizen's goals, notes and timeline when they hold the citizen in their caseload or are a coordinator
 * (the author of a note always sees it); to anyone else they do not exist (404). Volunteers never. Every staff read
 * is audited.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NoContent, Nullable, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

// ——— Goals ———

export const GoalStatus = Type.Union([Type.Literal('active'), Type.Literal('achieved'), Type.Literal('paused')]);
export type GoalStatus = Static<typeof GoalStatus>;
export const Goal = Type.Object({
  id: Uuid,
  title: Type.String(),
  description: Nullable(Type.String()),
  status: GoalStatus,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Goal = Static<typeof Goal>;
const GoalTitle = Text({ minLength: 1, maxLength: 120, nonBlank: true });
const GoalDescription = Nullable(Text({ maxLength: 1000, multiline: true }));
export const CreateGoalBody = Type.Object({ title: GoalTitle, description: Type.Optional(GoalDescription) }, strict);
export type CreateGoalBody = Static<typeof CreateGoalBody>;
export const UpdateGoalBody = Type.Object(
  { title: Type.Optional(GoalTitle), description: Type.Optional(GoalDescription), status: Type.Optional(GoalStatus) },
  { ...strict, minProperties: 1 },
);
export type UpdateGoalBody = Static<typeof UpdateGoalBody>;

// ——— Notes ———

/** How the session took place; `citizen_initiated`: the citizen's own request, answered (protocol/duty.ts). */
export const NoteWay = Type.Union([
  Type.Literal('video'), Type.Literal('phone'), Type.Literal('home_visit'), Type.Literal('chat'), Type.Literal('citizen_initiated'),
]);
export type NoteWay = Static<typeof NoteWay>;
export const NOTE_WAYS = ['video', 'phone', 'home_visit', 'chat', 'citizen_initiated'] as const;
export const NoteOutcome = Type.Union([Type.Literal('held'), Type.Literal('no_show'), Type.Literal('technical_failure')]);
export type NoteOutcome = Static<typeof NoteOutcome>;
export const NoteStatus = Type.Union([Type.Literal('draft'), Type.Literal('final')]);
export type NoteStatus = Static<typeof NoteStatus>;

const Field = Nullable(Text({ maxLength: 2000, multiline: true }));
/** The structured fields and the free text: each short, each optional. */
export const NOTE_FIELDS = ['topics', 'agreements', 'nextStep', 'concerns', 'freeText'] as const;
export type NoteField = (typeof NOTE_FIELDS)[number];

export const Note = Type.Object({
  id: Uuid,
  /** A short reference for the case system ("N-1A2B3C4D"), the first characters of the id. */
  reference: Type.String(),
  citizenId: Uuid,
  citizenName: Type.String(),
  authorName: Type.String(),
  /** The signed-in staff member wrote it: only they change a draft. */
  mine: Type.Boolean(),
  way: NoteWay,
  occurredAt: Timestamp,
  durationMinutes: Nullable(Type.Integer({ minimum: 0, maximum: 600 })),
  outcome: Nullable(NoteOutcome),
  topics: Nullable(Type.String()),
  agreements: Nullable(Type.String()),
  nextStep: Nullable(Type.String()),
  concerns: Nullable(Type.String()),
  freeText: Nullable(Type.String()),
  status: NoteStatus,
  goalIds: Type.Array(Uuid),
  /** The citizen's goals the reader may see: the active ones and any the note concerned (the form's toggles). */
  goals: Type.Array(Goal),
  callId: Nullable(Uuid),
  appointmentId: Nullable(Uuid),
  requestId: Nullable(Uuid),
  updatedAt: Timestamp,
  finalisedAt: Nullable(Timestamp),
});
export type Note = Static<typeof Note>;

/**
 * Opens the author's note for a session: the draft they are writing for it if there is one, else a new draft
 * pre-filled from the session (way, time, duration). Exactly one of callId, appointmentId, requestId — or citizenId
 * with a way for a contact not in the system (a phone call the citizen made).
 */
export const OpenNoteBody = Type.Object(
  {
    callId: Type.Optional(Uuid),
    appointmentId: Type.Optional(Uuid),
    requestId: Type.Optional(Uuid),
    citizenId: Type.Optional(Uuid),
    way: Type.Optional(NoteWay),
  },
  { ...strict, minProperties: 1 },
);
export type OpenNoteBody = Static<typeof OpenNoteBody>;

/** The draft as the worker types: any of its fields (debounced, so a reload shows what was typed). */
export const UpdateNoteBody = Type.Object(
  {
    way: Type.Optional(NoteWay),
    durationMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 600 }))),
    outcome: Type.Optional(Nullable(NoteOutcome)),
    topics: Type.Optional(Field),
    agreements: Type.Optional(Field),
    nextStep: Type.Optional(Field),
    concerns: Type.Optional(Field),
    freeText: Type.Optional(Field),
    goalIds: Type.Optional(Type.Array(Uuid, { maxItems: 50, uniqueItems: true })),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateNoteBody = Static<typeof UpdateNoteBody>;

export const FinalisedNote = Type.Composite([
  Note,
  Type.Object({
    /** The linked appointment's status was set to the outcome (false: none, or one that could not take it — cancelled, not begun). */
    appointmentUpdated: Type.Boolean(),
  }),
]);
export type FinalisedNote = Static<typeof FinalisedNote>;

/** A final note as the citizen reads it ("Det skrev vi"): the fields, the author's first name and the date. */
export const CitizenNote = Type.Object({
  id: Uuid,
  occurredAt: Timestamp,
  authorFirstName: Type.String(),
  way: NoteWay,
  topics: Nullable(Type.String()),
  agreements: Nullable(Type.String()),
  nextStep: Nullable(Type.String()),
  concerns: Nullable(Type.String()),
  freeText: Nullable(Type.String()),
});
export type CitizenNote = Static<typeof CitizenNote>;
/** `allowed` false: the organisation does not let citizens read their notes (the list is then empty). */
export const MyNotes = Type.Object({ allowed: Type.Boolean(), notes: Type.Array(CitizenNote) });
export type MyNotes = Static<typeof MyNotes>;

export const NotesSettings = Type.Object({ citizensReadNotes: Type.Boolean() }, strict);
export type NotesSettings = Static<typeof NotesSettings>;

// ——— The timeline ———

export const TIMELINE_KINDS = ['session', 'note', 'no_show', 'request', 'plan_change', 'feedback'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
export const TimelineQuery = Type.Object(
  {
    /** Comma-separated kinds to show, e.g. `session,note`; all when left out. */
    kinds: Type.Optional(Type.String({ pattern: `^(${TIMELINE_KINDS.join('|')})(,(${TIMELINE_KINDS.join('|')}))*$`, maxLength: 100 })),
    /** The page after this instant (the previous page's `nextBefore`). */
    before: Type.Optional(Text({ maxLength: 40, format: 'date-time' })),
  },
  strict,
);
export type TimelineQuery = Static<typeof TimelineQuery>;

const SessionItem = Type.Object({
  kind: Type.Literal('session'),
  id: Uuid,
  at: Timestamp,
  /** planned, ad hoc or opened by a citizen's request */
  sessionKind: Type.Union([Type.Literal('planned'), Type.Literal('ad_hoc'), Type.Literal('citizen_initiated')]),
  minutes: Nullable(Type.Integer({ minimum: 0 })),
  /** The citizen's connections beyond the first. */
  reconnects: Type.Integer({ minimum: 0 }),
  audioOnly: Type.Boolean(),
  rttMs: Nullable(Type.Number()),
  lossPct: Nullable(Type.Number()),
  outcome: Nullable(NoteOutcome),
});
const NoteItem = Type.Object({
  kind: Type.Literal('note'),
  id: Uuid,
  at: Timestamp,
  way: NoteWay,
  status: NoteStatus,
  outcome: Nullable(NoteOutcome),
  authorName: Type.String(),
  /** The start of what was talked about (or of the free text). */
  summary: Nullable(Type.String()),
  goalTitles: Type.Array(Type.String()),
});
const NoShowItem = Type.Object({
  kind: Type.Literal('no_show'),
  id: Uuid,
  at: Timestamp,
  modality: Type.Union([Type.Literal('video'), Type.Literal('phone'), Type.Literal('home_visit'), Type.Literal('chat')]),
});
const RequestItem = Type.Object({
  kind: Type.Literal('request'),
  id: Uuid,
  at: Timestamp,
  way: Type.Union([Type.Literal('video'), Type.Literal('phone'), Type.Literal('chat')]),
  status: Type.Union([Type.Literal('waiting'), Type.Literal('claimed'), Type.Literal('closed'), Type.Literal('cancelled')]),
  /** Minutes from the request to its answer; null while unanswered. */
  answeredAfterMinutes: Nullable(Type.Integer({ minimum: 0 })),
});
const PlanChangeItem = Type.Object({
  kind: Type.Literal('plan_change'),
  id: Uuid,
  at: Timestamp,
  /** The citizen asked to cancel or to meet another way (with the decision), or the appointment was cancelled. */
  change: Type.Union([Type.Literal('cancel_request'), Type.Literal('modality_request'), Type.Literal('cancelled')]),
  modality: Nullable(Type.String()),
  decision: Nullable(Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('declined')])),
});
const FeedbackItem = Type.Object({
  kind: Type.Literal('feedback'),
  id: Uuid,
  at: Timestamp,
  mood: Type.Union([Type.Literal('good'), Type.Literal('ok'), Type.Literal('bad')]),
  comment: Nullable(Type.String()),
});
export const TimelineItem = Type.Union([SessionItem, NoteItem, NoShowItem, RequestItem, PlanChangeItem, FeedbackItem]);
export type TimelineItem = Static<typeof TimelineItem>;
export const Timeline = Type.Object({
  citizenName: Type.String(),
  items: Type.Array(TimelineItem),
  /** Pass as `before` for the next page; null when there is no more. */
  nextBefore: Nullable(Timestamp),
});
export type Timeline = Static<typeof Timeline>;

// ——— The citizen's voice ———

export const Mood = Type.Union([Type.Literal('good'), Type.Literal('ok'), Type.Literal('bad')]);
export type Mood = Static<typeof Mood>;
export const FeedbackBody = Type.Object(
  {
    callId: Type.Optional(Uuid),
    mood: Mood,
    comment: Type.Optional(Text({ minLength: 1, maxLength: 500, nonBlank: true, multiline: true })),
    /** "Må Bo se dit svar?" — off unless the citizen ticks it. */
    sharedWithWorker: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type FeedbackBody = Static<typeof FeedbackBody>;

const CitizenParams = Type.Object({ citizenId: Uuid }, strict);
const GoalParams = Type.Object({ citizenId: Uuid, goalId: Uuid }, strict);
const NoteParams = Type.Object({ noteId: Uuid }, strict);

export const notesRoutes = {
  'GET /api/citizens/:citizenId/goals': { roles: Roles.caseStaff, tags: ['notes'], params: CitizenParams, reply: { 200: Type.Array(Goal) } },
  'POST /api/citizens/:citizenId/goals': { roles: Roles.caseStaff, tags: ['notes'], params: CitizenParams, body: CreateGoalBody, reply: { 201: Goal } },
  'PATCH /api/citizens/:citizenId/goals/:goalId': { roles: Roles.caseStaff, tags: ['notes'], params: GoalParams, body: UpdateGoalBody, reply: { 200: Goal } },

  'POST /api/notes': { roles: Roles.caseStaff, tags: ['notes'], body: OpenNoteBody, reply: { 201: Note } },
  'GET /api/notes/:noteId': { roles: Roles.caseStaff, tags: ['notes'], params: NoteParams, reply: { 200: Note } },
  'PATCH /api/notes/:noteId': { roles: Roles.caseStaff, tags: ['notes'], params: NoteParams, body: UpdateNoteBody, reply: { 200: Note } },
  'POST /api/notes/:noteId/finalise': { roles: Roles.caseStaff, tags: ['notes'], params: NoteParams, reply: { 200: FinalisedNote } },
  'DELETE /api/notes/:noteId': { roles: Roles.caseStaff, tags: ['notes'], params: NoteParams, reply: { 204: NoContent } },
  'GET /api/citizens/:citizenId/notes': { roles: Roles.caseStaff, tags: ['notes'], params: CitizenParams, reply: { 200: Type.Array(Note) } },
  'GET /api/citizens/:citizenId/timeline': {
    roles: Roles.caseStaff, tags: ['notes'], params: CitizenParams, query: TimelineQuery, reply: { 200: Timeline },
  },
  // For the municipality's case system: the citizen's name and a short note reference, no CPR, phone, e-mail or ids.
  'GET /api/notes/:noteId/export.pdf': { roles: Roles.caseStaff, tags: ['notes'], params: NoteParams, produces: 'application/pdf', reply: { 200: Type.String() } },
  'GET /api/notes/:noteId/export.txt': { roles: Roles.caseStaff, tags: ['notes'], params: NoteParams, produces: 'text/plain', reply: { 200: Type.String() } },

  'GET /api/organisation/notes-settings': { roles: Roles.coordinator, tags: ['notes'], reply: { 200: NotesSettings } },
  'PUT /api/organisation/notes-settings': { roles: Roles.coordinator, tags: ['notes'], body: NotesSettings, reply: { 200: NotesSettings } },

  'GET /api/my/notes': { roles: Roles.citizen, tags: ['notes'], reply: { 200: MyNotes } },
  'POST /api/my/feedback': { roles: Roles.citizen, tags: ['notes'], body: FeedbackBody, reply: { 204: NoContent } },
} as const satisfies RouteTable;
