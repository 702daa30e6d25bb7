import { useCallback, useEffect, useRef, useState } from 'react';
import type { GuestState } from '../../../protocol/guests';
import { api, ApiError } from '../api';
import { loadCallScreen } from '../call/LazyCallScreen';
import { appointmentWhen } from '../citizen/when';
import { errorText } from '../errors';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { useGuestTexts, type GuestText } from './texts';

const SECRET = /^[A-Za-z0-9_-]{43}$/;
const POLL_MS = 4000;

type Step = { kind: 'tap' } | { kind: 'busy' } | { kind: 'ready'; state: GuestState } | { kind: 'error'; problem: { key: GuestText } | { cause: unknown } };

/**
 * /guest#<secret>: a citizen's one-time guest link. Nothing happens with the secret until "Deltag" is tapped (a link
 * scanner must not spend it); the tap spends it for a narrow guest session that sees this one call and nothing else.
 * Once the host has opened the call, on to the device check and the waiting room (/guest/call/<id>).
 */
export function GuestLanding() {
  const g = useGuestTexts();
  const { t, locale } = useI18n();
  const secret = useRef<string | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'busy' });
  const [tapped, setTapped] = useState(false);

  const failed = useCallback((error: unknown) => {
    const key: GuestText | null = error instanceof ApiError
      ? error.code === 'link_used' ? 'guestUsed' : error.status === 401 || error.code === 'link_revoked' || error.code === 'link_expired' || error.code === 'link_invalid' ? 'guestGone' : null
      : null;
    setStep({ kind: 'error', problem: key ? { key } : { cause: error } });
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
    let stopped = false;
    api('GET /api/guest').then((state) => !stopped && setStep({ kind: 'ready', state }), () => !stopped && setStep({ kind: 'error', problem: { key: 'guestMissing' } }));
    return () => {
      stopped = true;
    };
  }, []);

  const tap = () => {
    setTapped(true);
    setStep({ kind: 'busy' });
    void loadCallScreen();
    api('POST /api/guest/exchange', { body: { secret: secret.current ?? '' } }).then((state) => {
      // Spent: out of the address bar and the history.
      navigate({ name: 'guest' }, { replace: true });
      setStep({ kind: 'ready', state });
    }, failed);
  };

  const open = step.kind === 'ready' && step.state.session?.status === 'open' ? step.state.session.id : null;
  useEffect(() => {
    if (open && tapped) navigate({ name: 'call', callId: open, step: 'check', via: 'guest-link' });
  }, [open, tapped]);

  const waiting = step.kind === 'ready' && step.state.session?.status !== 'open';
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') api('GET /api/guest').then((state) => setStep({ kind: 'ready', state }), failed);
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [waiting, failed]);

  return (
    <section className="card narrow">
      <h1>{g('guestTitle')}</h1>
      {step.kind === 'busy' && <p role="status">{t('app.loading')}</p>}
      {step.kind === 'tap' && (
        <>
          <p>{g('guestIntro')}</p>
          <button type="button" className="primary big-button" onClick={tap}>{g('guestStart')}</button>
        </>
      )}
      {step.kind === 'ready' && (
        <div className="join-box">
          <p className="big">{g('guestWhen', { when: appointmentWhen(step.state.start, locale, t).inline, host: step.state.hostName })}</p>
          {step.state.session?.status === 'open' ? (
            <>
              <p>{g('guestReady')}</p>
              <button type="button" className="primary big-button" onClick={() => navigate({ name: 'call', callId: step.state.session!.id, step: 'check', via: 'guest-link' })}>
                {g('guestStart')}
              </button>
            </>
          ) : (
            <p role="status">{step.state.session?.status === 'ended' ? g('guestEnded') : g('guestNotYet')}</p>
          )}
        </div>
      )}
      {step.kind === 'error' && (
        <div role="alert">
          <p className="error">{'key' in step.problem ? g(step.problem.key) : errorText(t, step.problem.cause)}</p>
        </div>
      )}
    </section>
  );
}
