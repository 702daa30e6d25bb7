import { useState } from 'react';
import type { Me } from '../../../protocol/auth';
import { Agenda } from '../booking/Agenda';
import { errorText } from '../errors';
import { useI18n } from '../i18n/i18n';
import { Greeting } from './Greeting';
import { useCaseload, useVideoSessions, type Failure } from './worker';

/** /agenda: the worker's agenda on its own (the home shows it below the caseload). */
export function AgendaPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const { caseload, error: caseloadError } = useCaseload(me);
  const [startError, setStartError] = useState<Failure | null>(null);
  const { start } = useVideoSessions(setStartError);
  const error = startError ?? caseloadError;
  return (
    <section className="card">
      <Greeting me={me} />
      {error && <p role="alert" className="error">{errorText(t, error.cause)}</p>}
      {caseload === null && !error && <p role="status">{t('app.loading')}</p>}
      {caseload && <Agenda workerId={me.user.id} caseload={caseload} onStartVideo={(citizenId, appointmentId) => void start(citizenId, appointmentId)} />}
    </section>
  );
}
