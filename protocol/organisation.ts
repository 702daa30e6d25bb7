/** The organisation's own settings: reminders, quiet hours, calendar titles and how long personal data is kept. */
import { Type, type Static } from '@sinclair/typebox';
import { strict } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

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

/** Retention of personal data, per organisation; defaults and meaning in the README. */
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

export const organisationRoutes = {
  'GET /api/organisation': { roles: Roles.coordinator, tags: ['people'], reply: { 200: OrganisationSettingsWithRetention } },
  'PATCH /api/organisation': { roles: Roles.coordinator, tags: ['people'], body: UpdateOrganisationWithRetentionBody, reply: { 200: OrganisationSettingsWithRetention } },
} as const satisfies RouteTable;
