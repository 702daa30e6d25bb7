import { Suspense, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

/** A lazily loaded screen's place while its chunk downloads: "Indlæser…", announced to screen readers. */
export function Loading({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return <Suspense fallback={<p role="status">{t('app.loading')}</p>}>{children}</Suspense>;
}
