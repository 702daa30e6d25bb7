/**
 * The citizen's reminder settings in the database: how they like to meet, which reminder channels they chose (their
 * consent: who recorded it and when) and whether SMS may arrive at night. A change of reminder choices re-plans what
 * is pending through the outbox, in the same transaction.
 */
import type { Sql } from 'postgres';
import type { CitizenSettings, UpdateSettingsBody } from '../../protocol/reminders.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest } from '../http/errors.js';
import { assertCitizenAccess } from '../people/store.js';
import { outbox } from './outbox.js';

interface SettingsRow {
  preferred_modality: CitizenSettings['preferredModality'];
  sms_reminders: boolean;
  email_reminders: boolean;
  reminders_at_night: boolean;
  consent_recorded_at: Date | null;
}

async function readSettings(tx: Tx, citizenId: string): Promise<CitizenSettings> {
  const [row] = await tx<SettingsRow[]>`select * from citizen_settings where citizen_id = ${citizenId}`;
  // The language is the person's own (users.preferred_language), which the dispatcher writes reminders in.
  const [person] = await tx<{ preferred_language: CitizenSettings['language'] }[]>`select preferred_language from users where id = ${citizenId}`;
  return {
    preferredModality: row?.preferred_modality ?? null,
    smsReminders: row?.sms_reminders ?? false,
    emailReminders: row?.email_reminders ?? false,
    remindersAtNight: row?.reminders_at_night ?? false,
    consentRecordedAt: row?.consent_recorded_at?.toISOString() ?? null,
    language: person?.preferred_language ?? 'da',
  };
}

/**
 * Saves the citizen's choices. Turning a reminder channel on records consent (who, when); a change of reminder
 * choices applies at once to what is pending (outbox.replanCitizen).
 */
async function writeSettings(tx: Tx, auth: Auth, citizenId: string, change: UpdateSettingsBody): Promise<CitizenSettings> {
  const current = await readSettings(tx, citizenId);
  const { language, ...reminderChange } = change;
  // Reminders are written in this language when they are sent, so nothing pending needs re-planning for it.
  if (language && language !== current.language) await tx`update users set preferred_language = ${language} where id = ${citizenId}`;
  if (Object.keys(reminderChange).length === 0) return readSettings(tx, citizenId);
  const next = { ...current, ...reminderChange };
  const [contact] = await tx<{ phone: string | null; email: string | null }[]>`select phone, email from users where id = ${citizenId}`;
  if (next.smsReminders && !contact?.phone) throw badRequest('Add a mobile number before choosing SMS reminders');
  if (next.emailReminders && !contact?.email) throw badRequest('Add an e-mail address before choosing e-mail reminders');
  const consenting = (next.smsReminders && !current.smsReminders) || (next.emailReminders && !current.emailReminders);
  await tx`
    insert into citizen_settings (citizen_id, organisation_id, preferred_modality, sms_reminders, email_reminders, reminders_at_night, consent_recorded_at, consent_recorded_by)
    values (${citizenId}, ${auth.organisationId}, ${next.preferredModality}, ${next.smsReminders}, ${next.emailReminders}, ${next.remindersAtNight},
            ${consenting ? new Date() : current.consentRecordedAt}, ${consenting ? auth.userId : null})
    on conflict (citizen_id) do update set
      preferred_modality = excluded.preferred_modality, sms_reminders = excluded.sms_reminders, email_reminders = excluded.email_reminders,
      reminders_at_night = excluded.reminders_at_night,
      consent_recorded_at = coalesce(excluded.consent_recorded_at, citizen_settings.consent_recorded_at),
      consent_recorded_by = coalesce(excluded.consent_recorded_by, citizen_settings.consent_recorded_by),
      updated_at = now()`;
  // Only a change of channel (consent) or of night-time sending affects reminders; the preferred modality does not.
  const remindersAffected = (['smsReminders', 'emailReminders', 'remindersAtNight'] as const).some((k) => next[k] !== current[k]);
  if (remindersAffected) await outbox.replanCitizen(tx, citizenId);
  return readSettings(tx, citizenId);
}

export type SettingsStore = ReturnType<typeof settingsStore>;

export function settingsStore(sql: Sql) {
  return {
    /** The signed-in citizen's own settings. */
    own: (auth: Auth): Promise<CitizenSettings> => inOrganisation(sql, auth.organisationId, (tx) => readSettings(tx, auth.userId)),

    updateOwn: (auth: Auth, change: UpdateSettingsBody): Promise<CitizenSettings> =>
      inOrganisation(sql, auth.organisationId, (tx) => writeSettings(tx, auth, auth.userId, change)),

    /** A citizen's settings as staff who may act for them see them (audited). */
    ofCitizen(auth: Auth, citizenId: string): Promise<CitizenSettings> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        await audit(tx, auth, 'citizen.read', citizenId, { what: 'settings' });
        return readSettings(tx, citizenId);
      });
    },

    /** Staff record the citizen's choices on their behalf (audited; the consent names who recorded it). */
    updateOfCitizen(auth: Auth, citizenId: string, change: UpdateSettingsBody): Promise<CitizenSettings> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        await audit(tx, auth, 'citizen.update', citizenId, { what: 'settings' });
        return writeSettings(tx, auth, citizenId, change);
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    reminderSettings: SettingsStore;
  }
}
