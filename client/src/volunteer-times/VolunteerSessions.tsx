import { useEffect, useState, type FormEvent } from 'react';
import type { VolunteerAppointment, VolunteerTime } from '../../../protocol/volunteer-times';
import { api } from '../api';
import { appointmentWhen } from '../citizen/when';
import { useI18n } from '../i18n/i18n';
import { INTL_LOCALE, type Locale } from '../i18n/locale';
import { useVideoSessions } from '../pages/worker';
import { ConfirmButton } from '../ui/ConfirmButton';
import { Notice, type Outcome } from '../ui/Notice';
import { useVolunteerTimeTexts } from './texts';

/** "mandag": ISO weekday 1–7 in the reader's language (1 January 2024 was a Monday). */
export function weekdayName(weekday: number, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, weekday)));
}

const SLOTS = [30, 45, 60] as const;

/**
 * On a volunteer's home: their coming appointments with the citizens they are matched with (first name and time
 * only), each with "Start video" when it is a video one, and the regular times citizens book them from.
 */
export function VolunteerSessions() {
  const v = useVolunteerTimeTexts();
  const { t, locale } = useI18n();
  const [times, setTimes] = useState<VolunteerTime[] | null>(null);
  const [appointments, setAppointments] = useState<VolunteerAppointment[] | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [saved, setSaved] = useState(false);
  const [startFailure, setStartFailure] = useState<Outcome | null>(null);
  const { enter } = useVideoSessions();

  const load = () => {
    api('GET /api/my/volunteer-times').then(setTimes, (failed: unknown) => setOutcome({ failed }));
    api('GET /api/my/volunteer-appointments').then(setAppointments, () => setAppointments([]));
  };
  useEffect(load, []);

  const start = async (a: VolunteerAppointment) => {
    setStartFailure(null);
    if (a.openCallId) return enter(a.openCallId);
    try {
      const call = await api('POST /api/volunteer-calls', { body: { appointmentId: a.id } });
      enter(call.id);
    } catch (failed) {
      setStartFailure({ failed });
    }
  };

  const remove = async (id: string) => {
    try {
      await api('DELETE /api/my/volunteer-times/:timeId', { params: { timeId: id } });
      load();
    } catch (failed) {
      setOutcome({ failed });
    }
  };

  return (
    <>
      <section aria-labelledby="volunteer-appointments-title" className="volunteer-sessions">
        <h2 id="volunteer-appointments-title">{v('appointmentsTitle')}</h2>
        {appointments?.length === 0 && <p className="calm-empty">{v('appointmentsNone')}</p>}
        <ul className="list volunteer-appointments">
          {appointments?.map((a) => (
            <li key={a.id} className="volunteer-appointment">
              <span>
                <span className="name">{a.otherName}</span>{' '}
                <span className="volunteer-meta">{appointmentWhen(a.start, locale, t).inline}{a.purpose === 'practice' ? ` · ${v('practice')}` : ''} · {v(a.modality)}</span>
              </span>
              {a.modality === 'video' && <button type="button" className="primary-inline" onClick={() => void start(a)}>{v('startVideo')}</button>}
            </li>
          ))}
        </ul>
        <Notice outcome={startFailure} />
      </section>
      <section aria-labelledby="volunteer-times-title" className="volunteer-times">
        <h2 id="volunteer-times-title">{v('timesTitle')}</h2>
        <p className="hint-inline">{v('timesIntro')}</p>
        {times?.length === 0 && <p className="calm-empty">{v('timesNone')}</p>}
        <ul className="list">
          {times?.map((time) => {
            const line = v('timeLine', { day: weekdayName(time.weekday, locale), from: time.start, to: time.end, minutes: String(time.slotMinutes) });
            return (
              <li key={time.id} className="volunteer-time">
                <span>{line}</span>
                <ConfirmButton label={v('remove')} question={v('removeQuestion', { when: line })} confirmLabel={v('removeYes')} onConfirm={() => void remove(time.id)} />
              </li>
            );
          })}
        </ul>
        <NewTime onSaved={() => { setOutcome(null); setSaved(true); load(); }} onFailed={(failed) => { setSaved(false); setOutcome({ failed }); }} />
        {saved && <p role="status" className="notice notice-ok">{v('saved')}</p>}
        <Notice outcome={outcome} />
      </section>
    </>
  );
}

function NewTime({ onSaved, onFailed }: { onSaved(): void; onFailed(error: unknown): void }) {
  const v = useVolunteerTimeTexts();
  const { locale } = useI18n();
  const [weekday, setWeekday] = useState(1);
  const [start, setStart] = useState('10:00');
  const [end, setEnd] = useState('12:00');
  const [slotMinutes, setSlotMinutes] = useState<number>(30);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api('POST /api/my/volunteer-times', { body: { weekday, start, end, slotMinutes } });
      onSaved();
    } catch (failed) {
      onFailed(failed);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="volunteer-time-form" onSubmit={(e) => void submit(e)} aria-label={v('timesAdd')}>
      <label>
        {v('weekday')}
        <select value={weekday} onChange={(e) => setWeekday(Number(e.target.value))}>
          {[1, 2, 3, 4, 5, 6, 7].map((d) => <option key={d} value={d}>{weekdayName(d, locale)}</option>)}
        </select>
      </label>
      <label>
        {v('from')}
        <input type="time" value={start} onChange={(e) => setStart(e.target.value)} required />
      </label>
      <label>
        {v('to')}
        <input type="time" value={end} onChange={(e) => setEnd(e.target.value)} required />
      </label>
      <label>
        {v('slot')}
        <select value={slotMinutes} onChange={(e) => setSlotMinutes(Number(e.target.value))}>
          {SLOTS.map((m) => <option key={m} value={m}>{v('minutes', { minutes: String(m) })}</option>)}
        </select>
      </label>
      <button type="submit" disabled={busy}>{v('save')}</button>
    </form>
  );
}
