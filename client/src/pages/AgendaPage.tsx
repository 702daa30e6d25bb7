import type { Me } from '../../../protocol/auth';
import { Agenda } from '../booking/Agenda';
import { useI18n } from '../i18n/i18n';
import { Notice } from '../ui/Notice';
import { useCaseload, useVideoSessions } from './worker';

/** /agenda, Kalender: the worker's day or week and booking. */
export function AgendaPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const { caseload, error } = useCaseload(me);
  const { start } = useVideoSessions();
  return (
    <section className="card workspace-page">
      {error && <Notice outcome={{ failed: error.cause }} />}
      {caseload === null && !error && <p role="status">{t('app.loading')}</p>}
      {caseload && (
        <Agenda workerId={me.user.id} caseload={caseload} onStartVideo={(citizenId, appointmentId) => start(citizenId, appointmentId)} />
      )}
    </section>
  );
}
