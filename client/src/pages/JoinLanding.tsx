import { useCallback, useEffect, useRef, useState } from 'react';
import type { JoinState } from '../../../protocol/join';
import { api, ApiError } from '../api';
import { loadCallScreen } from '../call/LazyCallScreen';
import { appointmentWhen } from '../citizen/when';
import { errorText } from '../errors';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';

const SECRET = /^[A-Za-z0-9_-]{43}$/;
const POLL_MS = 4000;

type Step =
  | { kind: 'tap' }
  | { kind: 'busy' }
  | { kind: 'ready'; state: JoinState }
  // What went wrong, not its text: the text follows a language switch.
  | { kind: 'error'; problem: { key: TextKey } | { cause: unknown } };

/**
 * /join#<secret>: the link in a video appointment's reminder. The page does nothing with the secret until the
 * person taps "Deltag": link scanners (mail filters, messaging previews) open links, some even run their scripts,
 * and a link must not be spent or opened by them. The tap posts the secret and gets a narrow session that can only
 * see this appointment and join its video session (at /join/call/<id>, see CallPage). A reload on the same device
 * goes on with that session.
 *
 * Two taps from the SMS to the call: this "Deltag", then the device check's. When the worker has opened the session,
 * the tap leads straight to the device check; when not yet, the page waits and goes on by itself once it is open.
 */
export function JoinLanding() {
  const { t, locale } = useI18n();
  const secret = useRef<string | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'busy' });

  const failed = useCallback((error: unknown) => {
    const gone = error instanceof ApiError && error.status === 401;
    setStep({ kind: 'error', problem: gone ? { key: 'join.gone' } : { cause: error } });
  }, []);

  useEffect(() => {
    if (secret.current === null) {
      const fromHash = window.location.hash.slice(1);
      secret.current = SECRET.test(fromHash) ? fromHash : '';
    }
    if (secret.current) {
      setStep({ kind: 'tap' });
      return;
    }
    // No secret (a reload): go on with the session of an earlier tap on this device, if there is one. A GET.
    let stopped = false;
    api('GET /api/join').then(
      (state) => !stopped && setStep({ kind: 'ready', state }),
      () => !stopped && setStep({ kind: 'error', problem: { key: 'link.missing' } }),
    );
    return () => {
      stopped = true;
    };
  }, []);

  // Whether "Deltag" was tapped on this page: only then does it go on to the call by itself (someone who came back here
  // from the device check, or reloaded, is not sent forward again).
  const [tapped, setTapped] = useState(false);
  const tap = () => {
    setTapped(true);
    setStep({ kind: 'busy' });
    // The call code is needed next in most cases: fetched while the secret is exchanged.
    void loadCallScreen();
    api('POST /api/join/exchange', { body: { secret: secret.current ?? '' } }).then((state) => {
      // Used: out of the address bar (and the history), so it is not shown or shared by accident; a reload goes on
      // with the session this tap gave.
      navigate({ name: 'join' }, { replace: true });
      setStep({ kind: 'ready', state });
    }, failed);
  };

  // The person tapped "Deltag" (or came back to this page with its session): once the session is open, on to the
  // device check without another tap on this page.
  const openSession = step.kind === 'ready' && step.state.session?.status === 'open' ? step.state.session.id : null;
  useEffect(() => {
    if (!openSession || !tapped) return;
    void loadCallScreen();
    navigate({ name: 'call', callId: openSession, step: 'check', via: 'join-link' });
  }, [openSession, tapped]);

  // Waiting for the worker to open the session: the state is read again every few seconds.
  const waiting = step.kind === 'ready' && step.state.session?.status !== 'open';
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'hidden') return;
      api('GET /api/join').then((state) => setStep({ kind: 'ready', state }), failed);
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [waiting, failed]);

  return (
    <section className="card narrow">
      <h1>{t('join.title')}</h1>
      {step.kind === 'busy' && <p role="status">{t('join.busy')}</p>}
      {step.kind === 'tap' && (
        <>
          <p>{t('join.intro')}</p>
          <button type="button" className="primary big-button" onClick={tap}>{t('join.start')}</button>
        </>
      )}
      {step.kind === 'ready' && (
        <div className="join-box">
          {step.state.appointment && <p className="big">{t('join.when', { when: appointmentWhen(step.state.appointment.start, locale, t).inline })}</p>}
          {step.state.session?.status === 'open' ? (
            <>
              <p>{t('join.ready')}</p>
              {/* After a tap here the effect above goes on by itself; this is for whoever came back or reloaded. */}
              <button type="button" className="primary big-button" onClick={() => {
                  void loadCallScreen();
                  navigate({ name: 'call', callId: step.state.session!.id, step: 'check', via: 'join-link' });
                }}>
                {t('call.join')}
              </button>
            </>
          ) : (
            <p role="status">{step.state.session?.status === 'ended' ? t('join.ended') : t('join.notYet')}</p>
          )}
        </div>
      )}
      {step.kind === 'error' && (
        <div role="alert">
          <p className="error">{'key' in step.problem ? t(step.problem.key) : errorText(t, step.problem.cause)}</p>
        </div>
      )}
    </section>
  );
}
