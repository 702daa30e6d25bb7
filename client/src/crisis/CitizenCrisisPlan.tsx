import { useCallback, useEffect, useState } from 'react';
import type { CrisisConsent, CrisisPlanFields, MyCrisisPlan } from '../../../protocol/crisis';
import { api, ApiError } from '../api';
import { useWorkerName } from '../booking/MyAppointments';
import { useOnline } from '../citizen/online';
import { firstName } from '../citizen/when';
import { useI18n } from '../i18n/i18n';
import { formatDateTime } from '../i18n/locale';
import { goBack, home } from '../router';
import { attempt, Notice, type Outcome } from '../ui/Notice';
import { EMPTY_PLAN, PlanEditor, PlanView } from './PlanParts';

type Loaded = { kind: 'loading' } | { kind: 'shown'; plan: MyCrisisPlan } | { kind: 'offline-nothing' } | { kind: 'failed' };

/**
 * "Min kriseplan" (/crisis-plan): the citizen's own plan, calm and readable, with the people to call as big numbers
 * to tap. It opens offline too, as last fetched (the service worker keeps it). Below the plan, and only with a
 * network: "Foreslå en ændring" (the worker decides together with them) and who may read it.
 */
export function CitizenCrisisPlan({ offline = false }: { offline?: boolean }) {
  const { t, locale } = useI18n();
  const online = useOnline();
  const isOffline = offline || !online;
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const plan = loaded.kind === 'shown' ? loaded.plan : null;
  // Their worker by first name: the one of their appointments, else the one who last saved the plan.
  const appointmentsWorker = useWorkerName();
  const worker = appointmentsWorker ?? (plan?.changedByName ? firstName(plan.changedByName) : t('citizen.yourWorker'));
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [proposed, setProposed] = useState<Outcome | null>(null);

  const load = useCallback(async () => {
    try {
      setLoaded({ kind: 'shown', plan: await api('GET /api/my/crisis-plan') });
    } catch (error) {
      setLoaded(error instanceof ApiError && error.code === 'network' ? { kind: 'offline-nothing' } : { kind: 'failed' });
    }
  }, []);
  useEffect(() => void load(), [load]);

  const propose = async (fields: CrisisPlanFields) => {
    setBusy(true);
    const outcome = await attempt(async () => {
      const plan = await api('POST /api/my/crisis-plan/proposals', { body: fields });
      setLoaded({ kind: 'shown', plan });
      setEditing(false);
    }, 'crisis.sent', { name: worker });
    setProposed(outcome);
    setBusy(false);
  };

  return (
    <section className="card narrow crisis-screen" aria-labelledby="crisis-title">
      <div className="more-head">
        <h1 id="crisis-title">{t('crisis.title')}</h1>
        <button type="button" onClick={() => goBack(home)}>{t('crisis.back')}</button>
      </div>
      {isOffline && <p role="status" className="offline-note">{plan ? t('crisis.offline') : t('crisis.offlineNothing')}</p>}
      {loaded.kind === 'loading' && <p role="status">{t('app.loading')}</p>}
      {loaded.kind === 'failed' && <p role="alert">{t('app.error')}</p>}
      {plan && !editing && (
        <>
          {plan.plan ? (
            <>
              <PlanView fields={plan.plan} />
              {plan.changedAt && <p className="hint">{t('crisis.changed', { when: formatDateTime(plan.changedAt, locale), name: plan.changedByName ? firstName(plan.changedByName) : worker })}</p>}
            </>
          ) : (
            <>
              <p className="crisis-intro">{t('crisis.empty', { name: worker })}</p>
              <PlanView fields={EMPTY_PLAN} />
            </>
          )}
          {plan.openProposal && <p className="crisis-pending">{t('crisis.pending', { name: worker })}</p>}
          <Notice outcome={proposed} />
          {!isOffline && (
            <>
              <button type="button" className="crisis-propose" onClick={() => { setProposed(null); setEditing(true); }}>
                {t('crisis.propose')}
              </button>
              <ConsentChoice consent={plan.consent} worker={worker} onChanged={(next) => setLoaded({ kind: 'shown', plan: next })} />
            </>
          )}
        </>
      )}
      {plan && editing && (
        <>
          <p className="crisis-intro">{t('crisis.proposeIntro', { name: worker })}</p>
          <PlanEditor
            initial={plan.openProposal?.fields ?? plan.plan ?? EMPTY_PLAN}
            submitLabel={t('crisis.send')}
            busy={busy}
            onSubmit={(fields) => void propose(fields)}
            onCancel={() => setEditing(false)}
          />
          <Notice outcome={proposed} />
        </>
      )}
    </section>
  );
}

/** Who may read the plan, in the citizen's words; saved at once, and can be changed back any time. */
function ConsentChoice({ consent, worker, onChanged }: { consent: CrisisConsent; worker: string; onChanged(plan: MyCrisisPlan): void }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = async (next: CrisisConsent) => {
    setBusy(true);
    setOutcome(await attempt(async () => onChanged(await api('PUT /api/my/crisis-plan/consent', { body: { consent: next } })), 'crisis.saved'));
    setBusy(false);
  };
  return (
    <fieldset className="crisis-consent" disabled={busy}>
      <legend>{t('crisis.shareTitle')}</legend>
      {(['own_worker', 'duty_too'] as const).map((option) => (
        <label key={option} className="crisis-choice">
          <input type="radio" name="crisis-consent" value={option} checked={consent === option} onChange={() => void choose(option)} />
          <span>{option === 'own_worker' ? t('crisis.shareOwn', { name: worker }) : t('crisis.shareDuty')}</span>
        </label>
      ))}
      <p className="hint">{t('crisis.shareHint')}</p>
      <Notice outcome={outcome} />
    </fieldset>
  );
}
