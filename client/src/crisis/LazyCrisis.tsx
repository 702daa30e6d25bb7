import { lazy, Suspense, type ComponentProps } from 'react';
import { useI18n } from '../i18n/i18n';

// The crisis plan is opened now and then, not on the first visit: its screens are a chunk of their own (the first
// download has a budget, tests/budget.test.ts). The service worker precaches the chunk with the rest of the app, so
// the plan also opens offline.
const CitizenCrisisPlan = lazy(() => import('./CitizenCrisisPlan').then((module) => ({ default: module.CitizenCrisisPlan })));
const CrisisPlanInCall = lazy(() => import('./CrisisPlanInCall').then((module) => ({ default: module.CrisisPlanInCall })));
const StaffCrisisPlan = lazy(() => import('./StaffCrisisPlan').then((module) => ({ default: module.StaffCrisisPlan })));

function Loading() {
  const { t } = useI18n();
  return <p role="status">{t('app.loading')}</p>;
}

/** "Min kriseplan", the citizen's own (/crisis-plan). */
export function LazyCitizenCrisisPlan(props: ComponentProps<typeof CitizenCrisisPlan>) {
  return (
    <Suspense fallback={<Loading />}>
      <CitizenCrisisPlan {...props} />
    </Suspense>
  );
}

/** A citizen's plan as staff see it (/citizens/<id>/crisis-plan). */
export function LazyStaffCrisisPlan(props: ComponentProps<typeof StaffCrisisPlan>) {
  return (
    <Suspense fallback={<Loading />}>
      <StaffCrisisPlan {...props} />
    </Suspense>
  );
}

/** The citizen's plan in a sheet over a call (the call's "Mere" menu). */
export function LazyCrisisPlanInCall() {
  return (
    <Suspense fallback={<Loading />}>
      <CrisisPlanInCall />
    </Suspense>
  );
}
