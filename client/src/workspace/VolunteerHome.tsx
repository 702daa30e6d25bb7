import { useEffect, useState } from 'react';
import type { Me } from '../../../protocol/auth';
import type { MyVolunteering } from '../../../protocol/volunteers';
import { api } from '../api';
import { useOpenCalls } from '../call/useOpenCalls';
import { formatDayHeading, formatLongDay, organisationToday } from '../i18n/locale';
import { useI18n } from '../i18n/i18n';
import { VolunteerSessions } from '../volunteer-times/VolunteerSessions';
import { OpenCalls } from '../pages/WorkerHome';
import { useVideoSessions } from '../pages/worker';
import { ConfirmButton } from '../ui/ConfirmButton';
import { Notice, type Outcome } from '../ui/Notice';
import { useVolunteerTexts } from '../volunteers/staffTexts';

/**
 * A volunteer's home: the sessions they are in, the citizens they are matched with (the display name only: the
 * database shows a volunteer nothing else, migration 019), their contact person, and their task — what they may and
 * may not do. A volunteer sees no caseload, calendar or notes (DESIGN.md).
 */
export function VolunteerHome({ me }: { me: Me }) {
  const { t, locale } = useI18n();
  const v = useVolunteerTexts();
  const calls = useOpenCalls();
  const { enter } = useVideoSessions(() => undefined);
  const [mine, setMine] = useState<MyVolunteering | null>(null);
  const [failure, setFailure] = useState<Outcome | null>(null);
  useEffect(() => {
    api('GET /api/my/volunteering').then(setMine, () => undefined);
  }, []);
  const end = async (matchId: string) => {
    setFailure(null);
    try {
      setMine(await api('POST /api/my/volunteering/:matchId/end', { params: { matchId } }));
    } catch (failed) {
      setFailure({ failed });
    }
  };
  return (
    <section className="card workspace-page volunteer-own" aria-labelledby="volunteer-title">
      <header className="page-head">
        <h1 id="volunteer-title">{t('home.hello', { name: me.user.displayName })}</h1>
        <p className="page-date">{formatDayHeading(organisationToday(), locale)}</p>
      </header>
      {calls.length > 0 ? <OpenCalls calls={calls} onEnter={enter} /> : <p className="calm-empty">{t('volunteer.noCalls')}</p>}
      {mine && (
        <section aria-labelledby="volunteer-matches-title">
          <h2 id="volunteer-matches-title">{v('homeMatches')}</h2>
          {mine.matches.length === 0 ? <p className="calm-empty">{v('homeNoMatches')}</p> : (
            <ul className="list volunteer-matches">
              {mine.matches.map((m) => (
                <li key={m.matchId}>
                  <span><span className="name">{m.citizenName}</span> <span className="volunteer-meta">{v('homeSince', { day: formatLongDay(m.since.slice(0, 10), locale) })}</span></span>
                  <ConfirmButton label={v('homeEnd')} question={v('homeEndQuestion', { name: m.citizenName })} confirmLabel={v('homeEndYes')} onConfirm={() => void end(m.matchId)} />
                </li>
              ))}
            </ul>
          )}
          {mine.ended.length > 0 && <p className="volunteer-meta">{v('homeEnded')}</p>}
          <Notice outcome={failure} />
          <p className="hint-inline">{v('homeLimits')}</p>
        </section>
      )}
      <VolunteerSessions />
      {mine && (
        <section aria-labelledby="volunteer-contact-title">
          <h2 id="volunteer-contact-title">{v('homeTask')}</h2>
          <p>{mine.contactPersonName ? v('homeContact', { name: mine.contactPersonName }) : v('homeNoContact')}</p>
          {mine.profile?.taskDescription ? <p className="volunteer-task">{mine.profile.taskDescription}</p> : <p>{t('volunteer.welcome')}</p>}
        </section>
      )}
    </section>
  );
}
