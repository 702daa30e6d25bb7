import { lazy, type ComponentProps } from 'react';
import { Loading } from '../ui/Loading';

/**
 * The password sign-in is the staff's way in; citizens sign in by link. A chunk of its own, so that a citizen's first
 * visit on a prepaid phone does not carry it (tests/budget.test.ts).
 */
const LoginChunk = lazy(() => import('./Login').then((m) => ({ default: m.Login })));

export function Login(props: ComponentProps<typeof LoginChunk>) {
  return <Loading><LoginChunk {...props} /></Loading>;
}
