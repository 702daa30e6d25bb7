import { lazy, Suspense, type ComponentProps } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * Tal is a chunk of its own, with chart.js inside it: no other screen (and no citizen's phone) downloads the charting
 * library (tests/budget.test.ts).
 */
const StatisticsChunk = lazy(() => import('./StatisticsScreen').then((m) => ({ default: m.StatisticsScreen })));

export function LazyStatistics(props: ComponentProps<typeof StatisticsChunk>) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
      <StatisticsChunk {...props} />
    </Suspense>
  );
}
