import type { Me } from '../../../protocol/auth';
import { Caseload } from '../workspace/Caseload';
import { CoordinatorHome } from './CoordinatorHome';

/** /people: a worker's citizens (Borgere), or for a coordinator everybody in the organisation (Personer). */
export function PeoplePage({ me }: { me: Me }) {
  return me.user.role === 'coordinator' ? <CoordinatorHome me={me} /> : <Caseload me={me} />;
}
