import type { Me } from '../../../protocol/auth';
import { MyAppointments } from '../booking/MyAppointments';
import { useI18n } from '../i18n/i18n';

/** /appointments: the citizen's "Mine aftaler" on their own (the home shows them too; reminder settings are on "Mere"). */
export function AppointmentsPage({ me }: { me: Me }) {
  const { t } = useI18n();
  return (
    <section className="card citizen-home">
      <h1>{t('citizen.hello', { name: me.user.displayName })}</h1>
      <MyAppointments featureNext />
    </section>
  );
}
