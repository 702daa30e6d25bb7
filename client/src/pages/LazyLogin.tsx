import { lazy, Suspense, type ComponentProps } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * The password sign-in is the staff's way in; citizens sign in by link. A chunk of its own, so that a citizen's first
 * visit on a prepaid phone does not carry it (tests/budget.test.ts).
 */
const LoginChunk = lazy(() => import('./Login').then((m) => ({ default: m.Login })));

export function Login(props: ComponentProps<typeof LoginChunk>) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
      <LoginChunk {...props} />
    </Suspense>
  );
}
