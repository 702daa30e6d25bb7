import { useCallback, useEffect, useState } from 'react';
import type { ChangeRequestBody, MyAppointment } from '../../../protocol/booking';
import type { CitizenSettings } from '../../../protocol/reminders';
import { api, routeUrl } from '../api';
import { errorText } from '../errors';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';

/** "Mine aftaler": plain Danish, big targets; the citizen can ask for another form of meeting or to cancel. */
export function MyAppointments() {
  const { t } = useI18n();
  const [items, setItems] = useState<MyAppointment[]>([]);
  // What happened, not its text: the text follows a language switch.
  const [message, setMessage] = useState<{ done: TextKey } | { failed: unknown } | null>(null);
  const load = useCallback(async () => setItems(await api('GET /api/my/appointments')), []);
  useEffect(() => {
    load().catch(() => undefined);
  }, [load]);
  const ask = async (id: string, body: ChangeRequestBody) => {
    try {
      await api('POST /api/my/appointments/:appointmentId/requests', { params: { appointmentId: id }, body });
      setMessage({ done: 'mine.asked' });
      await load();
    } catch (e) {
      setMessage({ failed: e });
    }
  };
  return (
    <section aria-labelledby="mine-title">
      <h2 id="mine-title">{t('mine.title')}</h2>
      {message && ('done' in message ? <p role="status" className="ok">{t(message.done)}</p> : <p role="alert" className="error">{errorText(t, message.failed)}</p>)}
      {items.length === 0 && <p>{t('mine.empty')}</p>}
      <ul className="list">
        {items.map((a) => (
          <li key={a.id} className="my-appointment">
            <div className="grow">
              <p className="big">{a.whenText}</p>
              <p>{t(`modality.${a.modality}`)} · {t('mine.with', { name: a.workerName })}</p>
              {a.pendingRequest && <p className="hint">{t('mine.asked')}</p>}
            </div>
            <a className="button-link" href={routeUrl('GET /api/my/appointments/:appointmentId/ics', { appointmentId: a.id })} download>{t('mine.calendar')}</a>
            {!a.pendingRequest && (
              <>
                {a.modality !== 'video' && <button type="button" onClick={() => void ask(a.id, { kind: 'modality', modality: 'video' })}>{t('mine.preferVideo')}</button>}
                {a.modality !== 'phone' && <button type="button" onClick={() => void ask(a.id, { kind: 'modality', modality: 'phone' })}>{t('mine.preferPhone')}</button>}
                {a.modality !== 'home_visit' && <button type="button" onClick={() => void ask(a.id, { kind: 'modality', modality: 'home_visit' })}>{t('mine.preferHome')}</button>}
                <button type="button" onClick={() => void ask(a.id, { kind: 'cancel' })}>{t('mine.cancel')}</button>
              </>
            )}
          </li>
        ))}
      </ul>
      <ReminderSettings />
    </section>
  );
}

function ReminderSettings() {
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
