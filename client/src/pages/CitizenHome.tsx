import type { Me } from '../../../protocol/auth';
import { MyAppointments } from '../booking/MyAppointments';
import { loadCallScreen } from '../call/LazyCallScreen';
import { useOpenCalls } from '../call/useOpenCalls';
import { firstName } from '../citizen/when';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { useKeptPushSubscription } from '../push/keep';
import { TalkButton } from '../duty/TalkButton';
import { LazyVolunteerCard } from '../volunteers/LazyVolunteerCard';
import { LazyCitizenVolunteerTimes } from '../volunteer-times/LazyCitizenVolunteerTimes';

/**
 * The citizen's home: one main thing at a time. When their worker has opened a session, one big "Deltag" at the top
 * (the next tap is the device check's "Deltag": two taps to the call); otherwise their next appointment, big, and the
 * others below. No admin words: no role badge, no organisation, no talk of devices. Settings and "Log ud" are on
 * "Mere" (the top bar).
 */
export function CitizenHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const calls = useOpenCalls();
  useKeptPushSubscription(); // "Bo er klar" notifications follow this phone's newest sign-in (client/src/push/)
  const open = calls[0];
  return (
    <section className="card citizen-home">
      <h1>{t('citizen.hello', { name: me.user.displayName })}</h1>
      {open && (
        <div className="join-box ready-box">
          <p className="big">{t('citizen.readyTitle', { name: firstName(open.otherName) })}</p>
          <button type="button" className="primary big-button" onClick={() => {
              void loadCallScreen();
              navigate({ name: 'call', callId: open.id, step: 'check', via: 'sign-in' });
            }}>
            {t('call.join')}
          </button>
          <p className="hint">{t('citizen.readyHint')}</p>
        </div>
      )}
      <MyAppointments featureNext={!open} />
      <TalkButton />
      <LazyVolunteerCard />
      <LazyCitizenVolunteerTimes />
      <CrisisPlanLink />
    </section>
  );
}

/** Offline, before the app knows who is signed in: the appointments last fetched on this phone, if there are any. */
export function OfflineCitizenHome() {
  return (
    <section className="card citizen-home">
      <MyAppointments featureNext readOnly offline />
      <CrisisPlanLink />
    </section>
  );
}

/** "Min kriseplan": a small link under the appointments (the home's main action stays the one above); offline too. */
function CrisisPlanLink() {
  const { t } = useI18n();
  return (
    <p className="crisis-home-link">
      <a href="/crisis-plan" onClick={(event) => { event.preventDefault(); navigate({ name: 'crisis-plan' }); }}>{t('crisis.title')}</a>
    </p>
  );
}
