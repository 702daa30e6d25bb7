import { useEffect, useRef, useState } from 'react';
import type { MyNotes } from '../../../protocol/notes';
import { api } from '../api';
import { useI18n } from '../i18n/i18n';
import { formatDateTime } from '../i18n/locale';
import { goBack } from '../router';
import { useCitizenNotesTexts, type CitizenNotesText } from './citizenTexts';

const FIELDS: CitizenNotesText[] = ['topics', 'agreements', 'nextStep', 'concerns', 'freeText'];

/**
 * "Det skrev vi" (/our-notes): the citizen reads the final notes written after their sessions — the fields, who wrote
 * it (first name) and when — when the organisation lets citizens read their notes.
 */
export function OurNotes() {
  const { t, locale } = useI18n();
  const ct = useCitizenNotesTexts();
  const [notes, setNotes] = useState<MyNotes | null | 'failed'>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    api('GET /api/my/notes').then(setNotes, () => setNotes('failed'));
  }, []);
  return (
    <section className="card narrow our-notes" aria-labelledby="our-notes-title">
      <div className="more-head">
        <h1 id="our-notes-title" ref={heading} tabIndex={-1}>{ct('ourNotes')}</h1>
        <button type="button" onClick={() => goBack({ name: 'more' })}>{ct('back')}</button>
      </div>
      {notes === null && <p role="status">{t('app.loading')}</p>}
      {notes === 'failed' && <p role="alert">{t('app.error')}</p>}
      {notes && notes !== 'failed' && (
        notes.notes.length === 0 ? <p className="calm-empty">{ct('noNotes')}</p> : (
          <>
            <p>{ct('ourNotesIntro')}</p>
            <ol className="list our-notes-list">
              {notes.notes.map((note) => (
                <li key={note.id}>
                  <article aria-label={formatDateTime(note.occurredAt, locale)}>
                    <h2>{ct('byLine', { date: formatDateTime(note.occurredAt, locale), name: note.authorFirstName })}</h2>
                    {FIELDS.map((field) => {
                      const value = note[field as keyof typeof note];
                      return value ? (
                        <div key={field} className="our-note-field">
                          <h3>{ct(field)}</h3>
                          <p>{value}</p>
                        </div>
                      ) : null;
                    })}
                  </article>
                </li>
              ))}
            </ol>
          </>
        )
      )}
    </section>
  );
}

/** On "Mere": the way to "Det skrev vi", shown only when the organisation lets citizens read their notes. */
export function OurNotesLink({ onOpen }: { onOpen(): void }) {
  const ct = useCitizenNotesTexts();
  const [allowed, setAllowed] = useState(false);
  useEffect(() => {
    api('GET /api/my/notes').then((mine) => setAllowed(mine.allowed), () => undefined);
  }, []);
  if (!allowed) return null;
  return (
    <div className="more-block">
      <button type="button" onClick={onOpen}>{ct('ourNotes')}</button>
    </div>
  );
}
