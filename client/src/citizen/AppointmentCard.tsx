import { useEffect, useRef, useState } from 'react';
import type { ChangeRequestBody, MyAppointment } from '../../../protocol/booking';
import { api, routeUrl } from '../api';
import { errorText } from '../errors';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { appointmentWhen, firstName } from './when';

/** How long "Fortryd" stays after asking: long enough to notice a wrong tap, short enough to keep the screen calm. */
const UNDO_MS = 30_000;

type Step =
  | { kind: 'idle' }
  | { kind: 'choosing' }
  | { kind: 'confirm'; request: ChangeRequestBody }
  | { kind: 'sent' }
  | { kind: 'undone' }
  // What went wrong, not its text: the text follows a language switch.
  | { kind: 'failed'; cause: unknown };

const QUESTION: Record<'cancel' | 'video' | 'phone' | 'home_visit', TextKey> = {
  cancel: 'mine.confirmCancel', video: 'mine.confirmVideo', phone: 'mine.confirmPhone', home_visit: 'mine.confirmHome',
};
const PREFER: Record<'video' | 'phone' | 'home_visit', TextKey> = { video: 'mine.preferVideo', phone: 'mine.preferPhone', home_visit: 'mine.preferHome' };

/**
 * One appointment as the citizen sees it: when, how and with whom, in big plain words. Asking to cancel or to meet
 * another way is behind "Skift eller aflys", then a question that says what will happen ("Bo får besked"), and after
 * it "Fortryd" for a short while, which really takes the request back on the server. Once the appointment has begun
 * or its session was opened (canChange false), there is nothing to change.
 */
export function AppointmentCard({ appointment: a, next, readOnly, onChanged }: { appointment: MyAppointment; next: boolean; readOnly: boolean; onChanged(): void }) {
  const { t, locale } = useI18n();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const panel = useRef<HTMLDivElement>(null);
  const when = appointmentWhen(a.start, locale, t);
  const name = firstName(a.workerName);

  // Each step's text is read out and reachable: focus goes to the panel that replaced the button pressed.
  useEffect(() => {
    if (step.kind !== 'idle') panel.current?.focus();
  }, [step.kind]);
  useEffect(() => {
    if (step.kind !== 'sent') return;
    const timer = window.setTimeout(() => setStep({ kind: 'idle' }), UNDO_MS);
    return () => window.clearTimeout(timer);
  }, [step.kind]);

  const send = async (request: ChangeRequestBody) => {
    try {
      await api('POST /api/my/appointments/:appointmentId/requests', { params: { appointmentId: a.id }, body: request });
      setStep({ kind: 'sent' });
      onChanged();
    } catch (cause) {
      setStep({ kind: 'failed', cause });
    }
  };
  const undo = async () => {
    try {
      await api('DELETE /api/my/appointments/:appointmentId/requests/open', { params: { appointmentId: a.id } });
      setStep({ kind: 'undone' });
      onChanged();
    } catch (cause) {
      setStep({ kind: 'failed', cause });
    }
  };

  const otherWays = (['video', 'phone', 'home_visit'] as const).filter((m) => m !== a.modality);
  const pending = a.pendingRequest && step.kind !== 'sent' && (a.pendingRequest === 'cancel' ? t('mine.pendingCancel', { name }) : t('mine.pendingModality', { name }));

  return (
    <li className={next ? 'appointment-card next' : 'appointment-card'}>
      <p className="appointment-when">{when.line}</p>
      <p className="appointment-how">{t('citizen.how', { modality: t(`modality.${a.modality}`), name })}</p>
      {pending && <p className="appointment-note">{pending}</p>}
      <div ref={panel} tabIndex={-1} className="appointment-panel">
        {step.kind === 'choosing' && (
          <div className="appointment-actions">
            {otherWays.map((modality) => (
              <button key={modality} type="button" onClick={() => setStep({ kind: 'confirm', request: { kind: 'modality', modality } })}>{t(PREFER[modality])}</button>
            ))}
            <button type="button" onClick={() => setStep({ kind: 'confirm', request: { kind: 'cancel' } })}>{t('mine.cancel')}</button>
            <button type="button" className="quiet" onClick={() => setStep({ kind: 'idle' })}>{t('mine.close')}</button>
          </div>
        )}
        {step.kind === 'confirm' && (
          <>
            <p className="appointment-question">{t(QUESTION[step.request.kind === 'cancel' ? 'cancel' : step.request.modality!], { when: when.inline, name })}</p>
            <div className="appointment-actions">
              <button type="button" className="primary-inline" onClick={() => void send(step.request)}>{step.request.kind === 'cancel' ? t('mine.yesCancel') : t('mine.yes')}</button>
              <button type="button" onClick={() => setStep({ kind: 'idle' })}>{t('mine.no')}</button>
            </div>
          </>
        )}
        {step.kind === 'sent' && (
          <div className="appointment-actions">
            <p role="status" className="ok grow">{t('mine.sent', { name })}</p>
            <button type="button" onClick={() => void undo()}>{t('mine.undo')}</button>
          </div>
        )}
        {step.kind === 'undone' && <p role="status" className="ok">{t('mine.undone')}</p>}
        {step.kind === 'failed' && <p role="alert" className="error">{errorText(t, step.cause)}</p>}
      </div>
      {!readOnly && (step.kind === 'idle' || step.kind === 'undone' || step.kind === 'failed') && (
        <div className="appointment-actions">
          <a className="button-link" href={routeUrl('GET /api/my/appointments/:appointmentId/ics', { appointmentId: a.id })} download>{t('mine.calendar')}</a>
          {a.canChange && !a.pendingRequest && <button type="button" onClick={() => setStep({ kind: 'choosing' })}>{t('mine.change')}</button>}
        </div>
      )}
    </li>
  );
}
