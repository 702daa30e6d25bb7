/**
 * The HTTP contract shared by server and client. Each schema validates requests on the server, documents the API
 * (OpenAPI at /api/docs) and, through Static<>, is the TypeScript type both sides compile against.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const strict = { additionalProperties: false } as const;

/**
 * Every string a person or program sends us is one of these: no control characters (U+0000–U+001F, U+007F–U+009F).
 * NUL cannot be stored by PostgreSQL at all, and the others only hide or garble what staff later read. Multi-line
 * fields (notes) also accept newline, carriage return and tab. `nonBlank` needs at least one visible character.
 */
export function Text(options: { maxLength: number; minLength?: number; multiline?: boolean; nonBlank?: boolean; description?: string; format?: string }) {
  const { multiline = false, nonBlank = false, ...rest } = options;
  const allowed = multiline ? '[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]' : '[^\\u0000-\\u001f\\u007f-\\u009f]';
  return Type.String({ ...rest, pattern: `^${nonBlank ? '(?=[\\s\\S]*\\S)' : ''}${allowed}*$` });
}

export const Uuid = Type.String({ format: 'uuid' });
export const Role = Type.Union([Type.Literal('citizen'), Type.Literal('worker'), Type.Literal('volunteer'), Type.Literal('coordinator')]);
export type Role = Static<typeof Role>;
export const StaffRoles: Role[] = ['worker', 'volunteer', 'coordinator'];
export const Language = Type.Union([Type.Literal('da'), Type.Literal('en'), Type.Literal('sv')]);
export type Language = Static<typeof Language>;
export const Email = Text({ format: 'email', maxLength: 254 });
export const Phone = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, e.g. +4512345678' });
const Name = Text({ minLength: 1, maxLength: 200, nonBlank: true });
const NewPassword = Text({ minLength: 12, maxLength: 256, description: 'At least 12 characters' });
const Timestamp = Type.String({ format: 'date-time' });
/** A calendar day, e.g. 2026-03-30; the server checks that it exists (no 2027-02-30). */
export const CalendarDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });
export type ErrorBody = Static<typeof ErrorBody>;

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
});
export type Health = Static<typeof Health>;

export const LoginBody = Type.Object(
  { email: Text({ minLength: 3, maxLength: 254 }), password: Text({ minLength: 1, maxLength: 256 }) },
  strict,
);
export type LoginBody = Static<typeof LoginBody>;

export const ChangePasswordBody = Type.Object({ currentPassword: Text({ maxLength: 256 }), newPassword: NewPassword }, strict);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const ExchangeLinkBody = Type.Object(
  { secret: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The secret from the link fragment' }) },
  strict,
);
export type ExchangeLinkBody = Static<typeof ExchangeLinkBody>;

export const User = Type.Object({
  id: Uuid,
  role: Role,
  displayName: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  preferredLanguage: Language,
  teamId: Nullable(Uuid),
  active: Type.Boolean(),
  /** Too many wrong passwords: sign-in refused until the lock runs out or a coordinator lifts it. */
  signInLocked: Type.Boolean(),
});
export type User = Static<typeof User>;

export const Me = Type.Object({
  user: Type.Object({ id: Uuid, role: Role, displayName: Type.String(), preferredLanguage: Language }),
  organisation: Type.Object({ id: Uuid, name: Type.String() }),
});
export type Me = Static<typeof Me>;

export const Team = Type.Object({ id: Uuid, name: Type.String(), active: Type.Boolean() });
export type Team = Static<typeof Team>;
export const CreateTeamBody = Type.Object({ name: Name }, strict);
export type CreateTeamBody = Static<typeof CreateTeamBody>;
export const UpdateTeamBody = Type.Object({ name: Type.Optional(Name), active: Type.Optional(Type.Boolean()) }, { ...strict, minProperties: 1 });
export type UpdateTeamBody = Static<typeof UpdateTeamBody>;

export const CreateUserBody = Type.Object(
  {
    role: Role,
    displayName: Name,
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    preferredLanguage: Type.Optional(Language),
    teamId: Type.Optional(Uuid),
    password: Type.Optional(NewPassword),
  },
  strict,
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Name),
    email: Type.Optional(Nullable(Email)),
    phone: Type.Optional(Nullable(Phone)),
    preferredLanguage: Type.Optional(Language),
    teamId: Type.Optional(Nullable(Uuid)),
    password: Type.Optional(NewPassword),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const UserListQuery = Type.Object({ role: Type.Optional(Role), includeInactive: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) }, strict);
export type UserListQuery = Static<typeof UserListQuery>;

export const CaseloadEntry = Type.Object({ citizenId: Uuid, displayName: Type.String(), since: Timestamp });
export type CaseloadEntry = Static<typeof CaseloadEntry>;

export const CitizenLinkCreated = Type.Object({
  id: Uuid,
  /** Contains the secret in the fragment. Shown once; only its hash is stored. */
  url: Type.String(),
  expiresAt: Timestamp,
});
export type CitizenLinkCreated = Static<typeof CitizenLinkCreated>;

export const CitizenLink = Type.Object({
  id: Uuid,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  revokedAt: Nullable(Timestamp),
  usedAt: Nullable(Timestamp),
  status: Type.Union([Type.Literal('active'), Type.Literal('used'), Type.Literal('revoked'), Type.Literal('expired')]),
});
export type CitizenLink = Static<typeof CitizenLink>;

export const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actorId: Nullable(Uuid),
  actorRole: Nullable(Type.String()),
  action: Type.String(),
  subjectId: Nullable(Uuid),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type AuditEvent = Static<typeof AuditEvent>;
export const AuditQuery = Type.Object(
  { subjectId: Type.Optional(Uuid), limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })) },
  strict,
);
export type AuditQuery = Static<typeof AuditQuery>;

export const IdParams = {
  team: Type.Object({ teamId: Uuid }, strict),
  user: Type.Object({ userId: Uuid }, strict),
  worker: Type.Object({ workerId: Uuid }, strict),
  citizen: Type.Object({ citizenId: Uuid }, strict),
  caseload: Type.Object({ workerId: Uuid, citizenId: Uuid }, strict),
  link: Type.Object({ linkId: Uuid }, strict),
};

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

export const Colleague = Type.Object({ id: Uuid, displayName: Type.String(), role: Role });
export type Colleague = Static<typeof Colleague>;

export const Modality = Type.Union([Type.Literal('video'), Type.Literal('phone'), Type.Literal('home_visit'), Type.Literal('chat')]);
export type Modality = Static<typeof Modality>;
export const PreferredModality = Type.Union([Type.Literal('video'), Type.Literal('phone'), Type.Literal('home_visit')]);
/** Local wall-clock time in the organisation's zone, e.g. 2026-03-30T10:00. */
export const LocalDateTime = Type.String({ format: 'local-date-time', description: 'Local time in the organisation’s zone, YYYY-MM-DDTHH:mm' });
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
  },
  strict,
);
export type BookBody = Static<typeof BookBody>;
export const RescheduleBody = Type.Object({ start: LocalDateTime, durationMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 240 })), reason: Reason }, strict);
export type RescheduleBody = Static<typeof RescheduleBody>;
export const CancelBody = Type.Object({ reason: Reason }, strict);
export const SetStatusBody = Type.Object(
  { status: Type.Union([Type.Literal('held'), Type.Literal('no_show'), Type.Literal('technical_failure')]), reason: Type.Optional(Reason) },
  strict,
);
export const ReminderState = Type.Object({ channel: Type.String(), dueAt: Timestamp, status: Type.String(), attempts: Type.Integer(), lastError: Nullable(Type.String()) });
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
  openRequest: Nullable(Type.Object({ id: Uuid, kind: Type.String(), requestedModality: Nullable(Type.String()) })),
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
  pendingRequest: Nullable(Type.String()),
});
export type MyAppointment = Static<typeof MyAppointment>;
export const ChangeRequestBody = Type.Object(
  { kind: Type.Union([Type.Literal('cancel'), Type.Literal('modality')]), modality: Type.Optional(PreferredModality) },
  strict,
);
export type ChangeRequestBody = Static<typeof ChangeRequestBody>;
export const DecideBody = Type.Object({ accept: Type.Boolean() }, strict);
export const RequestParams = Type.Object({ requestId: Uuid }, strict);

export const CitizenSettings = Type.Object({
  preferredModality: Nullable(PreferredModality),
  smsReminders: Type.Boolean(),
  emailReminders: Type.Boolean(),
  remindersAtNight: Type.Boolean(),
  consentRecordedAt: Nullable(Timestamp),
});
export type CitizenSettings = Static<typeof CitizenSettings>;
export const UpdateSettingsBody = Type.Object(
  {
    preferredModality: Type.Optional(Nullable(PreferredModality)),
    smsReminders: Type.Optional(Type.Boolean()),
    emailReminders: Type.Optional(Type.Boolean()),
    remindersAtNight: Type.Optional(Type.Boolean()),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateSettingsBody = Static<typeof UpdateSettingsBody>;

export const MedicationScheduleBody = Type.Object(
  {
    timesOfDay: Type.Array(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }), { minItems: 1, maxItems: 8, uniqueItems: true }),
    weekdays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, uniqueItems: true, description: '1 = Monday … 7 = Sunday' }),
    wording: Text({ minLength: 1, maxLength: 300, nonBlank: true }),
  },
  strict,
);
export type MedicationScheduleBody = Static<typeof MedicationScheduleBody>;
export const MedicationSchedule = Type.Object({ id: Uuid, timesOfDay: Type.Array(Type.String()), weekdays: Type.Array(Type.Integer()), wording: Type.String(), active: Type.Boolean() });
export type MedicationSchedule = Static<typeof MedicationSchedule>;
export const ScheduleParams = Type.Object({ citizenId: Uuid, scheduleId: Uuid }, strict);

export const OrganisationSettings = Type.Object({
  name: Type.String(),
  timeZone: Type.String(),
  reminderOffsetsMinutes: Type.Array(Type.Integer({ minimum: 5, maximum: 10080 }), { minItems: 0, maxItems: 5, uniqueItems: true }),
  quietHoursStart: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
  quietHoursEnd: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
  calendarTitles: Type.Union([Type.Literal('neutral'), Type.Literal('initials')]),
});
export type OrganisationSettings = Static<typeof OrganisationSettings>;
export const UpdateOrganisationBody = Type.Partial(Type.Omit(OrganisationSettings, ['name', 'timeZone']), { ...strict, minProperties: 1 });
export type UpdateOrganisationBody = Static<typeof UpdateOrganisationBody>;

// ---- Reminder join links (issue 7, item 9) ----------------------------------------------------------------------
// A reminder for a video appointment links to /join#<secret>. Exchanging the secret gives a narrow session (a cookie
// only the /api/join routes read) that can see when that one appointment is and join its video session: nothing else.

export const JoinState = Type.Object({
  appointment: Type.Object({
    id: Uuid,
    start: LocalDateTime,
    end: LocalDateTime,
    whenText: Type.String(),
    modality: Modality,
  }),
  /** The appointment's video session, once the worker has opened it. */
  session: Nullable(Type.Object({ id: Uuid, status: Type.Union([Type.Literal('open'), Type.Literal('ended')]) })),
  /** The link (and this narrow session) stops working then: shortly after the appointment ends. */
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

// --- Calls: taking a participant out of a session (issue 7, item 8) ---
/** A participant of a session: `participantId` is the peer id the call screens know them by. */
export const CallParticipantParams = Type.Object({ callId: Uuid, participantId: Uuid }, strict);
export type CallParticipantParams = Static<typeof CallParticipantParams>;

// --- Retention of personal data, per organisation (issue 7, item 18); defaults and meaning in the README ---
export const RetentionSettings = Type.Object(
  {
    citizenDays: Type.Integer({ minimum: 30, maximum: 3650, description: 'Days after deactivation before a citizen is anonymised' }),
    linkDays: Type.Integer({ minimum: 1, maximum: 365, description: 'Days after a sign-in link, reminder link, sign-in or calendar feed ended before it is deleted' }),
    reminderDays: Type.Integer({ minimum: 7, maximum: 3650, description: 'Days after a reminder was sent, failed or was cancelled before it is deleted' }),
    callLogDays: Type.Integer({ minimum: 90, maximum: 3650, description: 'Days after a call ended before its log is deleted' }),
    auditDays: Type.Integer({ minimum: 365, maximum: 3650, description: 'Days before an audit event is deleted' }),
  },
  strict,
);
export type RetentionSettings = Static<typeof RetentionSettings>;
export const OrganisationSettingsWithRetention = Type.Composite([OrganisationSettings, Type.Object({ retention: RetentionSettings })]);
export type OrganisationSettingsWithRetention = Static<typeof OrganisationSettingsWithRetention>;
export const UpdateOrganisationWithRetentionBody = Type.Object(
  { ...UpdateOrganisationBody.properties, retention: Type.Optional(Type.Partial(RetentionSettings, { ...strict, minProperties: 1 })) },
  { ...strict, minProperties: 1 },
);
export type UpdateOrganisationWithRetentionBody = Static<typeof UpdateOrganisationWithRetentionBody>;
