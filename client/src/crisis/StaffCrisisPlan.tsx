import { useCallback, useEffect, useState } from 'react';
import type { CrisisPlanFields, CrisisPlanVersion, CrisisSection, StaffCrisisPlan as Plan } from '../../../protocol/crisis';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n/i18n';
import { formatDateTime } from '../i18n/locale';
import { goBack } from '../router';
import { ConfirmButton } from '../ui/ConfirmButton';
import { Notice } from '../ui/Notice';
import { CRISIS_SECTION_ORDER, EMPTY_PLAN, PlanEditor, PlanView, SECTION_TITLE } from './PlanParts';
import { useStaffTexts } from './staffTexts';

type Loaded = { kind: 'loading' } | { kind: 'shown'; plan: Plan } | { kind: 'hidden' } | { kind: 'failed' };
type Editing = { kind: 'plan' } | { kind: 'proposal'; id: string; fields: CrisisPlanFields } | null;
/** How the last press went: its text (made when it succeeded) or the failure, shown beside the controls. */
type Result = { ok: string } | { failed: unknown };

/**
 * A citizen's crisis plan for staff (/citizens/<id>/crisis-plan): the plan, the citizen's open proposal to accept (as
 * it is, or edited together with them) or decline, editing as a new version, and the versions — who changed which
 * sections when. Duty staff reading it by the citizen's consent see it read-only. Every opening is an audited read.
 */
export function StaffCrisisPlan({ citizenId }: { citizenId: string }) {
  const { t, locale } = useI18n();
  const st = useStaffTexts();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [editing, setEditing] = useState<Editing>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [versions, setVersions] = useState<CrisisPlanVersion[] | null>(null);

  const load = useCallback(async () => {
    try {
      setLoaded({ kind: 'shown', plan: await api('GET /api/citizens/:citizenId/crisis-plan', { params: { citizenId } }) });
    } catch (error) {
      setLoaded(error instanceof ApiError && error.status === 404 ? { kind: 'hidden' } : { kind: 'failed' });
    }
  }, [citizenId]);
  useEffect(() => void load(), [load]);

  const back = <button type="button" onClick={() => goBack({ name: 'people' })}>{t('crisis.back')}</button>;
  if (loaded.kind !== 'shown') {
    return (
      <section className="card crisis-staff" aria-labelledby="crisis-staff-title">
        <div className="more-head">
          <h1 id="crisis-staff-title">{t('crisisStaff.action')}</h1>
          {back}
        </div>
        {loaded.kind === 'loading' && <p role="status">{t('app.loading')}</p>}
        {loaded.kind === 'hidden' && <p className="calm-empty">{st('notShared')}</p>}
        {loaded.kind === 'failed' && <p role="alert">{t('app.error')}</p>}
      </section>
    );
  }
  const { plan } = loaded;
  const own = plan.access === 'own_worker';

  const run = async (work: () => Promise<Plan>, done: (next: Plan) => string) => {
    setBusy(true);
    try {
      const next = await work();
      setLoaded({ kind: 'shown', plan: next });
      setEditing(null);
      setVersions(null);
      setResult({ ok: done(next) });
    } catch (failed) {
      setResult({ failed });
    }
    setBusy(false);
  };
  const save = (fields: CrisisPlanFields) =>
    run(() => api('PUT /api/citizens/:citizenId/crisis-plan', { params: { citizenId }, body: { baseVersion: plan.version, plan: fields } }), (p) => st('saved', { version: String(p.version) }));
  const decide = (proposalId: string, accept: boolean, fields?: CrisisPlanFields) =>
    run(
      () => api('POST /api/citizens/:citizenId/crisis-plan/proposals/:proposalId/decide', { params: { citizenId, proposalId }, body: fields ? { accept, plan: fields } : { accept } }),
      (p) => (accept ? st('accepted', { version: String(p.version) }) : st('declined')),
    );
  const showVersions = async () => setVersions(await api('GET /api/citizens/:citizenId/crisis-plan/versions', { params: { citizenId } }).catch(() => []));
  const outcome = result && ('ok' in result ? <p role="status" className="notice notice-ok">{result.ok}</p> : (
    <Notice outcome={result} describe={(_, error) => (error instanceof ApiError && error.code === 'conflict' ? st('conflict') : null)} />
  ));

  return (
    <section className="card crisis-staff" aria-labelledby="crisis-staff-title">
      <div className="more-head">
        <h1 id="crisis-staff-title">{st('title', { name: plan.citizenName })}</h1>
        {back}
      </div>
      <p className="crisis-meta">
        {plan.consent === 'duty_too' ? st('consentDuty') : st('consentOwn')}
        {plan.changedAt && ` ${t('crisis.changed', { when: formatDateTime(plan.changedAt, locale), name: plan.changedByName ?? '' })}`}
      </p>
      {!own && <p className="crisis-pending">{st('readOnly')}</p>}
      {own && plan.reviewDue && plan.ageDays !== null && <p className="crisis-pending">{st('reviewDue', { days: String(plan.ageDays) })}</p>}

      {own && plan.openProposal && editing === null && (
        <div className="crisis-proposal">
          <h2>{st('proposal', { when: formatDateTime(plan.openProposal.proposedAt, locale) })}</h2>
          <ProposalChanges proposed={plan.openProposal.fields} current={plan.plan} />
          <div className="crisis-editor-actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void decide(plan.openProposal!.id, true)}>{st('accept')}</button>
            <button type="button" disabled={busy} onClick={() => setEditing({ kind: 'proposal', id: plan.openProposal!.id, fields: plan.openProposal!.fields })}>
              {st('acceptEdited')}
            </button>
            <ConfirmButton className="quiet-danger" label={st('decline')} question={st('declineQuestion')} confirmLabel={st('declineYes')} onConfirm={() => void decide(plan.openProposal!.id, false)} />
          </div>
        </div>
      )}

      {editing === null && (
        <>
          {plan.plan ? <PlanView fields={plan.plan} showEmpty /> : <p className="calm-empty">{st('empty')}</p>}
          {outcome}
          {own && <button type="button" className="primary" onClick={() => { setResult(null); setEditing({ kind: 'plan' }); }}>{st('edit')}</button>}
          {plan.version > 0 && (
            <div className="crisis-versions">
              {versions === null ? (
                <button type="button" onClick={() => void showVersions()}>{st('showVersions')}</button>
              ) : (
                <>
                  <h2>{st('versions')}</h2>
                  <ol className="list crisis-version-list">
                    {versions.map((v) => (
                      <li key={v.version}>
                        <strong>{st('version', { version: String(v.version), when: formatDateTime(v.changedAt, locale), name: v.changedByName })}</strong>
                        <span>
                          {st('changedSections', { sections: v.changed.map((s) => t(SECTION_TITLE[s])).join(', ') })}
                          {v.fromProposal && ` ${st('fromProposal')}`}
                        </span>
                      </li>
                    ))}
                  </ol>
                </>
              )}
            </div>
          )}
        </>
      )}

      {editing?.kind === 'plan' && (
        <>
          <PlanEditor initial={plan.plan ?? EMPTY_PLAN} submitLabel={st('save')} busy={busy} onSubmit={(fields) => void save(fields)} onCancel={() => setEditing(null)} />
          {outcome}
        </>
      )}
      {editing?.kind === 'proposal' && (
        <>
          <PlanEditor initial={editing.fields} submitLabel={st('accept')} busy={busy} onSubmit={(fields) => void decide(editing.id, true, fields)} onCancel={() => setEditing(null)} />
          {outcome}
        </>
      )}
    </section>
  );
}

/**
 * What a proposal would change: only the sections that differ from the plan now, each as proposed with the present
 * wording under it, so the worker and the citizen talk about the change rather than reading the plan twice.
 */
function ProposalChanges({ proposed, current }: { proposed: CrisisPlanFields; current: CrisisPlanFields | null }) {
  const { t } = useI18n();
  const st = useStaffTexts();
  const before = current ?? EMPTY_PLAN;
  const asText = (fields: CrisisPlanFields, section: CrisisSection) =>
    section === 'contacts' ? fields.contacts.map((c) => `${c.name}: ${c.phone}`).join('\n') : fields[section];
  const changed = CRISIS_SECTION_ORDER.filter((section) => asText(proposed, section) !== asText(before, section));
  if (changed.length === 0) return <p>{st('noChanges')}</p>;
  return (
    <dl className="crisis-changes">
      {changed.map((section) => (
        <div key={section}>
          <dt>{t(SECTION_TITLE[section])}</dt>
          <dd className="crisis-text">{asText(proposed, section) || t('crisis.notWritten')}</dd>
          <dd className="crisis-now">
            {st('now')} {asText(before, section) || t('crisis.notWritten')}
          </dd>
        </div>
      ))}
    </dl>
  );
}
