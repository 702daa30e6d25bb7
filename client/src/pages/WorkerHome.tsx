import { useEffect, useState, type ReactNode } from 'react';
import type { CaseloadEntry, Me } from '../../../protocol/api';
import { api, ApiError } from '../api';
import { Agenda } from '../booking/Agenda';
import { CallScreen, loadCallScreen } from '../call/LazyCallScreen';
import { useOpenCalls } from '../call/useOpenCalls';
import { errorText } from '../errors';
import { useI18n } from '../i18n/i18n';
import { Greeting } from './Greeting';
import { LinkButton } from './LinkButton';

/** Staff open the camera straight away: they use a known work device, the device check is for citizens. */
async function staffStream(): Promise<MediaStream | null> {
  return navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } }).catch(() => null);
}

/** Home for staff: open sessions (with who is waiting), the worker's caseload, and below it whatever the role adds. */
export function WorkerHome({ me, children }: { me: Me; children?: ReactNode }) {
  const { t } = useI18n();
  const [caseload, setCaseload] = useState<CaseloadEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState<{ callId: string; stream: MediaStream | null } | null>(null);
  const [calls, refresh] = useOpenCalls(active === null);

  useEffect(() => {
    if (me.user.role !== 'worker') return setCaseload([]);
    api('GET /api/workers/:workerId/caseload', { params: { workerId: me.user.id } }).then(setCaseload, (e: unknown) => setError(errorText(t, e)));
  }, [me.user.id, me.user.role, t]);

  const enter = async (callId: string) => {
    void loadCallScreen(); // downloads while the camera opens
    if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
    setActive({ callId, stream: await staffStream() });
  };
  const start = async (citizenId: string, appointmentId?: string) => {
    setError(null);
    try {
      const call = await api('POST /api/calls', { body: appointmentId ? { citizenId, appointmentId } : { citizenId } });
      await enter(call.id);
    } catch (e) {
      // The citizen already has an open session (this worker's, left a moment ago): go back into it rather than
      // showing an error — that is what pressing "Start video" means.
      if (e instanceof ApiError && e.status === 409) {
        const open = (await api('GET /api/calls/open').catch(() => [])).find((c) => c.citizenId === citizenId);
        if (open) return void (await enter(open.id));
      }
      setError(errorText(t, e));
    }
  };

  if (active) {
    return <CallScreen callId={active.callId} role={me.user.role} stream={active.stream} audioOnly={false} onClose={() => { setActive(null); refresh(); }} />;
  }

  return (
    <section className="card">
      <Greeting me={me} />
      {error && <p role="alert" className="error">{error}</p>}
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
                <button type="button" className="primary-inline" onClick={() => void enter(call.id)}>{t('call.join')}</button>
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
