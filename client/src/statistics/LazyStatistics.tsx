import { lazy, type ComponentProps } from 'react';
import { Loading } from '../ui/Loading';

/**
 * Tal is a chunk of its own, with chart.js inside it: no other screen (and no citizen's phone) downloads the charting
 * library (tests/budget.test.ts).
 */
const StatisticsChunk = lazy(() => import('./StatisticsScreen').then((m) => ({ default: m.StatisticsScreen })));

export function LazyStatistics(props: ComponentProps<typeof StatisticsChunk>) {
  return <Loading><StatisticsChunk {...props} /></Loading>;
}
