import { useState } from 'react';
import type { Me } from '../../../protocol/auth';
import type { CaseloadEntry } from '../../../protocol/people';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { LinkPanel, useLinkPanel } from './LinkPanel';
import { useCaseload, useVideoSessions } from '../pages/worker';
import { Notice, type Outcome } from '../ui/Notice';
import { DeviceCheckLine } from '../volunteer-times/DeviceCheckLine';
import { TravelButton, TravelPanel, useTravelPanel } from '../statistics/TravelPanel';

/** Borgere for a worker: their caseload, each citizen a row with "Start video", their sign-in link and their crisis plan. */
export function Caseload({ me }: { me: Me }) {
  const { t } = useI18n();
  const { caseload, error } = useCaseload(me);
  return (
    <section className="card workspace-page" aria-labelledby="caseload-title">
      <header className="page-head">
        <h1 id="caseload-title">{t('worker.caseload')}</h1>
      </header>
      {error && <Notice outcome={{ failed: error.cause }} />}
      {caseload === null && !error && <p role="status">{t('app.loading')}</p>}
      {caseload?.length === 0 && <p className="calm-empty">{t('worker.noCitizens')}</p>}
      <ul className="list citizen-list">
        {caseload?.map((citizen) => <CitizenRow key={citizen.citizenId} citizen={citizen} />)}
      </ul>
    </section>
  );
}

function CitizenRow({ citizen }: { citizen: CaseloadEntry }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const { start } = useVideoSessions((failure) => setOutcome(failure && { failed: failure.cause }));
  const link = useLinkPanel();
  const travel = useTravelPanel();
  return (
    <li className="person-row">
      <span className="person-name name">{citizen.displayName} <DeviceCheckLine citizenId={citizen.citizenId} /></span>
      <div className="person-actions">
        <button type="button" className="primary-inline col-main" onClick={() => void start(citizen.citizenId)}>
          {t('worker.startVideo')}
        </button>
        <button type="button" className="col-second" {...link.toggle}>{t('signInLink.menu')}</button>
        <button type="button" className="col-second" onClick={() => navigate({ name: 'citizen-crisis-plan', citizenId: citizen.citizenId })}>{t('crisisStaff.action')}</button>
        <button type="button" className="col-second" onClick={() => navigate({ name: 'citizen-timeline', citizenId: citizen.citizenId })}>{t('notes.timeline')}</button>
        <TravelButton {...travel.toggle} />
      </div>
      <Notice outcome={outcome} />
      <LinkPanel id={link.panelId} open={link.open} citizenId={citizen.citizenId} name={citizen.displayName} />
      <TravelPanel id={travel.panelId} open={travel.open} citizenId={citizen.citizenId} name={citizen.displayName} />
    </li>
  );
}
