import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Appointment, BookBody, Modality, SetStatusBody } from '../../../protocol/booking';
import type { CaseloadEntry } from '../../../protocol/people';
import type { CitizenSettings } from '../../../protocol/reminders';
import { api, ApiError } from '../api';
import { errorText } from '../errors';
import { formatDayHeading, organisationToday, shiftDate } from '../i18n/locale';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { useAgendaTexts } from './agendaTexts';
import type { Failure } from '../pages/worker';
import { attempt, Notice, type Outcome } from '../ui/Notice';
import { useFollowUpTexts } from '../follow-up/texts';

type Result = SetStatusBody['status'];
type Act = (work: () => Promise<unknown>, done: TextKey) => Promise<Outcome>;

const MODALITIES: Modality[] = ['video', 'phone', 'home_visit', 'chat'];

/**
 * Kalender: the worker's day or week (appointments, reminder states, the citizen's requests) and booking. What an
 * action did is said next to it: in its appointment's row, or under the booking form's button.
 */
export function Agenda({ workerId, caseload, onStartVideo }: {
  workerId: string;
  caseload: CaseloadEntry[];
  onStartVideo(citizenId: string, appointmentId: string): Promise<Failure | null>;
}) {
  const { locale } = useI18n();
  const tt = useAgendaTexts();
  const [view, setView] = useState<'day' | 'week'>('day');
  const [from, setFrom] = useState(() => organisationToday());
  const [items, setItems] = useState<Appointment[]>([]);
  const [loadFailure, setLoadFailure] = useState<Outcome | null>(null);
  const [booking, setBooking] = useState(false);

  // Only the newest request may fill the list: paging quickly must not show an older answer last.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const ticket = ++latest.current;
    const list = await api('GET /api/appointments', { query: { from, days: view === 'day' ? '1' : '7', workerId } });
    if (ticket === latest.current) setItems(list);
  }, [from, view, workerId]);
  useEffect(() => {
    setLoadFailure(null);
    load().catch((e: unknown) => setLoadFailure({ failed: e }));
  }, [load]);

  /** Runs an action, then shows the list as it is now; the caller shows the outcome where the action was. */
  const act: Act = async (work, done) => {
    const outcome = await attempt(work, done);
    if ('done' in outcome) await load().catch(() => undefined);
    return outcome;
  };

  const days = view === 'day' ? [from] : Array.from({ length: 7 }, (_, i) => shiftDate(from, i));
  return (
    <div className="agenda">
      <header className="page-head page-head-actions">
        <h1 id="agenda-title">{tt('title')}</h1>
        <button type="button" className="primary-inline" aria-expanded={booking} aria-controls="booking-form" onClick={() => setBooking(!booking)}>
          {tt('book')}
        </button>
      </header>
      {booking && <BookingForm caseload={caseload} defaultDate={from} onBook={(body) => act(() => api('POST /api/appointments', { body }), 'agenda.booked')} />}
      <div className="agenda-controls" role="group" aria-labelledby="agenda-title">
        <div className="segmented">
          <button type="button" aria-pressed={view === 'day'} onClick={() => setView('day')}>{tt('day')}</button>
          <button type="button" aria-pressed={view === 'week'} onClick={() => setView('week')}>{tt('week')}</button>
        </div>
        <div className="segmented">
          <button type="button" onClick={() => setFrom(shiftDate(from, view === 'day' ? -1 : -7))}>{tt('previous')}</button>
          <button type="button" onClick={() => setFrom(organisationToday())}>{tt('today')}</button>
          <button type="button" onClick={() => setFrom(shiftDate(from, view === 'day' ? 1 : 7))}>{tt('next')}</button>
        </div>
      </div>
      <Notice outcome={loadFailure} />
      {days.map((day) => {
        const list = items.filter((a) => a.start.startsWith(day));
        return (
          <div key={day}>
            <h2 className="day-heading">{formatDayHeading(day, locale)}</h2>
            {list.length === 0 ? <p className="hint">{tt('empty')}</p> : (
              <ul className="list">
                {list.map((a) => <AppointmentRow key={a.id} appointment={a} act={act} onStartVideo={onStartVideo} />)}
              </ul>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** An overlap names the appointment it collides with; any other failure reads as its error code says. */
function agendaErrorText(t: (key: TextKey) => string, e: unknown): string {
  if (e instanceof ApiError && e.code === 'overlap') return `${t('error.overlap')} ${e.overlapsWith ? `${e.overlapsWith.start.replace('T', ' ')}–${e.overlapsWith.end.slice(11)}` : ''}`;
  return errorText(t, e);
}

function AppointmentRow({ appointment: a, act, onStartVideo }: {
  appointment: Appointment;
  act: Act;
  onStartVideo(citizenId: string, appointmentId: string): Promise<Failure | null>;
}) {
  const { t } = useI18n();
  const tt = useAgendaTexts();
  const [editing, setEditing] = useState<'cancel' | 'move' | null>(null);
  const [reason, setReason] = useState('');
  const [start, setStart] = useState(a.start);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const past = new Date(a.startsAt).getTime() <= Date.now();
  const channelName = (channel: string) => t(channel === 'sms' ? 'reminder.channel.sms' : 'reminder.channel.email');
  const run = (work: () => Promise<unknown>, done: TextKey) => {
    setOutcome(null);
    return act(work, done).then((result) => {
      setOutcome(result);
      return 'done' in result;
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const work = editing === 'cancel'
      ? () => api('POST /api/appointments/:appointmentId/cancel', { params: { appointmentId: a.id }, body: { reason } })
      : () => api('POST /api/appointments/:appointmentId/reschedule', { params: { appointmentId: a.id }, body: { start, reason } });
    void run(work, editing === 'cancel' ? 'agenda.cancelled' : 'agenda.moved').then((ok) => {
      if (!ok) return;
      setEditing(null);
      setReason('');
    });
  };
  const startVideo = () => {
    setOutcome(null);
    void onStartVideo(a.citizenId, a.id).then((failure) => failure && setOutcome({ failed: failure.cause }));
  };
  const open = (what: 'cancel' | 'move') => {
    setOutcome(null);
    setEditing(editing === what ? null : what);
  };
  return (
    <li className="appointment" data-appointment={a.id}>
      <div className="grow">
        <strong>{a.start.slice(11)}–{a.end.slice(11)}</strong> {a.citizenName} · {t(`modality.${a.modality}`)} · <span className="badge">{t(`status.${a.status}`)}</span>
        {a.reminders.length > 0 && (
          <span className="hint"> · {tt('reminders')}: {a.reminders.map((r) => `${channelName(r.channel)} ${t(`reminder.${r.status}`)}`).join(', ')}</span>
        )}
        {a.reminders.filter((r) => r.status === 'failed').map((r, i) => (
          <p key={i} className="error reminder-failed">
            {t('reminder.failedBecause', { channel: channelName(r.channel), reason: r.lastError ?? '—' })}
          </p>
        ))}
        {a.openRequest && (
          <p className="request">
            {a.openRequest.kind === 'cancel' ? t('agenda.request.cancel') : t('agenda.request.modality', { modality: t(`modality.${a.openRequest.requestedModality}`) })}{' '}
            <button type="button" onClick={() => void run(() => api('POST /api/change-requests/:requestId/decide', { params: { requestId: a.openRequest!.id }, body: { accept: true } }), 'agenda.accepted')}>{tt('accept')}</button>{' '}
            <button type="button" onClick={() => void run(() => api('POST /api/change-requests/:requestId/decide', { params: { requestId: a.openRequest!.id }, body: { accept: false } }), 'agenda.declined')}>{tt('decline')}</button>
          </p>
        )}
      </div>
      <div className="row-actions">
        {a.status === 'booked' && a.modality === 'video' && <button type="button" className="primary-inline" onClick={startVideo}>{tt('startVideo')}</button>}
        {a.status === 'booked' && !past && (
          <>
            <button type="button" aria-expanded={editing === 'move'} onClick={() => open('move')}>{tt('move')}</button>
            <button type="button" aria-expanded={editing === 'cancel'} onClick={() => open('cancel')}>{tt('cancel')}</button>
          </>
        )}
        {a.status === 'booked' && past && (
          <label>
            {tt('outcome')}
            <select value="" onChange={(e) => void run(() => api('POST /api/appointments/:appointmentId/status', { params: { appointmentId: a.id }, body: { status: e.target.value as Result } }), 'agenda.saved')}>
              <option value="">—</option>
              {(['held', 'no_show', 'technical_failure'] as const).map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
            </select>
          </label>
        )}
      </div>
      {editing && (
        // Cancelling is the destructive one: it asks first, with its own red button and a way back.
        <form onSubmit={submit} className="inline-form row-form" aria-label={tt(editing === 'cancel' ? 'cancelQuestion' : 'move')}>
          {editing === 'cancel' && <p className="confirm-question">{tt('cancelQuestion')}</p>}
          {editing === 'move' && (
            <label>
              {tt('time')}
              <input type="datetime-local" required value={start} onChange={(e) => setStart(e.target.value)} />
            </label>
          )}
          <label className="grow">
            {tt('reason')}
            <input required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="confirm-actions">
            <button type="submit" className={editing === 'cancel' ? 'danger' : 'primary-inline'}>{tt(editing === 'cancel' ? 'confirmCancel' : 'confirm')}</button>
            <button type="button" onClick={() => setEditing(null)}>{t('confirm.back')}</button>
          </div>
        </form>
      )}
      <Notice outcome={outcome} describe={agendaErrorText} />
    </li>
  );
}

const EMPTY_BOOKING = { citizenId: '', time: '10:00', minutes: 20, modality: 'video' as Modality, repeat: 1, note: '' };

/** The booking form. After a booking it is empty again (the date stays: the next booking is often the same day). */
function BookingForm({ caseload, defaultDate, onBook }: { caseload: CaseloadEntry[]; defaultDate: string; onBook(body: BookBody): Promise<Outcome> }) {
  const { t } = useI18n();
  const tt = useAgendaTexts();
  const [citizenId, setCitizenId] = useState(EMPTY_BOOKING.citizenId);
  const [date, setDate] = useState(defaultDate);
  const [time, setTime] = useState(EMPTY_BOOKING.time);
  const [minutes, setMinutes] = useState(EMPTY_BOOKING.minutes);
  const [modality, setModality] = useState<Modality>(EMPTY_BOOKING.modality);
  const [repeat, setRepeat] = useState(EMPTY_BOOKING.repeat);
  const [note, setNote] = useState(EMPTY_BOOKING.note);
  // The morning check by SMS (issue 11): for home visits and phone appointments only.
  const [attendanceCheck, setAttendanceCheck] = useState(false);
  const checkable = modality === 'phone' || modality === 'home_visit';
  const f = useFollowUpTexts();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
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
    if (attendanceCheck && checkable) body.attendanceCheck = true;
    setOutcome(null);
    setBusy(true);
    void onBook(body).then((result) => {
      setBusy(false);
      setOutcome(result);
      if (!('done' in result)) return;
      setCitizenId(EMPTY_BOOKING.citizenId);
      setTime(EMPTY_BOOKING.time);
      setMinutes(EMPTY_BOOKING.minutes);
      setModality(EMPTY_BOOKING.modality);
      setRepeat(EMPTY_BOOKING.repeat);
      setNote(EMPTY_BOOKING.note);
      setAttendanceCheck(false);
    });
  };
  return (
    <form id="booking-form" onSubmit={submit} className="grid-form booking-form" aria-labelledby="book-title">
      <h2 id="book-title">{tt('newAppointment')}</h2>
      <label>
        {tt('citizen')}
        <select required value={citizenId} onChange={(e) => setCitizenId(e.target.value)}>
          <option value="">—</option>
          {caseload.map((c) => <option key={c.citizenId} value={c.citizenId}>{c.displayName}</option>)}
        </select>
        {preference && <span className="hint">{tt('prefers', { modality: t(`modality.${preference}`) })}</span>}
      </label>
      <label>
        {tt('date')}
        <input type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      <label>
        {tt('time')}
        <input type="time" required value={time} onChange={(e) => setTime(e.target.value)} />
      </label>
      <label>
        {tt('duration')}
        <input type="number" min={5} max={240} step={5} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} />
      </label>
      <label>
        {tt('modality')}
        <select value={modality} onChange={(e) => setModality(e.target.value as Modality)}>
          {MODALITIES.map((m) => <option key={m} value={m}>{t(`modality.${m}`)}</option>)}
        </select>
      </label>
      {checkable && (
        <label className="checkbox wide-field">
          <input type="checkbox" checked={attendanceCheck} onChange={(e) => setAttendanceCheck(e.target.checked)} />
          {f('bookCheck')}
        </label>
      )}
      <label>
        {tt('repeat')}
        <input type="number" min={1} max={52} value={repeat} onChange={(e) => setRepeat(Number(e.target.value))} />
      </label>
      <label className="wide-field">
        {tt('note')}
        <input maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="form-end">
        <button type="submit" className="primary" disabled={busy}>{tt('save')}</button>
        <Notice outcome={outcome} describe={agendaErrorText} />
      </div>
    </form>
  );
}
