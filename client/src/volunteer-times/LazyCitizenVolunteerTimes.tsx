import { lazy, Suspense } from 'react';

/** The citizen's times with a volunteer are a chunk of their own: the home's first download has no room for them. */
const Times = lazy(() => import('./CitizenVolunteerTimes').then((m) => ({ default: m.CitizenVolunteerTimes })));

export function LazyCitizenVolunteerTimes() {
  return (
    <Suspense fallback={null}>
      <Times />
    </Suspense>
  );
}
