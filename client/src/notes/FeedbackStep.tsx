import { useEffect, useState, type FormEvent, type JSX } from 'react';
import type { Mood } from '../../../protocol/notes';
import { api, ApiError } from '../api';
import { firstName } from '../citizen/when';
import { useI18n } from '../i18n/i18n';
import { FaceBadIcon, FaceGoodIcon, FaceOkIcon } from '../ui/icons';
import { useCitizenNotesTexts } from './citizenTexts';

const FACES: { mood: Mood; Icon: () => JSX.Element }[] = [
  { mood: 'good', Icon: FaceGoodIcon },
  { mood: 'ok', Icon: FaceOkIcon },
  { mood: 'bad', Icon: FaceBadIcon },
];

/**
 * The citizen's closing screen asks one question, "Hvordan var det at tale sammen i dag?": three big faces and an
 * optional line. Nothing is required and "Spring over" is always there. The answer is shown to the worker only when
 * the citizen ticks "Må Bo se dit svar?"; otherwise it only counts in the organisation's figures.
 */
export function FeedbackStep({ callId }: { callId: string }) {
  const { t } = useI18n();
  const ct = useCitizenNotesTexts();
  const [worker, setWorker] = useState<string | null>(null);
  const [mood, setMood] = useState<Mood | null>(null);
  const [comment, setComment] = useState('');
  const [shared, setShared] = useState(false);
  const [state, setState] = useState<'asking' | 'sending' | 'sent' | 'skipped' | 'failed'>('asking');
  // Whose session it was, by first name; a citizen who came by a reminder's join link is not signed in and is not asked.
  useEffect(() => {
    api('GET /api/my/appointments').then(
      (items) => setWorker(items[0] ? firstName(items[0].workerName) : t('citizen.yourWorker')),
      (error: unknown) => setState(error instanceof ApiError && (error.status === 401 || error.status === 403) ? 'skipped' : 'asking'),
    );
  }, []);

  if (state === 'skipped') return null;
  if (state === 'sent') return <p role="status" className="notice notice-ok">{ct('thanks')}</p>;

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!mood) return;
    setState('sending');
    const line = comment.trim();
    api('POST /api/my/feedback', { body: { callId, mood, sharedWithWorker: shared, ...(line ? { comment: line } : {}) } }).then(
      () => setState('sent'),
      () => setState('failed'),
    );
  };

  return (
    <form className="feedback-step" onSubmit={send}>
      <fieldset className="faces">
        <legend>{ct('question')}</legend>
        {FACES.map(({ mood: value, Icon }) => (
          <label key={value} className={`face${mood === value ? ' chosen' : ''}`}>
            <input type="radio" name="mood" value={value} checked={mood === value} onChange={() => setMood(value)} />
            <Icon />
            <span>{ct(value)}</span>
          </label>
        ))}
      </fieldset>
      {mood && (
        <>
          <label>
            {ct('comment')}
            <input value={comment} maxLength={500} onChange={(e) => setComment(e.target.value)} />
          </label>
          <label className="choice">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
            {ct('share', { name: worker ?? t('citizen.yourWorker') })}
          </label>
        </>
      )}
      {state === 'failed' && <p role="alert" className="notice notice-error">{ct('failed')}</p>}
      <div className="feedback-actions">
        <button type="submit" className="primary" disabled={!mood || state === 'sending'}>{ct('send')}</button>
        <button type="button" className="quiet" onClick={() => setState('skipped')}>{ct('skip')}</button>
      </div>
    </form>
  );
}
