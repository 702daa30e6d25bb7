import { useEffect, useRef, useState } from 'react';
import { goBack, navigate, type Screen } from '../router';
import { NoteForm, type NoteSource } from './NoteForm';
import { useNotesTexts } from './staffTexts';

/**
 * A note on its own screen (/notes/<id>), or the note for a phone call, home visit, chat or the citizen's request
 * (/notes/new?appointmentId=…, from I dag or Vagt): once the draft exists the address names it, so a reload or another
 * device opens the same draft.
 */
export function NoteScreen({ screen }: { screen: Extract<Screen, { name: 'note' | 'new-note' }> }) {
  const nt = useNotesTexts();
  const [citizen, setCitizen] = useState<{ id: string; name: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const source: NoteSource = screen.name === 'note' ? { noteId: screen.noteId } : { open: screen.source };
  const toTimeline = citizen && (
    <button type="button" className="primary" onClick={() => navigate({ name: 'citizen-timeline', citizenId: citizen.id })}>{nt('toTimeline')}</button>
  );
  return (
    <section className="card narrow note-screen" aria-labelledby="note-title">
      <div className="more-head">
        <h1 id="note-title" ref={heading} tabIndex={-1}>{citizen ? nt('noteTitle', { name: citizen.name }) : nt('noteTitle', { name: '' }).replace(/:\s*$/, '')}</h1>
        <button type="button" onClick={() => goBack(citizen ? { name: 'citizen-timeline', citizenId: citizen.id } : { name: 'home' })}>{nt('back')}</button>
      </div>
      <NoteForm
        source={source}
        onOpened={(note) => {
          setCitizen({ id: note.citizenId, name: note.citizenName });
          if (screen.name === 'new-note') navigate({ name: 'note', noteId: note.id }, { replace: true });
        }}
        after={toTimeline}
      />
    </section>
  );
}
