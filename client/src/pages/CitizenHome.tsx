import type { Me } from '../../../protocol/auth';
import { MyAppointments } from '../booking/MyAppointments';
import { loadCallScreen } from '../call/LazyCallScreen';
import { useOpenCalls } from '../call/useOpenCalls';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { Greeting } from './Greeting';

export function CitizenHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const calls = useOpenCalls();
  const open = calls[0];
  return (
    <section className="card">
      <Greeting me={me} />
      {open ? (
        <div className="join-box">
          <p className="big">{t('call.sessionReady')}</p>
          <button type="button" className="primary big-button" onClick={() => {
              void loadCallScreen();
              navigate({ name: 'call', callId: open.id, step: 'check', via: 'sign-in' });
            }}>
            {t('call.join')}
          </button>
        </div>
      ) : (
        <>
          <p className="big">{t('citizen.signedIn')}</p>
          <p>{t('citizen.nothingYet')}</p>
        </>
      )}
      <MyAppointments />
    </section>
  );
}
