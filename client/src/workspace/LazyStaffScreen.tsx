import { lazy, Suspense, type ComponentProps } from 'react';
import { Loading } from '../ui/Loading';

/**
 * The staff's screens are a chunk of their own: a citizen on a cheap phone with prepaid data never downloads the
 * agenda, the booking form or the coordinator's people admin (tests/budget.test.ts keeps their first page small).
 */
const StaffScreenChunk = lazy(() => import('./StaffScreen').then((m) => ({ default: m.StaffScreen })));
/** The staff's tabs come with the same chunk (a citizen never sees them), at the same moment as the screen under them. */
const StaffNavChunk = lazy(() => import('./StaffScreen').then((m) => ({ default: m.StaffNav })));

export function StaffNav(props: ComponentProps<typeof StaffNavChunk>) {
  return (
    <Suspense fallback={null}>
      <StaffNavChunk {...props} />
    </Suspense>
  );
}

export function StaffScreen(props: ComponentProps<typeof StaffScreenChunk>) {
  return <Loading><StaffScreenChunk {...props} /></Loading>;
}
