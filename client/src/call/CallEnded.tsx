import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CallOutcomeBody } from '../../../protocol/calls';
import { api } from '../api';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';

/** What the end screen says, by why the call ended for this person (sessionEnded.reason or removed.reason). */
function endTexts(reason: string): { heading: TextKey; detail: TextKey } {
  switch (reason) {
    case 'server_restart':
      return { heading: 'call.ended', detail: 'call.ended.serverRestart' };
    case 'server_shutdown':
      return { heading: 'call.ended', detail: 'call.ended.serverShutdown' };
    case 'removed':
      return { heading: 'call.ended.removed', detail: 'call.ended.closePage' };
    case 'signed_out':
      return { heading: 'call.ended.signedOut', detail: 'call.ended.closePage' };
    case 'left':
      return { heading: 'call.ended.left', detail: 'call.endedThanks' };
    default:
      return { heading: 'call.ended', detail: 'call.endedThanks' };
  }
}

/**
 * After the call. The citizen gets a warm closing line. Staff who hosted the session get a short step instead: how
 * did it go (held, no-show, technical problem, an optional note), then back to their day. Staff taken out of a call
 * or signed out are told why, and nothing is asked.
 */
export function CallEnded({ callId, reason, staff, hosting, onClose }: { callId: string; reason: string; staff: boolean; hosting: boolean; onClose(): void }) {
  const { t } = useI18n();
  const { heading, detail } = endTexts(reason);
  const heard = useRef<HTMLHeadingElement>(null);
  useEffect(() => heard.current?.focus(), []);
  if (staff && hosting && reason !== 'removed' && reason !== 'signed_out') {
    return <OutcomeStep callId={callId} reason={reason} onClose={onClose} />;
  }
  return (
    <section className="card narrow ended" aria-live="polite" data-testid="call-ended" data-reason={reason}>
      <h1 ref={heard} tabIndex={-1}>{t(heading)}</h1>
      {/* staff who only took part: no "you can close the page", their day goes on */}
      {!(staff && detail === 'call.endedThanks') && <p>{t(detail)}</p>}
      <button type="button" className="primary" onClick={onClose}>{t(staff ? 'call.backToToday' : 'call.back')}</button>
    </section>
  );
}

type Outcome = CallOutcomeBody['outcome'];
const OUTCOMES: { value: Outcome; label: TextKey }[] = [
  { value: 'held', label: 'call.outcome.held' },
  { value: 'no_show', label: 'call.outcome.noShow' },
  { value: 'technical_failure', label: 'call.outcome.technical' },
];

function OutcomeStep({ callId, reason, onClose }: { callId: string; reason: string; onClose(): void }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [note, setNote] = useState('');
  const [state, setState] = useState<'choosing' | 'saving' | 'saved' | 'failed'>('choosing');
  const heading = useRef<HTMLHeadingElement>(null);
  const back = useRef<HTMLButtonElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    if (state === 'saved') back.current?.focus();
  }, [state]);
  const { detail } = endTexts(reason);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) return;
    setState('saving');
    const trimmed = note.trim();
    api('POST /api/calls/:callId/outcome', { params: { callId }, body: { outcome, ...(trimmed ? { note: trimmed } : {}) } }).then(
      () => setState('saved'),
      () => setState('failed'),
    );
  };

  return (
    <section className="card narrow ended outcome" data-testid="call-ended" data-reason={reason}>
      <h1 ref={heading} tabIndex={-1}>{t('call.ended')}</h1>
      {detail !== 'call.endedThanks' && <p>{t(detail)}</p>}
      {state === 'saved' ? (
        <p role="status" className="ok">{t('call.outcome.saved')}</p>
      ) : (
        <form onSubmit={save}>
          <fieldset className="choices">
            <legend>{t('call.outcome.title')}</legend>
            {OUTCOMES.map((o) => (
              <label key={o.value} className="choice">
                <input type="radio" name="outcome" value={o.value} checked={outcome === o.value} onChange={() => setOutcome(o.value)} />
                {t(o.label)}
              </label>
            ))}
          </fieldset>
          <label>
            {t('call.outcome.note')}
            <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          </label>
          {state === 'failed' && <p role="alert" className="error">{t('call.outcome.failed')}</p>}
          <button type="submit" className="primary" disabled={!outcome || state === 'saving'}>{t('call.outcome.save')}</button>
        </form>
      )}
      <button ref={back} type="button" className={state === 'saved' ? 'primary' : 'quiet'} onClick={onClose}>{t('call.backToToday')}</button>
    </section>
  );
}
