import { useId, useState, type FormEvent } from 'react';
import type { FollowUp, FollowUpActionKind, FollowUpResult } from '../../../protocol/follow-up';
import { api } from '../api';
import { errorText } from '../errors';
import { useLive } from '../events/live';
import { ORGANISATION_ZONE } from '../i18n/locale';
import { useI18n } from '../i18n/i18n';
import { localWhen } from './Today';
import { useFollowUpTexts } from './texts';

type Texts = ReturnType<typeof useFollowUpTexts>;
type Said = { ok: string } | { failed: unknown } | null;

const ACTION_TEXT: Record<FollowUpActionKind, Parameters<Texts>[0]> = { call: 'actionCall', sms: 'actionSms', duty: 'actionDuty', visit: 'actionVisit' };
const RESULT_TEXT: Record<FollowUpResult, Parameters<Texts>[0]> = { reached: 'resultReached', not_reached: 'resultNotReached', other: 'resultOther' };

/**
 * /follow-ups: the worker's open follow-ups after a no-show, overdue first. For each: when the citizen was missed, the
 * plan (call, SMS, ask the duty team, go and see — each with a time, ticked off when done), and closing it with what
 * happened. Live over /events: a new no-show appears without a reload.
 */
export function FollowUpScreen() {
  const f = useFollowUpTexts();
  const { t } = useI18n();
  const [list, setList] = useState<FollowUp[] | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const load = () => api('GET /api/follow-ups', { query: {} }).then((items) => { setList(items); setFailed(null); }, (e: unknown) => setFailed(e));
  useLive(['followUpsChanged'], () => void load());
  const replace = (item: FollowUp) => setList((current) => (current ?? []).map((x) => (x.id === item.id ? item : x)));

  return (
    <section className="card workspace-page follow-up-screen" aria-labelledby="follow-up-title">
      <header className="page-head">
        <h1 id="follow-up-title">{f('screenTitle')}</h1>
        <p>{f('screenIntro')}</p>
      </header>
      {failed !== null && !list && <p role="alert" className="notice notice-error">{errorText(t, failed)}</p>}
      {!list && failed === null && <p role="status">{f('loading')}</p>}
      {list && list.length === 0 && <p className="calm-empty">{f('followUpsEmpty')}</p>}
      {list && list.length > 0 && (
        <ul className="follow-up-list">
          {list.map((item) => <FollowUpCard key={item.id} item={item} onChange={replace} />)}
        </ul>
      )}
    </section>
  );
}

function FollowUpCard({ item, onChange }: { item: FollowUp; onChange(item: FollowUp): void }) {
  const f = useFollowUpTexts();
  const { t, locale } = useI18n();
  const id = useId();
  const [said, setSaid] = useState<Said>(null);
  const [kind, setKind] = useState<FollowUpActionKind>('call');
  const [due, setDue] = useState(nextHour);
  const [result, setResult] = useState<FollowUpResult | null>(null);
  const [note, setNote] = useState('');
  const [closed, setClosed] = useState(false);
  const run = async (work: () => Promise<FollowUp>, ok: string) => {
    try {
      onChange(await work());
      setSaid({ ok });
    } catch (error) {
      setSaid({ failed: error });
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(() => api('POST /api/follow-ups/:followUpId/actions', { params: { followUpId: item.id }, body: { kind, due } }), f('added'));
  };
  const close = (e: FormEvent) => {
    e.preventDefault();
    if (!result) return;
    void run(async () => {
      const done = await api('POST /api/follow-ups/:followUpId/close', { params: { followUpId: item.id }, body: { result, ...(note.trim() ? { note: note.trim() } : {}) } });
      setClosed(true);
      return done;
    }, f('closed'));
  };

  return (
    <li className={item.overdue ? 'follow-up-card overdue' : 'follow-up-card'}>
      <h2 id={`${id}-name`}>{item.citizenName}</h2>
      <p className="follow-up-when">
        {f('missed', { when: localWhen(item.missedAt, locale) })}
        {item.modality && <> · {t(`modality.${item.modality}`)}</>}
      </p>
      <p className="follow-up-when">
        {f('due', { when: localWhen(item.due, locale) })}
        {item.overdue && <span className="badge badge-warn">{f('overdue')}</span>}
      </p>
      {item.status === 'closed' || closed ? (
        <p role="status" className="notice notice-ok">{f('closed')} {item.result && f(RESULT_TEXT[item.result])}</p>
      ) : (
        <>
          <h3>{f('actionsTitle')}</h3>
          {item.actions.length === 0 && <p className="calm-empty">{f('noActions')}</p>}
          {item.actions.length > 0 && (
            <ul className="list follow-up-actions">
              {item.actions.map((a) => (
                <li key={a.id} className={a.done ? 'done' : undefined}>
                  <span><strong>{f(ACTION_TEXT[a.kind])}</strong> · {localWhen(a.due, locale)}</span>
                  {a.done ? (
                    <span className="badge">{f('done')}</span>
                  ) : (
                    <button type="button" onClick={() => void run(() => api('POST /api/follow-ups/:followUpId/actions/:actionId/done', { params: { followUpId: item.id, actionId: a.id } }), f('done'))}>
                      {f('markDone')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          <form className="follow-up-add" onSubmit={add}>
            <label>
              {f('actionKind')}
              <select value={kind} onChange={(e) => setKind(e.target.value as FollowUpActionKind)}>
                {(Object.keys(ACTION_TEXT) as FollowUpActionKind[]).map((k) => <option key={k} value={k}>{f(ACTION_TEXT[k])}</option>)}
              </select>
            </label>
            <label>
              {f('actionDue')}
              <input type="datetime-local" value={due} required onChange={(e) => setDue(e.target.value.slice(0, 16))} />
            </label>
            <button type="submit">{f('addAction')}</button>
          </form>
          <form className="follow-up-close" onSubmit={close}>
            <fieldset>
              <legend>{f('resultLegend')}</legend>
              {(Object.keys(RESULT_TEXT) as FollowUpResult[]).map((r) => (
                <label key={r} className="choice">
                  <input type="radio" name={`${id}-result`} value={r} checked={result === r} onChange={() => setResult(r)} required />
                  {f(RESULT_TEXT[r])}
                </label>
              ))}
            </fieldset>
            <label>
              {f('note')}
              <textarea value={note} maxLength={500} rows={2} onChange={(e) => setNote(e.target.value)} />
            </label>
            <button type="submit" className="primary">{f('close')}</button>
          </form>
        </>
      )}
      {said && ('ok' in said
        ? (!closed && <p role="status" className="notice notice-ok">{said.ok}</p>)
        : <p role="alert" className="notice notice-error">{errorText(t, said.failed)}</p>)}
    </li>
  );
}

/** The next whole hour in the organisation's zone, as a datetime-local field wants it: a first action is due soon. */
function nextHour(): string {
  const parts = new Intl.DateTimeFormat('sv-SE', { timeZone: ORGANISATION_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
    .format(new Date(Date.now() + 3600_000));
  return `${parts.replace(' ', 'T').slice(0, 13)}:00`;
}
