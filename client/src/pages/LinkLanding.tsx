import { useEffect, useRef, useState } from 'react';
import type { Me } from '../../../protocol/auth';
import { api, ApiError } from '../api';
import { loadCallScreen } from '../call/LazyCallScreen';
import { errorText } from '../errors';
import type { TextKey } from '../i18n/da';
import { chosenLocale, useI18n } from '../i18n/i18n';
import { keepOfflineCopyFor } from '../citizen/pwa';
import { navigate } from '../router';

/**
 * /link#<secret>: the secret lives in the fragment, which browsers never send to the server or in a Referer.
 * We read it, remove it from the address bar at once, and trade it for a session by POST, but only when the person
 * taps "Fortsæt": a link scanner that opens the page (even one that runs its scripts) must not use up the link.
 * When the citizen's worker is already waiting in a session, "Fortsæt" goes straight on to the device check, whose
 * "Deltag" is the second and last tap from the SMS to the call.
 */
export function LinkLanding({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const { t, setLocale } = useI18n();
  // What went wrong, not its text: the text follows a language switch.
  const [error, setError] = useState<{ key: TextKey } | { cause: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  const secret = useRef<string | null>(null);

  useEffect(() => {
    if (secret.current !== null) return;
    secret.current = window.location.hash.slice(1);
    navigate({ name: 'link' }, { replace: true });
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret.current)) setError({ key: 'link.missing' });
  }, []);

  /** `openCallId`: from the exchange itself; undefined when not known (the link was opened twice), then asked for. */
  const signedIn = async (me: Me, openCallId?: string | null) => {
    if (me.user.role === 'citizen') {
      await keepOfflineCopyFor(me.user.id);
      // One language for the app and the citizen's reminders: a choice made here on the phone is saved for the
      // reminders; without one, the app speaks the language their worker recorded for them.
      const chosen = chosenLocale();
      if (chosen && chosen !== me.user.preferredLanguage) api('PUT /api/my/settings', { body: { language: chosen } }).catch(() => undefined);
      else if (!chosen) setLocale(me.user.preferredLanguage);
    }
    const callId = me.user.role !== 'citizen' ? null : openCallId !== undefined ? openCallId : (await api('GET /api/calls/open').catch(() => []))[0]?.id;
    if (callId) {
      // The call screen's code only now that a session is open: a prepaid phone does not pay for it otherwise.
      void loadCallScreen();
      navigate({ name: 'call', callId, step: 'check', via: 'sign-in' }, { replace: true });
    }
    onSignedIn(me);
  };

  const proceed = () => {
    setBusy(true);
    api('POST /api/citizen-links/exchange', { body: { secret: secret.current ?? '' } }).then(({ openCallId, ...me }) => signedIn(me, openCallId), async (e: unknown) => {
      // Already signed in on this device (the link was opened twice): just go on.
      if (e instanceof ApiError && e.code === 'link_used') {
        const me = await api('GET /api/me').catch(() => null);
        if (me) return signedIn(me);
      }
      setError({ cause: e });
    });
  };

  return (
    <section className="card narrow">
      <h1>{t('link.title')}</h1>
      {error ? (
        <div role="alert">
          <p className="error">{'key' in error ? t(error.key) : errorText(t, error.cause)}</p>
          <p>{t('link.again')}</p>
        </div>
      ) : busy ? (
        <p role="status">{t('link.busy')}</p>
      ) : (
        <>
          <p>{t('link.intro')}</p>
          <button type="button" className="primary big-button" onClick={proceed}>{t('link.continue')}</button>
        </>
      )}
    </section>
  );
}
