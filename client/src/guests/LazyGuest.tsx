import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n';

/** The guest's page is a chunk of its own: nobody else downloads it. */
const Landing = lazy(() => import('./GuestLanding').then((m) => ({ default: m.GuestLanding })));

export function LazyGuestLanding() {
  const { t } = useI18n();
  return (
    <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
      <Landing />
    </Suspense>
  );
}
