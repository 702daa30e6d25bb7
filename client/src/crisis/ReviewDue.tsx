import { useEffect, useState } from 'react';
import type { CrisisPlanReview } from '../../../protocol/crisis';
import { api } from '../api';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { useStaffTexts } from './staffTexts';

/**
 * On the worker's I dag, below the day: crisis plans of their citizens untouched for 90 days or more ("Kriseplanen
 * for Karen er 92 dage gammel"), each one press from the plan, to go through with the citizen. Nothing when none is due.
 */
export function CrisisPlanReviews() {
  const { t } = useI18n();
  const st = useStaffTexts();
  const [due, setDue] = useState<CrisisPlanReview[]>([]);
  useEffect(() => {
    let current = true;
    api('GET /api/crisis-plans/review-due').then((plans) => current && setDue(plans), () => undefined);
    return () => {
      current = false;
    };
  }, []);
  if (due.length === 0) return null;
  return (
    <section aria-labelledby="crisis-review-title" className="crisis-review">
      <h2 id="crisis-review-title">{st('reviewTitle')}</h2>
      <ul className="list">
        {due.map((plan) => (
          <li key={plan.citizenId}>
            <span>{st('reviewLine', { name: plan.citizenName, days: String(plan.ageDays) })}</span>
            <button type="button" onClick={() => navigate({ name: 'citizen-crisis-plan', citizenId: plan.citizenId })}>{t('crisisStaff.action')}</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
