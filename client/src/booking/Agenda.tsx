import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Appointment, BookBody, Modality, SetStatusBody } from '../../../protocol/booking';
import type { CaseloadEntry } from '../../../protocol/people';
import type { CitizenSettings } from '../../../protocol/reminders';
import { api, ApiError } from '../api';
import { errorText } from '../errors';
import { formatDayHeading, organisationToday, shiftDate } from '../i18n/locale';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';

type Outcome = SetStatusBody['status'];

const MODALITIES: Modality[] = ['video', 'phone', 'home_visit', 'chat'];

/** The worker's day or week: appointments, reminder states, the citizen's requests, and booking. */
export function Agenda({ workerId, caseload, onStartVideo }: { workerId: string; caseload: CaseloadEntry[]; onStartVideo(citizenId: string, appointmentId: string): void }) {
  const { t, locale } = useI18n();
  const [view, setView] = useState<'day' | 'week'>('day');
  const [from, setFrom] = useState(() => organisationToday());
  const [items, setItems] = useState<Appointment[]>([]);
  // What happened, not its text: the text is made at render time, so a language switch changes it too.
  const [message, setMessage] = useState<{ success: TextKey } | { error: unknown } | null>(null);

  // Only the newest request may fill the list: paging quickly must not show an older answer last.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const ticket = ++latest.current;
    const list = await api('GET /api/appointments', { query: { from, days: view === 'day' ? '1' : '7', workerId } });
    if (ticket === latest.current) setItems(list);
  }, [from, view, workerId]);
  useEffect(() => {
    load().catch((e: unknown) => setMessage({ error: e }));
  }, [load]);

  const act = async (work: () => Promise<unknown>, success?: TextKey) => {
    setMessage(null);
    try {
      await work();
      if (success) setMessage({ success });
      await load();
      return true;
    } catch (e) {
      setMessage({ error: e });
      return false;
    }
  };

  const days = view === 'day' ? [from] : Array.from({ length: 7 }, (_, i) => shiftDate(from, i));
  return (
    <section aria-labelledby="agenda-title" className="agenda">
      <h2 id="agenda-title">{t('agenda.title')}</h2>
      <div className="inline-form" role="group" aria-label={t('agenda.title')}>
        <button type="button" aria-pressed={view === 'day'} onClick={() => setView('day')}>{t('agenda.day')}</button>
        <button type="button" aria-pressed={view === 'week'} onClick={() => setView('week')}>{t('agenda.week')}</button>
        <button type="button" onClick={() => setFrom(shiftDate(from, view === 'day' ? -1 : -7))}>{t('agenda.previous')}</button>
        <button type="button" onClick={() => setFrom(organisationToday())}>{t('agenda.today')}</button>
        <button type="button" onClick={() => setFrom(shiftDate(from, view === 'day' ? 1 : 7))}>{t('agenda.next')}</button>
      </div>
      {message && ('error' in message
        ? <p role="alert" className="error">{agendaErrorText(t, message.error)}</p>
        : <p role="status" className="ok">{t(message.success)}</p>)}
      {days.map((day) => {
        const list = items.filter((a) => a.start.startsWith(day));
        return (
          <div key={day}>
            <h3>{formatDayHeading(day, locale)}</h3>
            {list.length === 0 ? <p className="hint">{t('agenda.empty')}</p> : (
              <ul className="list">
                {list.map((a) => <AppointmentRow key={a.id} appointment={a} act={act} onStartVideo={onStartVideo} />)}
              </ul>
            )}
          </div>
        );
      })}
      <BookingForm caseload={caseload} defaultDate={from} onBook={(body) => act(() => api('POST /api/appointments', { body }), 'agenda.booked')} />
    </section>
  );
}

/** An overlap names the appointment it collides with; any other failure reads as its error code says. */
function agendaErrorText(t: (key: TextKey) => string, e: unknown): string {
  if (e instanceof ApiError && e.code === 'overlap') return `${t('error.overlap')} ${e.overlapsWith ? `${e.overlapsWith.start.replace('T', ' ')}–${e.overlapsWith.end.slice(11)}` : ''}`;
  return errorText(t, e);
}

function AppointmentRow({ appointment: a, act, onStartVideo }: {
  appointment: Appointment;
  act(work: () => Promise<unknown>, success?: TextKey): Promise<boolean>;
  onStartVideo(citizenId: string, appointmentId: string): void;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<'cancel' | 'move' | null>(null);
  const [reason, setReason] = useState('');
  const [start, setStart] = useState(a.start);
  const past = new Date(a.startsAt).getTime() <= Date.now();
  const channelName = (channel: string) => t(channel === 'sms' ? 'reminder.channel.sms' : 'reminder.channel.email');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const work = editing === 'cancel'
      ? () => api('POST /api/appointments/:appointmentId/cancel', { params: { appointmentId: a.id }, body: { reason } })
      : () => api('POST /api/appointments/:appointmentId/reschedule', { params: { appointmentId: a.id }, body: { start, reason } });
    void act(work).then((ok) => ok && setEditing(null));
  };
  return (
    <li className="appointment" data-appointment={a.id}>
      <div className="grow">
        <strong>{a.start.slice(11)}–{a.end.slice(11)}</strong> {a.citizenName} · {t(`modality.${a.modality}`)} · <span className="badge">{t(`status.${a.status}`)}</span>
        {a.reminders.length > 0 && (
          <span className="hint"> · {t('agenda.reminders')}: {a.reminders.map((r) => `${channelName(r.channel)} ${t(`reminder.${r.status}`)}`).join(', ')}</span>
        )}
        {a.reminders.filter((r) => r.status === 'failed').map((r, i) => (
          <p key={i} className="error reminder-failed">
            {t('reminder.failedBecause', { channel: channelName(r.channel), reason: r.lastError ?? '—' })}
          </p>
        ))}
        {a.openRequest && (
          <p className="request">
            {a.openRequest.kind === 'cancel' ? t('agenda.request.cancel') : t('agenda.request.modality', { modality: t(`modality.${a.openRequest.requestedModality}`) })}{' '}
            <button type="button" onClick={() => void act(() => api('POST /api/change-requests/:requestId/decide', { params: { requestId: a.openRequest!.id }, body: { accept: true } }))}>{t('agenda.accept')}</button>{' '}
            <button type="button" onClick={() => void act(() => api('POST /api/change-requests/:requestId/decide', { params: { requestId: a.openRequest!.id }, body: { accept: false } }))}>{t('agenda.decline')}</button>
          </p>
        )}
      </div>
      {a.status === 'booked' && a.modality === 'video' && <button type="button" className="primary-inline" onClick={() => onStartVideo(a.citizenId, a.id)}>{t('agenda.startVideo')}</button>}
      {a.status === 'booked' && !past && (
        <>
          <button type="button" onClick={() => setEditing(editing === 'move' ? null : 'move')}>{t('agenda.move')}</button>
          <button type="button" onClick={() => setEditing(editing === 'cancel' ? null : 'cancel')}>{t('agenda.cancel')}</button>
        </>
      )}
      {a.status === 'booked' && past && (
        <label>
          {t('agenda.outcome')}
          <select value="" onChange={(e) => void act(() => api('POST /api/appointments/:appointmentId/status', { params: { appointmentId: a.id }, body: { status: e.target.value as Outcome } }))}>
            <option value="">—</option>
            {(['held', 'no_show', 'technical_failure'] as const).map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
          </select>
        </label>
      )}
      {editing && (
        <form onSubmit={submit} className="inline-form">
          {editing === 'move' && (
            <label>
              {t('agenda.time')}
              <input type="datetime-local" required value={start} onChange={(e) => setStart(e.target.value)} />
            </label>
          )}
          <label className="grow">
            {t('agenda.reason')}
            <input required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit">{t('agenda.confirm')}</button>
        </form>
      )}
    </li>
  );
}

function BookingForm({ caseload, defaultDate, onBook }: { caseload: CaseloadEntry[]; defaultDate: string; onBook(body: BookBody): Promise<boolean> }) {
  const { t } = useI18n();
  const [citizenId, setCitizenId] = useState('');
  const [date, setDate] = useState(defaultDate);
  const [time, setTime] = useState('10:00');
  const [minutes, setMinutes] = useState(20);
  const [modality, setModality] = useState<Modality>('video');
  const [repeat, setRepeat] = useState(1);
  const [note, setNote] = useState('');
  const [preference, setPreference] = useState<CitizenSettings['preferredModality']>(null);
  useEffect(() => {
    setPreference(null);
    if (!citizenId) return;
    api('GET /api/citizens/:citizenId/settings', { params: { citizenId } }).then((s) => {
      setPreference(s.preferredModality);
      if (s.preferredModality) setModality(s.preferredModality);
    }, () => undefined);
  }, [citizenId]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: BookBody = { citizenId, start: `${date}T${time}`, durationMinutes: minutes, modality };
    if (repeat > 1) body.repeatWeeks = repeat;
    if (note.trim()) body.staffNote = note.trim();
    void onBook(body);
  };
  return (
    <form onSubmit={submit} className="grid-form" aria-labelledby="book-title">
      <h2 id="book-title">{t('agenda.book')}</h2>
      <label>
        {t('agenda.citizen')}
        <select required value={citizenId} onChange={(e) => setCitizenId(e.target.value)}>
          <option value="">—</option>
          {caseload.map((c) => <option key={c.citizenId} value={c.citizenId}>{c.displayName}</option>)}
        </select>
        {preference && <span className="hint">{t('agenda.prefers', { modality: t(`modality.${preference}`) })}</span>}
      </label>
      <label>
        {t('agenda.date')}
        <input type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      <label>
        {t('agenda.time')}
        <input type="time" required value={time} onChange={(e) => setTime(e.target.value)} />
      </label>
      <label>
        {t('agenda.duration')}
        <input type="number" min={5} max={240} step={5} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} />
      </label>
      <label>
        {t('agenda.modality')}
        <select value={modality} onChange={(e) => setModality(e.target.value as Modality)}>
          {MODALITIES.map((m) => <option key={m} value={m}>{t(`modality.${m}`)}</option>)}
        </select>
      </label>
      <label>
        {t('agenda.repeat')}
        <input type="number" min={1} max={52} value={repeat} onChange={(e) => setRepeat(Number(e.target.value))} />
      </label>
      <label className="wide-field">
        {t('agenda.note')}
        <input maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" className="primary">{t('agenda.save')}</button>
    </form>
  );
}
