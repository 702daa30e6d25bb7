import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { NoteForm } from './NoteForm';

/**
 * The host's step right after a video call ("Samtalen er slut."): the two-minute note, pre-filled from the session
 * log, then back to their day. Leaving without saving keeps the draft (it is on the server, and I dag can open it).
 */
export function NoteStep({ callId, reason, detail, onClose }: { callId: string; reason: string; detail: string | null; onClose(): void }) {
  const { t } = useI18n();
  const [saved, setSaved] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const back = useRef<HTMLButtonElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    if (saved) back.current?.focus();
  }, [saved]);
  return (
    <section className="card narrow ended outcome note-step" data-testid="call-ended" data-reason={reason} aria-labelledby="note-step-title">
      <h1 id="note-step-title" ref={heading} tabIndex={-1}>{t('call.ended')}</h1>
      {detail && <p>{detail}</p>}
      <NoteForm source={{ open: { callId } }} onOpened={(note) => note.status === 'final' && setSaved(true)} onFinalised={() => setSaved(true)} />
      <button ref={back} type="button" className={saved ? 'primary' : 'quiet'} onClick={onClose}>{t('call.backToToday')}</button>
    </section>
  );
}
