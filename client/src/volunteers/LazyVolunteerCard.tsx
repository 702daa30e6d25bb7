import { lazy, Suspense } from 'react';

/** The citizen's volunteer card is a chunk of its own: the home's first download has no room for it. */
const Card = lazy(() => import('./VolunteerCard').then((m) => ({ default: m.VolunteerCard })));

export function LazyVolunteerCard() {
  return (
    <Suspense fallback={null}>
      <Card />
    </Suspense>
  );
}
