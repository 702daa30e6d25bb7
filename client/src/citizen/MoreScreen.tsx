import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Me } from '../../../protocol/auth';
import { api } from '../api';
import { useWorkerName } from '../booking/MyAppointments';
import { useI18n } from '../i18n/i18n';
import type { Locale } from '../i18n/locale';
import { LanguageSelect } from '../ui/LanguageSelect';
import { goBack, home, navigate } from '../router';
import { OurNotesLink } from '../notes/OurNotes';
import { currentInstallPrompt, forgetOfflineCopy, onInstallPromptChange, runsInstalled } from './pwa';
import { ReminderSettings } from './ReminderSettings';
import { ReadyNotifications } from '../push/ReadyNotifications';
import { TryDevices } from '../volunteer-times/TryDevices';
import { InviteGuest } from '../guests/InviteGuest';

/**
 * "Mere" (/more, citizens only): what the home screen leaves out — language, reminders, getting the app, and
 * logging out, which warns first: a citizen has no password, only links from their worker.
 */
export function MoreScreen({ onLogout }: { me: Me; onLogout(): Promise<void> }) {
  const { t } = useI18n();
  const worker = useWorkerName() ?? t('citizen.yourWorker');
  return (
    <section className="card narrow more-screen" aria-labelledby="more-title">
      <div className="more-head">
        <h1 id="more-title">{t('more.title')}</h1>
        <button type="button" onClick={() => goBack(home)}>{t('more.back')}</button>
      </div>
      <LanguageChoice />
      {/* "Det skrev vi": only when the organisation lets citizens read their notes. */}
      <OurNotesLink onOpen={() => navigate({ name: 'our-notes' })} />
      <div className="more-block">
        <ReminderSettings />
      </div>
      <div className="more-block">
        <ReadyNotifications workerName={worker} title={t('more.notifications', { name: worker })} />
      </div>
      <TryDevices />
      <InviteGuest />
      <InstallApp />
      <Logout worker={worker} onLogout={onLogout} />
    </section>
  );
}

/** The app's language and the citizen's reminders' language: one choice, kept on the server for the SMS. */
function LanguageChoice() {
  const { t, setLocale } = useI18n();
  const choose = (next: Locale) => {
    setLocale(next);
    // The app follows at once; the reminders' language is saved beside it (a failure leaves the app's choice).
    api('PUT /api/my/settings', { body: { language: next } }).catch(() => undefined);
  };
  return (
    <label className="more-language">
      {t('more.language')}
      <LanguageSelect onChoose={choose} />
    </label>
  );
}

function subscribeInstall(listener: () => void) {
  return onInstallPromptChange(listener);
}

/** "Hent appen til din telefon": the browser's own install offer when it made one, else how to do it by hand. */
function InstallApp() {
  const { t } = useI18n();
  const prompt = useSyncExternalStore(subscribeInstall, currentInstallPrompt);
  if (runsInstalled()) return null;
  const apple = /iPhone|iPad|iPod/.test(navigator.userAgent);
  return (
    <section aria-labelledby="install-title" className="more-block">
      <h2 id="install-title">{t('more.install')}</h2>
      <p>{t('more.installHint')}</p>
      {prompt ? (
        <button type="button" onClick={() => void prompt.prompt()}>{t('more.installButton')}</button>
      ) : (
        <p>{apple ? t('more.installIos') : t('more.installOther')}</p>
      )}
    </section>
  );
}

/** Log out, behind a warning and a question: without a new link from their worker, the citizen cannot come back. */
function Logout({ worker, onLogout }: { worker: string; onLogout(): Promise<void> }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (asking) question.current?.focus();
  }, [asking]);
  return (
    <section aria-labelledby="logout-title" className="more-block">
      <h2 id="logout-title">{t('more.logout')}</h2>
      <p>{t('more.logoutWarning', { name: worker })}</p>
      {asking ? (
        <>
          <p ref={question} tabIndex={-1} className="big">{t('more.logoutConfirm')}</p>
          <div className="appointment-actions">
            <button type="button" className="danger" onClick={() => void forgetOfflineCopy().then(onLogout)}>{t('more.logoutYes')}</button>
            <button type="button" onClick={() => setAsking(false)}>{t('mine.no')}</button>
          </div>
        </>
      ) : (
        <button type="button" onClick={() => setAsking(true)}>{t('more.logout')}</button>
      )}
    </section>
  );
}
