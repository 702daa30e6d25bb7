import { useState } from 'react';
import type { Me } from '../../../protocol/api';
import { MyAppointments } from '../booking/MyAppointments';
import { DeviceCheck } from '../call/DeviceCheck';
import { CallScreen, loadCallScreen } from '../call/LazyCallScreen';
import { useOpenCalls } from '../call/useOpenCalls';
import { useI18n } from '../i18n/i18n';
import { Greeting } from './Greeting';

type Step = { kind: 'home' } | { kind: 'check'; callId: string } | { kind: 'call'; callId: string; stream: MediaStream | null; audioOnly: boolean };

export function CitizenHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const [step, setStep] = useState<Step>({ kind: 'home' });
  const [calls, refresh] = useOpenCalls(step.kind === 'home');

  if (step.kind === 'check') {
    return <DeviceCheck onJoin={(stream, audioOnly) => setStep({ kind: 'call', callId: step.callId, stream, audioOnly })} />;
  }
  if (step.kind === 'call') {
    return <CallScreen callId={step.callId} role="citizen" stream={step.stream} audioOnly={step.audioOnly} onClose={() => { setStep({ kind: 'home' }); refresh(); }} />;
  }
  const open = calls[0];
  return (
    <section className="card">
      <Greeting me={me} />
      {open ? (
        <div className="join-box">
          <p className="big">{t('call.sessionReady')}</p>
          <button type="button" className="primary big-button" onClick={() => {
              void loadCallScreen();
              setStep({ kind: 'check', callId: open.id });
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
