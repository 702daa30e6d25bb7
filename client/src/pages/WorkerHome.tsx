import { useState, type ReactNode } from 'react';
import type { Me } from '../../../protocol/auth';
import { Agenda } from '../booking/Agenda';
import { useOpenCalls } from '../call/useOpenCalls';
import { errorText } from '../errors';
import { useI18n } from '../i18n/i18n';
import { Greeting } from './Greeting';
import { LinkButton } from './LinkButton';
import { useCaseload, useVideoSessions, type Failure } from './worker';

/** Home for staff: open sessions (with who is waiting), the worker's caseload, and below it whatever the role adds. */
export function WorkerHome({ me, children }: { me: Me; children?: ReactNode }) {
  const { t } = useI18n();
  const { caseload, error: caseloadError } = useCaseload(me);
  const [startError, setStartError] = useState<Failure | null>(null);
  const calls = useOpenCalls();
  const { enter, start } = useVideoSessions(setStartError);
  const error = startError ?? caseloadError;

  return (
    <section className="card">
      <Greeting me={me} />
      {error && <p role="alert" className="error">{errorText(t, error.cause)}</p>}
      {calls.length > 0 && (
        <>
          <h2>{t('worker.openCalls')}</h2>
          <ul className="list">
            {calls.map((call) => (
              <li key={call.id}>
                <span className="name">
                  {call.otherName}
                  {call.waiting > 0 && <span className="badge waiting-badge"> {t('worker.waitingCount', { count: String(call.waiting) })}</span>}
                </span>
                <button type="button" className="primary-inline" onClick={() => enter(call.id)}>{t('call.join')}</button>
              </li>
            ))}
          </ul>
        </>
      )}
      {me.user.role === 'worker' && (
        <>
          <h2>{t('worker.caseload')}</h2>
          {caseload === null && !error && <p role="status">{t('app.loading')}</p>}
          {caseload?.length === 0 && <p>{t('worker.noCitizens')}</p>}
          <ul className="list">
            {caseload?.map((citizen) => (
              <li key={citizen.citizenId}>
                <span className="name">{citizen.displayName}</span>
                <button type="button" className="primary-inline" onClick={() => void start(citizen.citizenId)}>
                  {t('worker.startVideo')}
                </button>
                <LinkButton citizenId={citizen.citizenId} name={citizen.displayName} />
              </li>
            ))}
          </ul>
          {caseload && <Agenda workerId={me.user.id} caseload={caseload} onStartVideo={(citizenId, appointmentId) => void start(citizenId, appointmentId)} />}
        </>
      )}
      {children}
    </section>
  );
}
