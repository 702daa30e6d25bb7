import type { Me } from '../../../protocol/auth';
import { useOpenCalls } from '../call/useOpenCalls';
import { formatDayHeading, organisationToday } from '../i18n/locale';
import { useI18n } from '../i18n/i18n';
import { VolunteerSessions } from '../volunteer-times/VolunteerSessions';
import { OpenCalls } from '../pages/WorkerHome';
import { useVideoSessions } from '../pages/worker';

/**
 * A volunteer's home: a welcome, and the sessions they are in. A volunteer sees no caseload, calendar or notes
 * (DESIGN.md), only the sessions a worker brought them into.
 */
export function VolunteerHome({ me }: { me: Me }) {
  const { t, locale } = useI18n();
  const calls = useOpenCalls();
  const { enter } = useVideoSessions(() => undefined);
  return (
    <section className="card workspace-page" aria-labelledby="volunteer-title">
      <header className="page-head">
        <h1 id="volunteer-title">{t('home.hello', { name: me.user.displayName })}</h1>
        <p className="page-date">{formatDayHeading(organisationToday(), locale)}</p>
      </header>
      <p>{t('volunteer.welcome')}</p>
      {calls.length > 0 ? <OpenCalls calls={calls} onEnter={enter} /> : <p className="calm-empty">{t('volunteer.noCalls')}</p>}
      <VolunteerSessions />
    </section>
  );
}
