import { useState } from 'react';
import type { AttendanceCheck, AttendanceState } from '../../../protocol/attendance';
import type { FollowUp, FollowUpAlert } from '../../../protocol/follow-up';
import { api } from '../api';
import { errorText } from '../errors';
import { useLive } from '../events/live';
import { formatClock, INTL_LOCALE, ORGANISATION_ZONE, organisationToday, type Locale } from '../i18n/locale';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { useFollowUpTexts } from './texts';

type Texts = ReturnType<typeof useFollowUpTexts>;

const STATE_TEXT: Record<AttendanceState, Parameters<Texts>[0]> = {
  planned: 'planned', unanswered: 'unanswered', confirmed: 'confirmed', video: 'video', cancel_requested: 'cancelRequested',
  unclear: 'unclear', not_sent: 'notSent',
};
/** What needs the worker before they drive stands out; a settled answer is calm. */
const NEEDS_ME: ReadonlySet<AttendanceState> = new Set(['unanswered', 'cancel_requested', 'unclear']);

/** "08.00" (da) / "08:00" from an instant, in the organisation's zone. */
function clockOf(instant: string, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone: ORGANISATION_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
}

/** "3. mar. 10.00" from a local date-time of the organisation's zone (as the contract gives it). */
export function localWhen(local: string, locale: Locale): string {
  const day = new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone: 'UTC', day: 'numeric', month: 'short' }).format(new Date(`${local.slice(0, 10)}T00:00:00Z`));
  return `${day} ${formatClock(local, locale)}`;
}

/**
 * On I dag, before the day's list: each of today's appointments with a morning check and how the citizen answered —
 * "Bekræftet", "Skiftet til video", "Aflyst af borgeren?", "Ikke svaret" — so an unanswered one is seen before the
 * worker drives. Nothing when no appointment today has a check. Live: an answer arriving updates it.
 */
export function AttendanceFlags() {
  const f = useFollowUpTexts();
  const { locale } = useI18n();
  const [checks, setChecks] = useState<AttendanceCheck[]>([]);
  useLive(['attendanceChanged'], () => {
    api('GET /api/attendance-checks', { query: { from: organisationToday() } }).then(setChecks, () => undefined);
  });
  if (checks.length === 0) return null;
  return (
    <section aria-labelledby="checks-title" className="attendance-checks">
      <h2 id="checks-title">{f('checksTitle')}</h2>
      <ul className="list">
        {checks.map((c) => (
          <li key={c.appointmentId} className={NEEDS_ME.has(c.state) ? 'check-row check-needs-me' : 'check-row'}>
            <span>
              <strong>{formatClock(c.start, locale)}</strong> {c.citizenName}
              {c.state === 'unclear' && c.replyText && <span className="check-reply"> «{c.replyText}»</span>}
              {c.state === 'unanswered' && <span className="check-hint"> {f('unansweredHint')}</span>}
              {c.state === 'cancel_requested' && <span className="check-hint"> {f('cancelHint')}</span>}
            </span>
            <span className={`badge check-${c.state}`}>
              {c.state === 'planned' && c.checkAt ? f('planned', { time: clockOf(c.checkAt, locale) }) : f(STATE_TEXT[c.state])}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * On I dag: the worker's open follow-ups after a no-show, overdue first, each one press from its screen; and for
 * coordinators, the alerts of two no-shows in a row. Nothing when there is none. Live over /events.
 */
export function FollowUpsToday({ coordinator }: { coordinator: boolean }) {
  const f = useFollowUpTexts();
  const { t, locale } = useI18n();
  const [list, setList] = useState<FollowUp[]>([]);
  const [alerts, setAlerts] = useState<FollowUpAlert[]>([]);
  const [failed, setFailed] = useState<unknown>(null);
  useLive(['followUpsChanged'], () => {
    api('GET /api/follow-ups', { query: {} }).then(setList, () => undefined);
    if (coordinator) api('GET /api/follow-up-alerts').then(setAlerts, () => undefined);
  });
  const seen = async (alert: FollowUpAlert) => {
    try {
      await api('POST /api/follow-up-alerts/:alertId/seen', { params: { alertId: alert.id } });
      setAlerts((current) => current.filter((a) => a.id !== alert.id));
      setFailed(null);
    } catch (error) {
      setFailed(error);
    }
  };
  const shown = coordinator ? [] : list.slice(0, 3);
  if (alerts.length === 0 && shown.length === 0) return null;
  return (
    <>
      {alerts.length > 0 && (
        <section aria-labelledby="follow-up-alerts-title" className="follow-up-alerts">
          <h2 id="follow-up-alerts-title">{f('alertsTitle')}</h2>
          <ul className="list">
            {alerts.map((a) => (
              <li key={a.id} className="alert-row">
                <span>{f('alertLine', { name: a.citizenName, worker: a.workerName })}</span>
                <button type="button" onClick={() => void seen(a)}>{f('alertSeen')}</button>
              </li>
            ))}
          </ul>
          {failed !== null && <p role="alert" className="notice notice-error">{errorText(t, failed)}</p>}
        </section>
      )}
      {shown.length > 0 && (
        <section aria-labelledby="follow-ups-title" className="follow-ups-today">
          <h2 id="follow-ups-title">{f('followUpsTitle')}</h2>
          <ul className="list">
            {shown.map((item) => (
              <li key={item.id} className={item.overdue ? 'follow-up-row overdue' : 'follow-up-row'}>
                <span>
                  <strong>{item.citizenName}</strong> · {f('missed', { when: localWhen(item.missedAt, locale) })}
                  {item.overdue && <span className="badge badge-warn"> {f('overdue')}</span>}
                </span>
              </li>
            ))}
          </ul>
          <p>
            <a className="button-link" href="/follow-ups" onClick={(e) => { e.preventDefault(); navigate({ name: 'follow-ups' }); }}>{f('openAll')}</a>
          </p>
        </section>
      )}
    </>
  );
}
