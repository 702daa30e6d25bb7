import { OrganisationSettings, UpdateOrganisationBody } from '../../protocol/api.js';
import { audit } from '../audit/audit.js';
import { inOrganisation, type Tx } from '../db/database.js';
import type { App, FeatureDeps } from '../http/types.js';

async function read(tx: Tx): Promise<OrganisationSettings> {
  const [row] = await tx<OrganisationSettings[]>`
    select name, time_zone as "timeZone", reminder_offsets_minutes as "reminderOffsetsMinutes",
           to_char(quiet_hours_start, 'HH24:MI') as "quietHoursStart", to_char(quiet_hours_end, 'HH24:MI') as "quietHoursEnd",
           calendar_titles as "calendarTitles"
    from organisations`;
  return row!;
}

/** The coordinator's organisation-wide settings: reminder offsets, SMS quiet hours, calendar titles. */
export function organisationRoutes(app: App, { sql }: FeatureDeps): void {
  app.get('/api/organisation', { config: { roles: ['coordinator'] }, schema: { tags: ['people'], response: { 200: OrganisationSettings } } }, async (request) =>
    inOrganisation(sql, request.auth!.organisationId, read));

  app.patch('/api/organisation', { config: { roles: ['coordinator'] }, schema: { tags: ['people'], body: UpdateOrganisationBody, response: { 200: OrganisationSettings } } }, async (request) => {
    const auth = request.auth!;
    const b = request.body;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      await tx`
        update organisations set
          reminder_offsets_minutes = coalesce(${b.reminderOffsetsMinutes ? tx.array(b.reminderOffsetsMinutes) : null}::int[], reminder_offsets_minutes),
          quiet_hours_start = coalesce(${b.quietHoursStart ?? null}::time, quiet_hours_start),
          quiet_hours_end = coalesce(${b.quietHoursEnd ?? null}::time, quiet_hours_end),
          calendar_titles = coalesce(${b.calendarTitles ?? null}, calendar_titles)
        where id = ${auth.organisationId}`;
      await audit(tx, auth, 'organisation.update', null, { fields: Object.keys(b).sort().join(',') });
      return read(tx);
    });
  });
}
