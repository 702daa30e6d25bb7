import { useEffect, useState } from 'react';
import type { CitizenSettings } from '../../../protocol/reminders';
import { api } from '../api';
import { errorText } from '../errors';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';

/** The citizen's reminder choices (their consent), on the "Mere" screen: changed one tap at a time, saved at once. */
export function ReminderSettings() {
  const { t } = useI18n();
  const [settings, setSettings] = useState<CitizenSettings | null>(null);
  // What happened, not its text: the text follows a language switch.
  const [message, setMessage] = useState<{ done: TextKey } | { failed: unknown } | null>(null);
  useEffect(() => {
    api('GET /api/my/settings').then(setSettings, () => undefined);
  }, []);
  if (!settings) return null;
  const change = async (patch: Partial<CitizenSettings>) => {
    try {
      setSettings(await api('PUT /api/my/settings', { body: patch }));
      setMessage({ done: 'settings.saved' });
    } catch (e) {
      setMessage({ failed: e });
    }
  };
  return (
    <fieldset className="settings">
      <legend>{t('settings.title')}</legend>
      <label className="checkbox">
        <input type="checkbox" checked={settings.smsReminders} onChange={(e) => void change({ smsReminders: e.target.checked })} />
        {t('settings.sms')}
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={settings.emailReminders} onChange={(e) => void change({ emailReminders: e.target.checked })} />
        {t('settings.email')}
      </label>
      <label>
        {t('settings.prefer')}
        <select value={settings.preferredModality ?? ''} onChange={(e) => void change({ preferredModality: (e.target.value || null) as CitizenSettings['preferredModality'] })}>
          <option value="">—</option>
          <option value="video">{t('modality.video')}</option>
          <option value="phone">{t('modality.phone')}</option>
          <option value="home_visit">{t('modality.home_visit')}</option>
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={settings.remindersAtNight} onChange={(e) => void change({ remindersAtNight: e.target.checked })} />
        {t('settings.night')}
      </label>
      {message && ('done' in message ? <p role="status" className="ok">{t(message.done)}</p> : <p role="alert" className="error">{errorText(t, message.failed)}</p>)}
    </fieldset>
  );
}
