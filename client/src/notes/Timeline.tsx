import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { TIMELINE_KINDS, type Goal, type GoalStatus, type TimelineItem, type TimelineKind } from '../../../protocol/notes';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n/i18n';
import { formatDateTime } from '../i18n/locale';
import { goBack, navigate } from '../router';
import { useNotesTexts } from './staffTexts';

type Page = { kind: 'loading' } | { kind: 'shown'; name: string; items: TimelineItem[]; nextBefore: string | null } | { kind: 'missing' } | { kind: 'failed' };

/**
 * Forløb (/citizens/<id>): the citizen's goals on top (add, edit, mark achieved or paused), then what happened, newest
 * first — sessions from the call log, notes, no-shows, requests, changes of plan and the answers the citizen shared —
 * filtered by kind with chips, and older entries a page at a time. Every opening is an audited read.
 */
export function Timeline({ citizenId }: { citizenId: string }) {
  const { t } = useI18n();
  const nt = useNotesTexts();
  const [kind, setKind] = useState<TimelineKind | 'all'>('all');
  const [page, setPage] = useState<Page>({ kind: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async (before: string | null) => {
    const query = { ...(kind === 'all' ? {} : { kinds: kind }), ...(before ? { before } : {}) };
    return api('GET /api/citizens/:citizenId/timeline', { params: { citizenId }, query });
  }, [citizenId, kind]);

  useEffect(() => {
    let stopped = false;
    setPage({ kind: 'loading' });
    load(null).then(
      (timeline) => !stopped && setPage({ kind: 'shown', name: timeline.citizenName, items: timeline.items, nextBefore: timeline.nextBefore }),
      (error: unknown) => !stopped && setPage(error instanceof ApiError && error.status === 404 ? { kind: 'missing' } : { kind: 'failed' }),
    );
    return () => {
      stopped = true;
    };
  }, [load]);
  useEffect(() => heading.current?.focus(), []);

  const more = async () => {
    if (page.kind !== 'shown' || !page.nextBefore) return;
    setLoadingMore(true);
    try {
      const next = await load(page.nextBefore);
      setPage({ ...page, items: [...page.items, ...next.items], nextBefore: next.nextBefore });
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section className="card timeline-screen" aria-labelledby="timeline-title">
      <div className="more-head">
        <h1 id="timeline-title" ref={heading} tabIndex={-1}>{page.kind === 'shown' ? nt('timeline', { name: page.name }) : t('notes.timeline')}</h1>
        <button type="button" onClick={() => goBack({ name: 'people' })}>{nt('back')}</button>
      </div>
      {page.kind === 'missing' && <p className="calm-empty">{nt('notAllowed')}</p>}
      {page.kind === 'failed' && <p role="alert">{t('app.error')}</p>}
      {page.kind !== 'missing' && page.kind !== 'failed' && <Goals citizenId={citizenId} />}
      {page.kind !== 'missing' && page.kind !== 'failed' && (
        <section aria-labelledby="timeline-list-title" className="timeline">
          <h2 id="timeline-list-title" className="visually-hidden">{t('notes.timeline')}</h2>
          <div className="chips" role="group" aria-label={nt('filter')}>
            {(['all', ...TIMELINE_KINDS] as const).map((k) => (
              <button key={k} type="button" className="chip" aria-pressed={kind === k} onClick={() => setKind(k)}>{nt(`kind.${k}`)}</button>
            ))}
          </div>
          {page.kind === 'loading' && <p role="status">{t('app.loading')}</p>}
          {page.kind === 'shown' && page.items.length === 0 && <p className="calm-empty">{nt('empty')}</p>}
          {page.kind === 'shown' && (
            <ol className="list timeline-list">
              {page.items.map((item) => <Entry key={`${item.kind}:${item.id}`} item={item} />)}
            </ol>
          )}
          {page.kind === 'shown' && page.nextBefore && (
            <button type="button" onClick={() => void more()} disabled={loadingMore}>{nt('older')}</button>
          )}
        </section>
      )}
    </section>
  );
}

function Entry({ item }: { item: TimelineItem }) {
  const { t, locale } = useI18n();
  const nt = useNotesTexts();
  const when = <time dateTime={item.at}>{formatDateTime(item.at, locale)}</time>;
  const parts: string[] = [];
  let title: string;
  let action: ReactNode = null;
  switch (item.kind) {
    case 'session':
      title = `${nt('sessionTitle')} (${nt(`sessionKind.${item.sessionKind}`)})`;
      if (item.minutes !== null) parts.push(nt('minutes', { n: String(item.minutes) }));
      if (item.outcome) parts.push(t(`status.${item.outcome}`));
      if (item.reconnects > 0) parts.push(nt('reconnects', { n: String(item.reconnects) }));
      if (item.audioOnly) parts.push(nt('audioOnly'));
      if (item.rttMs !== null) parts.push(nt('quality', { rtt: String(item.rttMs), loss: String(item.lossPct ?? 0) }));
      break;
    case 'note':
      title = `${nt('noteItem')}: ${nt(`way.${item.way}`)}`;
      parts.push(item.authorName);
      if (item.status === 'draft') parts.push(nt('noteDraft'));
      if (item.outcome) parts.push(t(`status.${item.outcome}`));
      if (item.goalTitles.length > 0) parts.push(`${nt('goalsTitle')}: ${item.goalTitles.join(', ')}`);
      action = (
        <a href={`/notes/${item.id}`} onClick={(e) => { e.preventDefault(); navigate({ name: 'note', noteId: item.id }); }}>
          {item.summary ?? nt('kind.note')}
        </a>
      );
      break;
    case 'no_show':
      title = `${nt('noShowTitle')}: ${t(`modality.${item.modality}`)}`;
      break;
    case 'request':
      title = `${nt('requestTitle')}: ${t(`modality.${item.way}`)}`;
      parts.push(item.status === 'cancelled' ? nt('requestStatus.cancelled') : item.answeredAfterMinutes !== null ? nt('answeredAfter', { n: String(item.answeredAfterMinutes) }) : nt('unanswered'));
      break;
    case 'plan_change':
      title = nt(`change.${item.change}`, { modality: item.modality && isModality(item.modality) ? t(`modality.${item.modality}`) : '' });
      if (item.decision) parts.push(nt(`decision.${item.decision}`));
      break;
    case 'feedback':
      title = `${nt('feedbackTitle')}: ${nt(`mood.${item.mood}`)}`;
      if (item.comment) parts.push(`“${item.comment}”`);
      break;
  }
  return (
    <li className={`timeline-entry kind-${item.kind}`}>
      <p className="timeline-when">{when}</p>
      <p className="timeline-title"><strong>{title}</strong></p>
      {parts.length > 0 && <p className="timeline-detail">{parts.join(' · ')}</p>}
      {action && <p className="timeline-detail">{action}</p>}
    </li>
  );
}

const MODALITIES = ['video', 'phone', 'home_visit', 'chat'] as const;
const isModality = (value: string): value is (typeof MODALITIES)[number] => (MODALITIES as readonly string[]).includes(value);

/** The citizen's goals from the §141 action plan: a short title and description each, active, achieved or paused. */
function Goals({ citizenId }: { citizenId: string }) {
  const nt = useNotesTexts();
  const [goals, setGoals] = useState<Goal[] | null>(null);
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  useEffect(() => {
    api('GET /api/citizens/:citizenId/goals', { params: { citizenId } }).then(setGoals, () => setGoals([]));
  }, [citizenId]);
  const saved = (goal: Goal) => {
    setGoals((current) => (current?.some((g) => g.id === goal.id) ? current.map((g) => (g.id === goal.id ? goal : g)) : [...(current ?? []), goal]));
    setEditing(null);
  };
  return (
    <section aria-labelledby="goals-title" className="goals">
      <h2 id="goals-title">{nt('goalsTitle')}</h2>
      {goals?.length === 0 && editing !== 'new' && <p className="calm-empty">{nt('noGoalsYet')}</p>}
      <ul className="list goal-list">
        {goals?.map((goal) => (
          <li key={goal.id} className={`goal goal-${goal.status}`}>
            {editing === goal.id ? (
              <GoalForm citizenId={citizenId} goal={goal} onSaved={saved} onCancel={() => setEditing(null)} />
            ) : (
              <>
                <div>
                  <p className="goal-title"><strong>{goal.title}</strong> <span className="badge">{nt(`goal.${goal.status}`)}</span></p>
                  {goal.description && <p className="goal-description">{goal.description}</p>}
                </div>
                <button type="button" className="goal-edit" aria-label={nt('editGoal', { title: goal.title })} onClick={() => setEditing(goal.id)}>{nt('edit')}</button>
              </>
            )}
          </li>
        ))}
      </ul>
      {editing === 'new' ? (
        <GoalForm citizenId={citizenId} onSaved={saved} onCancel={() => setEditing(null)} />
      ) : (
        <button type="button" onClick={() => setEditing('new')}>{nt('addGoal')}</button>
      )}
    </section>
  );
}

function GoalForm({ citizenId, goal, onSaved, onCancel }: { citizenId: string; goal?: Goal; onSaved(goal: Goal): void; onCancel(): void }) {
  const nt = useNotesTexts();
  const [title, setTitle] = useState(goal?.title ?? '');
  const [description, setDescription] = useState(goal?.description ?? '');
  const [status, setStatus] = useState<GoalStatus>(goal?.status ?? 'active');
  const [state, setState] = useState<'editing' | 'saving' | 'failed'>('editing');
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    setState('saving');
    const text = description.trim() ? description : null;
    try {
      onSaved(goal
        ? await api('PATCH /api/citizens/:citizenId/goals/:goalId', { params: { citizenId, goalId: goal.id }, body: { title: title.trim(), description: text, status } })
        : await api('POST /api/citizens/:citizenId/goals', { params: { citizenId }, body: { title: title.trim(), description: text } }));
    } catch {
      setState('failed');
    }
  };
  return (
    <form className="goal-form" onSubmit={(e) => void save(e)}>
      <label>
        {nt('goalTitle')}
        <input ref={first} value={title} maxLength={120} required onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        {nt('goalDescription')}
        <textarea rows={2} maxLength={1000} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {goal && (
        <label>
          {nt('goalStatus')}
          <select value={status} onChange={(e) => setStatus(e.target.value as GoalStatus)}>
            {(['active', 'achieved', 'paused'] as const).map((s) => <option key={s} value={s}>{nt(`goal.${s}`)}</option>)}
          </select>
        </label>
      )}
      {state === 'failed' && <p role="alert" className="notice notice-error">{nt('goalFailed')}</p>}
      <div className="goal-actions">
        <button type="submit" className="primary" disabled={state === 'saving' || !title.trim()}>{nt('saveGoal')}</button>
        <button type="button" className="quiet" onClick={onCancel}>{nt('cancel')}</button>
      </div>
    </form>
  );
}
