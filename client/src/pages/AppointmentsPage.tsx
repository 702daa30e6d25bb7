import type { Me } from '../../../protocol/auth';
import { MyAppointments } from '../booking/MyAppointments';
import { Greeting } from './Greeting';

/** /appointments: the citizen's "Mine aftaler" and reminder settings on their own (the home shows them too). */
export function AppointmentsPage({ me }: { me: Me }) {
  return (
    <section className="card">
      <Greeting me={me} />
      <MyAppointments />
    </section>
  );
}
