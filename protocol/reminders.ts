/**
 * What the citizen agreed to be reminded of and how (their consent), and medication reminders kept by staff. The
 * citizen changes their own settings; their worker can record them on the citizen's behalf.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Language, NoContent, Nullable, PreferredModality, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { IdParams } from './people.js';
import { Roles } from './roles.js';

export const CitizenSettings = Type.Object({
  preferredModality: Nullable(PreferredModality),
  smsReminders: Type.Boolean(),
  emailReminders: Type.Boolean(),
  remindersAtNight: Type.Boolean(),
  consentRecordedAt: Nullable(Timestamp),
  /** The language of the citizen's reminders (and of the app on a new device): the citizen picks it in the app. */
  language: Language,
});
export type CitizenSettings = Static<typeof CitizenSettings>;
export const UpdateSettingsBody = Type.Object(
  {
    preferredModality: Type.Optional(Nullable(PreferredModality)),
    smsReminders: Type.Optional(Type.Boolean()),
    emailReminders: Type.Optional(Type.Boolean()),
    remindersAtNight: Type.Optional(Type.Boolean()),
    language: Type.Optional(Language),
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

export const reminderRoutes = {
  'GET /api/my/settings': { roles: Roles.citizen, tags: ['booking'], reply: { 200: CitizenSettings } },
  'PUT /api/my/settings': { roles: Roles.citizen, tags: ['booking'], body: UpdateSettingsBody, reply: { 200: CitizenSettings } },
  'GET /api/citizens/:citizenId/settings': { roles: Roles.caseStaff, tags: ['booking'], params: IdParams.citizen, reply: { 200: CitizenSettings } },
  'PUT /api/citizens/:citizenId/settings': { roles: Roles.caseStaff, tags: ['booking'], params: IdParams.citizen, body: UpdateSettingsBody, reply: { 200: CitizenSettings } },
  'GET /api/citizens/:citizenId/medication-schedules': { roles: Roles.caseStaff, tags: ['booking'], params: IdParams.citizen, reply: { 200: Type.Array(MedicationSchedule) } },
  'POST /api/citizens/:citizenId/medication-schedules': { roles: Roles.caseStaff, tags: ['booking'], params: IdParams.citizen, body: MedicationScheduleBody, reply: { 201: MedicationSchedule } },
  'POST /api/citizens/:citizenId/medication-schedules/:scheduleId/deactivate': { roles: Roles.caseStaff, tags: ['booking'], params: ScheduleParams, reply: { 204: NoContent } },
} as const satisfies RouteTable;
