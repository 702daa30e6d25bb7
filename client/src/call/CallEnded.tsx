import { useEffect, useRef } from 'react';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { LazyFeedbackStep, LazyNoteStep } from '../notes/LazyAfterCall';

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
 * After the call. The citizen gets a warm closing line and one optional question about how it was (the faces,
 * client/src/notes/). Staff who hosted the session get the two-minute note instead: how it went, the goals it
 * concerned, a few short fields, then back to their day. Anyone taken out of a call or signed out is told why, and
 * nothing is asked.
 */
export function CallEnded({ callId, reason, staff, hosting, onClose }: { callId: string; reason: string; staff: boolean; hosting: boolean; onClose(): void }) {
  const { t } = useI18n();
  const { heading, detail } = endTexts(reason);
  const heard = useRef<HTMLHeadingElement>(null);
  useEffect(() => heard.current?.focus(), []);
  const asked = reason !== 'removed' && reason !== 'signed_out';
  if (staff && hosting && asked) {
    return <LazyNoteStep callId={callId} reason={reason} detail={detail !== 'call.endedThanks' ? t(detail) : null} onClose={onClose} />;
  }
  return (
    <section className="card narrow ended" aria-live="polite" data-testid="call-ended" data-reason={reason}>
      <h1 ref={heard} tabIndex={-1}>{t(heading)}</h1>
      {/* staff who only took part: no "you can close the page", their day goes on */}
      {!(staff && detail === 'call.endedThanks') && <p>{t(detail)}</p>}
      {!staff && asked && <LazyFeedbackStep callId={callId} />}
      {/* Beside the citizen's question, "Send" is the main action and going back the quiet one. */}
      <button type="button" className={!staff && asked ? 'quiet' : 'primary'} onClick={onClose}>{t(staff ? 'call.backToToday' : 'call.back')}</button>
    </section>
  );
}
