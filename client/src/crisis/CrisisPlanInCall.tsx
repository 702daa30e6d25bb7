import { useEffect, useState } from 'react';
import type { MyCrisisPlan } from '../../../protocol/crisis';
import { api } from '../api';
import { useI18n } from '../i18n/i18n';
import { EMPTY_PLAN, PlanView } from './PlanParts';

/**
 * "Min kriseplan" inside a call (the call's "Mere" menu): the citizen's plan to read, in a sheet over the call, so
 * the call goes on. Reading only: a change is proposed from the plan's own screen.
 */
export function CrisisPlanInCall() {
  const { t } = useI18n();
  const [plan, setPlan] = useState<MyCrisisPlan | null | 'failed'>(null);
  useEffect(() => {
    let current = true;
    api('GET /api/my/crisis-plan').then((mine) => current && setPlan(mine), () => current && setPlan('failed'));
    return () => {
      current = false;
    };
  }, []);
  if (plan === null) return <p role="status">{t('app.loading')}</p>;
  if (plan === 'failed') return <p role="alert">{t('app.error')}</p>;
  return (
    <div className="crisis-in-call">
      {!plan.plan && <p>{t('crisis.empty', { name: t('citizen.yourWorker') })}</p>}
      <PlanView fields={plan.plan ?? EMPTY_PLAN} />
    </div>
  );
}

