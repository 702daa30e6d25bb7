import { OrganisationSettingsWithRetention, UpdateOrganisationWithRetentionBody } from '../../protocol/api.js';
import { audit } from '../audit/audit.js';
import { inOrganisation, type Tx } from '../db/database.js';
import type { App, FeatureDeps } from '../http/types.js';

async function read(tx: Tx): Promise<OrganisationSettingsWithRetention> {
  const [row] = await tx<OrganisationSettingsWithRetention[]>`
    select name, time_zone as "timeZone", reminder_offsets_minutes as "reminderOffsetsMinutes",
           to_char(quiet_hours_start, 'HH24:MI') as "quietHoursStart", to_char(quiet_hours_end, 'HH24:MI') as "quietHoursEnd",
           calendar_titles as "calendarTitles",
           json_build_object('citizenDays', retention_citizen_days, 'linkDays', retention_link_days, 'reminderDays', retention_reminder_days,
                             'callLogDays', retention_call_log_days, 'auditDays', retention_audit_days) as retention
    from organisations`;
  return row!;
}

/** The coordinator's organisation-wide settings: reminder offsets, SMS quiet hours, calendar titles, retention. */
export function organisationRoutes(app: App, { sql }: FeatureDeps): void {
  app.get('/api/organisation', { config: { roles: ['coordinator'] }, schema: { tags: ['people'], response: { 200: OrganisationSettingsWithRetention } } }, async (request) =>
    inOrganisation(sql, request.auth!.organisationId, read));

  app.patch('/api/organisation', { config: { roles: ['coordinator'] }, schema: { tags: ['people'], body: UpdateOrganisationWithRetentionBody, response: { 200: OrganisationSettingsWithRetention } } }, async (request) => {
    const auth = request.auth!;
    const b = request.body;
    const r = b.retention ?? {};
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      await tx`
        update organisations set
          reminder_offsets_minutes = coalesce(${b.reminderOffsetsMinutes ? tx.array(b.reminderOffsetsMinutes) : null}::int[], reminder_offsets_minutes),
          quiet_hours_start = coalesce(${b.quietHoursStart ?? null}::time, quiet_hours_start),
          quiet_hours_end = coalesce(${b.quietHoursEnd ?? null}::time, quiet_hours_end),
          calendar_titles = coalesce(${b.calendarTitles ?? null}, calendar_titles),
          retention_citizen_days = coalesce(${r.citizenDays ?? null}::int, retention_citizen_days),
          retention_link_days = coalesce(${r.linkDays ?? null}::int, retention_link_days),
          retention_reminder_days = coalesce(${r.reminderDays ?? null}::int, retention_reminder_days),
          retention_call_log_days = coalesce(${r.callLogDays ?? null}::int, retention_call_log_days),
          retention_audit_days = coalesce(${r.auditDays ?? null}::int, retention_audit_days)
        where id = ${auth.organisationId}`;
      // Names of the changed settings only; a shortened retention is on the record before it deletes anything.
      const fields = [...Object.keys(b).filter((k) => k !== 'retention'), ...Object.keys(r).map((k) => `retention.${k}`)].sort();
      await audit(tx, auth, 'organisation.update', null, { fields: fields.join(',') });
      return read(tx);
    });
  });
}
