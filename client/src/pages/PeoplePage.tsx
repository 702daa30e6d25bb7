import type { Me } from '../../../protocol/auth';
import { CoordinatorHome } from './CoordinatorHome';
import { Greeting } from './Greeting';

/** /people: the coordinator's people, caseloads and teams on their own (the home shows them below the open sessions). */
export function PeoplePage({ me }: { me: Me }) {
  return (
    <section className="card">
      <Greeting me={me} />
      <CoordinatorHome me={me} />
    </section>
  );
}
