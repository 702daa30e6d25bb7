import { useCallback, useEffect, useState } from 'react';
import type { CrisisPlanFields, CrisisPlanVersion, StaffCrisisPlan as Plan } from '../../../protocol/crisis';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n/i18n';
import { formatDateTime } from '../i18n/locale';
import { goBack } from '../router';
import { ConfirmButton } from '../ui/ConfirmButton';
import { Notice, type Outcome } from '../ui/Notice';
import type { TextKey } from '../i18n/da';
import { EMPTY_PLAN, PlanEditor, PlanView, ProposalChanges, SECTION_TITLE } from './PlanParts';

type Loaded = { kind: 'loading' } | { kind: 'shown'; plan: Plan } | { kind: 'hidden' } | { kind: 'failed' };
type Editing = { kind: 'plan' } | { kind: 'proposal'; id: string; fields: CrisisPlanFields } | null;

/**
 * A citizen's crisis plan for staff (/citizens/<id>/crisis-plan): the plan, the citizen's open proposal to accept (as
 * it is, or edited together with them) or decline, editing as a new version, and the versions — who changed which
 * sections when. Duty staff reading it by the citizen's consent see it read-only. Every opening is an audited read.
 */
export function StaffCrisisPlan({ citizenId }: { citizenId: string }) {
  const { t, locale } = useI18n();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [editing, setEditing] = useState<Editing>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [versions, setVersions] = useState<CrisisPlanVersion[] | null>(null);

  const load = useCallback(async () => {
    try {
      setLoaded({ kind: 'shown', plan: await api('GET /api/citizens/:citizenId/crisis-plan', { params: { citizenId } }) });
    } catch (error) {
      setLoaded(error instanceof ApiError && error.status === 404 ? { kind: 'hidden' } : { kind: 'failed' });
    }
  }, [citizenId]);
  useEffect(() => void load(), [load]);

  const back = <button type="button" onClick={() => goBack({ name: 'people' })}>{t('crisisStaff.back')}</button>;
  if (loaded.kind !== 'shown') {
    return (
      <section className="card crisis-staff" aria-labelledby="crisis-staff-title">
        <div className="more-head">
          <h1 id="crisis-staff-title">{t('crisisStaff.heading')}</h1>
          {back}
        </div>
        {loaded.kind === 'loading' && <p role="status">{t('app.loading')}</p>}
        {loaded.kind === 'hidden' && <p className="calm-empty">{t('crisisStaff.notShared')}</p>}
        {loaded.kind === 'failed' && <p role="alert">{t('app.error')}</p>}
      </section>
    );
  }
  const { plan } = loaded;
  const own = plan.access === 'own_worker';

  const run = async (work: () => Promise<Plan>, done: TextKey, values?: (next: Plan) => Record<string, string>) => {
    setBusy(true);
    try {
      const next = await work();
      setLoaded({ kind: 'shown', plan: next });
      setEditing(null);
      setVersions(null);
      setOutcome(values ? { done, values: values(next) } : { done });
    } catch (failed) {
      setOutcome({ failed });
    }
    setBusy(false);
  };
  const save = (fields: CrisisPlanFields) =>
    run(() => api('PUT /api/citizens/:citizenId/crisis-plan', { params: { citizenId }, body: { baseVersion: plan.version, plan: fields } }), 'crisisStaff.saved', (p) => ({ version: String(p.version) }));
  const decide = (proposalId: string, accept: boolean, fields?: CrisisPlanFields) =>
    run(
      () => api('POST /api/citizens/:citizenId/crisis-plan/proposals/:proposalId/decide', { params: { citizenId, proposalId }, body: fields ? { accept, plan: fields } : { accept } }),
      accept ? 'crisisStaff.accepted' : 'crisisStaff.declined',
      accept ? (p) => ({ version: String(p.version) }) : undefined,
    );
  const showVersions = async () => setVersions(await api('GET /api/citizens/:citizenId/crisis-plan/versions', { params: { citizenId } }).catch(() => []));

  return (
    <section className="card crisis-staff" aria-labelledby="crisis-staff-title">
      <div className="more-head">
        <h1 id="crisis-staff-title">{t('crisisStaff.title', { name: plan.citizenName })}</h1>
        {back}
      </div>
      <p className="crisis-meta">
        {plan.consent === 'duty_too' ? t('crisisStaff.consentDuty') : t('crisisStaff.consentOwn')}
        {plan.changedAt && ` ${t('crisisStaff.lastChanged', { when: formatDateTime(plan.changedAt, locale), name: plan.changedByName ?? '' })}`}
      </p>
      {!own && <p className="crisis-pending">{t('crisisStaff.readOnly')}</p>}
      {own && plan.reviewDue && plan.ageDays !== null && <p className="crisis-pending">{t('crisisStaff.reviewDue', { days: String(plan.ageDays) })}</p>}

      {own && plan.openProposal && editing === null && (
        <div className="crisis-proposal">
          <h2>{t('crisisStaff.proposal', { when: formatDateTime(plan.openProposal.proposedAt, locale) })}</h2>
          <ProposalChanges proposed={plan.openProposal.fields} current={plan.plan} />
          <div className="crisis-editor-actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void decide(plan.openProposal!.id, true)}>{t('crisisStaff.accept')}</button>
            <button type="button" disabled={busy} onClick={() => setEditing({ kind: 'proposal', id: plan.openProposal!.id, fields: plan.openProposal!.fields })}>
              {t('crisisStaff.acceptEdited')}
            </button>
            <ConfirmButton className="quiet-danger" label={t('crisisStaff.decline')} question={t('crisisStaff.declineQuestion')} confirmLabel={t('crisisStaff.declineYes')} onConfirm={() => void decide(plan.openProposal!.id, false)} />
          </div>
        </div>
      )}

      {editing === null && (
        <>
          {plan.plan ? <PlanView fields={plan.plan} showEmpty /> : <p className="calm-empty">{t('crisisStaff.empty')}</p>}
          <Notice outcome={outcome} />
          {own && <button type="button" className="primary" onClick={() => { setOutcome(null); setEditing({ kind: 'plan' }); }}>{t('crisisStaff.edit')}</button>}
          {plan.version > 0 && (
            <div className="crisis-versions">
              {versions === null ? (
                <button type="button" onClick={() => void showVersions()}>{t('crisisStaff.showVersions')}</button>
              ) : (
                <>
                  <h2>{t('crisisStaff.versions')}</h2>
                  <ol className="list crisis-version-list">
                    {versions.map((v) => (
                      <li key={v.version}>
                        <strong>{t('crisisStaff.version', { version: String(v.version), when: formatDateTime(v.changedAt, locale), name: v.changedByName })}</strong>
                        <span>
                          {t('crisisStaff.changedSections', { sections: v.changed.map((s) => t(SECTION_TITLE[s])).join(', ') })}
                          {v.fromProposal && ` ${t('crisisStaff.fromProposal')}`}
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
          <PlanEditor initial={plan.plan ?? EMPTY_PLAN} submitLabel={t('crisisStaff.save')} busy={busy} onSubmit={(fields) => void save(fields)} onCancel={() => setEditing(null)} />
          <Notice outcome={outcome} describe={(tr, error) => (error instanceof ApiError && error.code === 'conflict' ? tr('crisisStaff.conflict') : null)} />
        </>
      )}
      {editing?.kind === 'proposal' && (
        <>
          <PlanEditor initial={editing.fields} submitLabel={t('crisisStaff.accept')} busy={busy} onSubmit={(fields) => void decide(editing.id, true, fields)} onCancel={() => setEditing(null)} />
          <Notice outcome={outcome} />
        </>
      )}
    </section>
  );
}
