import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Note, NoteOutcome, OpenNoteBody, UpdateNoteBody } from '../../../protocol/notes';
import { api, ApiError, routeUrl } from '../api';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { formatDateTime } from '../i18n/locale';
import { navigate } from '../router';
import { ConfirmButton } from '../ui/ConfirmButton';
import { useNotesTexts, type NotesText } from './staffTexts';

/** How long typing pauses before the draft is saved on the server (so a reload or another device shows it). */
const AUTOSAVE_MS = 700;

const OUTCOMES: { value: NoteOutcome; label: TextKey }[] = [
  { value: 'held', label: 'call.outcome.held' },
  { value: 'no_show', label: 'call.outcome.noShow' },
  { value: 'technical_failure', label: 'call.outcome.technical' },
];
const STRUCTURED = ['topics', 'agreements', 'nextStep', 'concerns'] as const;
type TextField = (typeof STRUCTURED)[number] | 'freeText';

/** Which note: one already made, or the author's note for a session (their draft for it, or a new one). */
export type NoteSource = { noteId: string } | { open: OpenNoteBody };

type Loaded = { kind: 'loading' } | { kind: 'shown'; note: Note } | { kind: 'missing' } | { kind: 'failed' };
type Draft = 'idle' | 'saving' | 'saved' | 'failed';

/**
 * The two-minute note: outcome, duration (pre-filled from the session), the citizen's active goals as toggles, the
 * four short structured fields and free text, "Gem notat" the one main action. What is typed is saved as a draft on
 * the server after each pause (a reload, or another device, shows it); saving makes it final and marks the session's
 * appointment. A final note (or someone else's draft) is shown read only, with its export for the case system.
 */
export function NoteForm({ source, onOpened, after, onFinalised }: {
  source: NoteSource;
  /** The note once loaded (the /notes/new screen replaces its address with /notes/<id>). */
  onOpened?(note: Note): void;
  /** Shown under a final note: where to go next. */
  after?: ReactNode;
  /** The note was made final here. */
  onFinalised?(note: Note): void;
}) {
  const { t } = useI18n();
  const nt = useNotesTexts();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [draft, setDraft] = useState<Draft>('idle');
  const [finalising, setFinalising] = useState<'idle' | 'saving' | 'failed'>('idle');
  const [justSaved, setJustSaved] = useState<NotesText | null>(null);
  const pending = useRef<UpdateNoteBody>({});
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const sending = useRef<Promise<void>>(Promise.resolve());
  const sourceKey = JSON.stringify(source);

  useEffect(() => {
    let stopped = false;
    const request = 'noteId' in source
      ? api('GET /api/notes/:noteId', { params: { noteId: source.noteId } })
      : api('POST /api/notes', { body: source.open });
    request.then(
      (note) => {
        if (stopped) return;
        setLoaded({ kind: 'shown', note });
        onOpened?.(note);
      },
      (error: unknown) => !stopped && setLoaded(error instanceof ApiError && error.status === 404 ? { kind: 'missing' } : { kind: 'failed' }),
    );
    return () => {
      stopped = true;
    };
    // The source's content, not its identity, says which note this is.
  }, [sourceKey]);

  const noteId = loaded.kind === 'shown' ? loaded.note.id : null;

  /** Sends what was typed since the last save, one save at a time, in order. */
  const flush = useCallback((): Promise<void> => {
    clearTimeout(timer.current);
    if (!noteId || Object.keys(pending.current).length === 0) return sending.current;
    const body = pending.current;
    pending.current = {};
    setDraft('saving');
    sending.current = sending.current.then(() =>
      api('PATCH /api/notes/:noteId', { params: { noteId }, body }).then(
        () => setDraft('saved'),
        (error: unknown) => {
          // Kept to send again with the next change (or the final save): nothing typed is lost to a dropped connection.
          pending.current = { ...body, ...pending.current };
          setDraft('failed');
          throw error;
        },
      ),
    ).catch(() => undefined);
    return sending.current;
  }, [noteId]);

  // A draft being typed is saved when the form goes (back to I dag, another screen).
  useEffect(() => () => void flush(), [flush]);

  const change = (patch: UpdateNoteBody) => {
    if (loaded.kind !== 'shown') return;
    setLoaded({ kind: 'shown', note: { ...loaded.note, ...patch } as Note });
    pending.current = { ...pending.current, ...patch };
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
  };

  if (loaded.kind === 'loading') return <p role="status">{t('app.loading')}</p>;
  if (loaded.kind === 'missing') return <p className="calm-empty">{nt('notFound')}</p>;
  if (loaded.kind === 'failed') return <p role="alert">{t('app.error')}</p>;
  const { note } = loaded;

  if (note.status === 'final' || !note.mine) {
    return (
      <div className="note-view">
        {justSaved && <p role="status" className="notice notice-ok">{nt(justSaved)}</p>}
        <NoteView note={note} />
        <NoteExport noteId={note.id} />
        {after}
      </div>
    );
  }

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!note.outcome) return;
    setFinalising('saving');
    await flush();
    if (Object.keys(pending.current).length > 0) {
      setFinalising('failed');
      return;
    }
    try {
      const final = await api('POST /api/notes/:noteId/finalise', { params: { noteId: note.id } });
      setJustSaved(final.appointmentUpdated ? 'savedAppointment' : 'saved');
      setLoaded({ kind: 'shown', note: final });
      setFinalising('idle');
      onFinalised?.(final);
    } catch {
      setFinalising('failed');
    }
  };
  const discard = async () => {
    clearTimeout(timer.current);
    pending.current = {};
    await api('DELETE /api/notes/:noteId', { params: { noteId: note.id } }).catch(() => undefined);
    navigate({ name: 'citizen-timeline', citizenId: note.citizenId }, { replace: true });
  };
  const text = (field: TextField) => note[field] ?? '';

  return (
    <form className="note-form" onSubmit={(e) => void save(e)}>
      <fieldset className="choices outcome-choices">
        <legend>{t('call.outcome.title')}</legend>
        {OUTCOMES.map((o) => (
          <label key={o.value} className="choice">
            <input type="radio" name="outcome" value={o.value} checked={note.outcome === o.value} onChange={() => change({ outcome: o.value })} />
            {t(o.label)}
          </label>
        ))}
      </fieldset>
      <div className="note-facts">
        <label>
          {nt('way')}
          <select value={note.way} onChange={(e) => change({ way: e.target.value as Note['way'] })}>
            {(['video', 'phone', 'home_visit', 'chat', 'citizen_initiated'] as const).map((w) => <option key={w} value={w}>{nt(`way.${w}`)}</option>)}
          </select>
        </label>
        <label>
          {nt('duration')}
          <input type="number" inputMode="numeric" min={0} max={600} value={note.durationMinutes ?? ''}
            onChange={(e) => change({ durationMinutes: e.target.value === '' ? null : Math.max(0, Math.min(600, Math.round(Number(e.target.value)))) })} />
        </label>
      </div>
      <fieldset className="choices goal-toggles">
        <legend>{nt('goals')}</legend>
        {note.goals.length === 0 && <p className="hint">{nt('noGoals')}</p>}
        {note.goals.map((goal) => (
          <label key={goal.id} className="choice">
            <input type="checkbox" checked={note.goalIds.includes(goal.id)}
              onChange={(e) => change({ goalIds: e.target.checked ? [...note.goalIds, goal.id] : note.goalIds.filter((id) => id !== goal.id) })} />
            {goal.title}
          </label>
        ))}
      </fieldset>
      <p className="hint">{nt('fieldsHint')}</p>
      <div className="note-fields">
        {STRUCTURED.map((field) => (
          <label key={field}>
            {nt(field)}
            <textarea rows={2} maxLength={2000} value={text(field)} onChange={(e) => change({ [field]: e.target.value })} />
          </label>
        ))}
      </div>
      <label>
        {nt('freeText')}
        <textarea rows={3} maxLength={2000} value={text('freeText')} onChange={(e) => change({ freeText: e.target.value })} />
      </label>
      <p className="draft-state" role="status">
        {draft === 'saving' ? nt('draftSaving') : draft === 'saved' ? nt('draftSaved') : ''}
      </p>
      {draft === 'failed' && <p role="alert" className="notice notice-error">{nt('draftFailed')}</p>}
      {!note.outcome && <p className="hint" id="note-needs-outcome">{nt('needOutcome')}</p>}
      {finalising === 'failed' && <p role="alert" className="notice notice-error">{nt('failed')}</p>}
      <button type="submit" className="primary" disabled={!note.outcome || finalising === 'saving'} aria-describedby={note.outcome ? undefined : 'note-needs-outcome'}>
        {finalising === 'saving' ? nt('saving') : nt('save')}
      </button>
      {!note.callId && (
        <ConfirmButton className="quiet" label={nt('discard')} question={nt('discardQuestion')} confirmLabel={nt('discardYes')} onConfirm={() => void discard()} />
      )}
    </form>
  );
}

/** A note read only: who wrote it when, the facts, the goals and the fields that were filled in. */
export function NoteView({ note }: { note: Note }) {
  const { t, locale } = useI18n();
  const nt = useNotesTexts();
  const outcome = OUTCOMES.find((o) => o.value === note.outcome);
  const goals = note.goals.filter((g) => note.goalIds.includes(g.id));
  return (
    <>
      <p className="note-meta">
        {note.status === 'final' && note.finalisedAt
          ? nt('finalInfo', { when: formatDateTime(note.finalisedAt, locale), name: note.authorName })
          : nt('draftBy', { name: note.authorName })}
      </p>
      <dl className="note-facts-view">
        <div>
          <dt>{nt('way')}</dt>
          <dd>{nt(`way.${note.way}`)}, {formatDateTime(note.occurredAt, locale)}{note.durationMinutes !== null ? `, ${nt('minutes', { n: String(note.durationMinutes) })}` : ''}</dd>
        </div>
        {outcome && <div><dt>{t('call.outcome.title')}</dt><dd>{t(outcome.label)}</dd></div>}
        {goals.length > 0 && <div><dt>{nt('goalsTitle')}</dt><dd>{goals.map((g) => g.title).join(', ')}</dd></div>}
        {([...STRUCTURED, 'freeText'] as const).filter((f) => note[f]).map((f) => (
          <div key={f} className="note-field">
            <dt>{nt(f)}</dt>
            <dd>{note[f]}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

/** For the municipality's case system: the PDF to attach, and the text to paste into the journal. */
function NoteExport({ noteId }: { noteId: string }) {
  const nt = useNotesTexts();
  const [copied, setCopied] = useState<'copied' | 'copyFailed' | null>(null);
  const copy = async () => {
    try {
      const response = await fetch(routeUrl('GET /api/notes/:noteId/export.txt', { noteId }), { credentials: 'same-origin' });
      if (!response.ok) throw new Error(String(response.status));
      await navigator.clipboard.writeText(await response.text());
      setCopied('copied');
    } catch {
      setCopied('copyFailed');
    }
  };
  return (
    <div className="note-export">
      <a className="button-link" href={routeUrl('GET /api/notes/:noteId/export.pdf', { noteId })} target="_blank" rel="noopener">{nt('exportPdf')}</a>
      <button type="button" onClick={() => void copy()}>{nt('copyText')}</button>
      {copied && <p role={copied === 'copied' ? 'status' : 'alert'} className={`notice ${copied === 'copied' ? 'notice-ok' : 'notice-error'}`}>{nt(copied)}</p>}
    </div>
  );
}
