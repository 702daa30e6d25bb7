import { useEffect, useState } from 'react';
import type { Me } from '../../../protocol/auth';
import type { Appointment } from '../../../protocol/booking';
import type { CallSummary } from '../../../protocol/calls';
import { api } from '../api';
import { useOpenCalls } from '../call/useOpenCalls';
import { formatDayHeading, organisationToday } from '../i18n/locale';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { Notice, type Outcome } from '../ui/Notice';
import { CameraIcon } from '../ui/icons';
import { DutyRequests } from '../duty/DutyScreen';
import { useVideoSessions } from './worker';
import { CrisisPlanReviews } from '../crisis/ReviewDue';
import { AttendanceFlags, FollowUpsToday } from '../follow-up/Today';
import { NotesToWrite } from '../notes/NotesToWrite';

/**
 * I dag, the staff's home: who is waiting first (that is what cannot wait), then the worker's next appointment big,
 * with one press to start its video, then the rest of the day in order. Booking and the caseload have screens of
 * their own (Kalender, Borgere), so this one fits a phone without scrolling on a normal day.
 */
export function WorkerHome({ me }: { me: Me }) {
  const { t, locale } = useI18n();
  const calls = useOpenCalls();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const { enter, start } = useVideoSessions((failure) => setOutcome(failure && { failed: failure.cause }));
  const day = useToday(me);

  return (
    <section className="card workspace-page" aria-labelledby="today-title">
      <header className="page-head">
        <h1 id="today-title">{t('home.hello', { name: me.user.displayName })}</h1>
        <p className="page-date">{formatDayHeading(organisationToday(), locale)}</p>
      </header>
      <OpenCalls calls={calls} onEnter={enter} />
      {/* "Jeg vil gerne tale med nogen" from my citizens (and the duty queue while on a shift): nothing when none wait. */}
      <DutyRequests compact />
      {/* Follow-ups after a no-show, overdue first; for coordinators, two no-shows in a row. Nothing when none. */}
      <FollowUpsToday coordinator={me.user.role === 'coordinator'} />
      {me.user.role === 'worker' && (
        <>
          {day.failed !== null && <Notice outcome={{ failed: day.failed }} />}
          {day.appointments === null && day.failed === null && <p role="status">{t('app.loading')}</p>}
          {/* The morning check's answers, flagged before the worker drives. */}
          <AttendanceFlags />
          {day.appointments && (
            <TodayAppointments appointments={day.appointments} outcome={outcome} onStartVideo={(a) => void start(a.citizenId, a.id)} />
          )}
          {/* Today's phone calls, home visits and chats once begun: "Skriv notat" (a video call's note follows the call). */}
          {day.appointments && <NotesToWrite appointments={day.appointments} />}
          <CrisisPlanReviews />
        </>
      )}
      {me.user.role === 'coordinator' && calls.length === 0 && <p className="calm-empty">{t('today.noCalls')}</p>}
    </section>
  );
}

/** Sessions open now: a citizen waiting reads as a sentence ("Karen venter"), the button takes the worker in. */
export function OpenCalls({ calls, onEnter }: { calls: CallSummary[]; onEnter(callId: string): void }) {
  const { t } = useI18n();
  if (calls.length === 0) return null;
  return (
    <section aria-labelledby="open-calls-title" className="open-calls">
      <h2 id="open-calls-title">{t('worker.openCalls')}</h2>
      <ul className="list">
        {calls.map((call) => (
          <li key={call.id} className={call.waiting > 0 ? 'waiting-row' : undefined}>
            <span className="name">{t(call.waiting > 0 ? 'today.waiting' : 'today.open', { name: call.otherName })}</span>
            <button type="button" className="primary-inline" onClick={() => onEnter(call.id)}>
              {t(call.waiting > 0 ? 'today.goToCall' : 'call.join')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function useToday(me: Me): { appointments: Appointment[] | null; failed: unknown } {
  const [appointments, setAppointments] = useState<Appointment[] | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    if (me.user.role !== 'worker') return;
    api('GET /api/appointments', { query: { from: organisationToday(), days: '1', workerId: me.user.id } }).then(setAppointments, (e: unknown) => setFailed(e));
  }, [me.user.id, me.user.role]);
  return { appointments, failed };
}

const time = (a: Appointment) => `${a.start.slice(11)}–${a.end.slice(11)}`;

function TodayAppointments({ appointments, outcome, onStartVideo }: {
  appointments: Appointment[];
  outcome: Outcome | null;
  onStartVideo(appointment: Appointment): void;
}) {
  const { t } = useI18n();
  const now = Date.now();
  const booked = appointments.filter((a) => a.status === 'booked');
  // The next one is the first booked appointment that has not ended: one running late is still "next".
  const next = booked.find((a) => new Date(a.endsAt).getTime() > now) ?? null;
  const rest = appointments.filter((a) => a !== next && new Date(a.startsAt).getTime() >= (next ? new Date(next.startsAt).getTime() : now));
  return (
    <>
      <section aria-labelledby="next-title" className="next-appointment">
        <h2 id="next-title">{t('today.next')}</h2>
        {next ? (
          <div className="next-card">
            <p className="next-time">{time(next)}</p>
            <p className="next-who">
              <strong>{next.citizenName}</strong> · {t(`modality.${next.modality}`)}
            </p>
            {next.modality === 'video' && (
              <button type="button" className="primary big-button with-icon" onClick={() => onStartVideo(next)}>
                <CameraIcon />
                {t('worker.startVideo')}
              </button>
            )}
            <Notice outcome={outcome} />
          </div>
        ) : (
          <p className="calm-empty">{t('today.nothingMore')}</p>
        )}
      </section>
      {rest.length > 0 && (
        <section aria-labelledby="rest-title">
          <h2 id="rest-title">{t('today.rest')}</h2>
          <ul className="list day-list">
            {rest.map((a) => (
              <li key={a.id}>
                <span><strong>{time(a)}</strong> {a.citizenName} · {t(`modality.${a.modality}`)}</span>
                {a.status !== 'booked' && <span className="badge">{t(`status.${a.status}`)}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p>
        <a className="button-link" href="/agenda" onClick={(e) => { e.preventDefault(); navigate({ name: 'agenda' }); }}>{t('today.toCalendar')}</a>
      </p>
    </>
  );
}
