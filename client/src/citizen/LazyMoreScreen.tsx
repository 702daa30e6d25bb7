import { lazy, Suspense } from 'react';
import type { Me } from '../../../protocol/auth';
import { useI18n } from '../i18n/i18n';

// "Mere" is opened now and then, not on the first visit: its code is a chunk of its own (the first download has a
// budget, tests/budget.test.ts). The service worker precaches it with the rest of the app.
const MoreScreen = lazy(() => import('./MoreScreen').then((module) => ({ default: module.MoreScreen })));

export function LazyMoreScreen(props: { me: Me; onLogout(): Promise<void> }) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
      <MoreScreen {...props} />
    </Suspense>
  );
}
