import { useEffect, useState, type ReactNode } from 'react';
import type { Me } from '../../protocol/auth';
import { api, ApiError } from './api';
import { useI18n } from './i18n/i18n';
import { AppointmentsPage } from './pages/AppointmentsPage';
import { CallPage } from './pages/CallPage';
import { LazyMoreScreen } from './citizen/LazyMoreScreen';
import { LazyCitizenCrisisPlan, LazyStaffCrisisPlan } from './crisis/LazyCrisis';
import { LazyCitizenTalk } from './duty/LazyTalk';
import { LazyNotes } from './notes/LazyNotes';
import { LazyStatistics } from './statistics/LazyStatistics';
import { CitizenHome, OfflineCitizenHome } from './pages/CitizenHome';
import { JoinLanding } from './pages/JoinLanding';
import { LazyGuestLanding } from './guests/LazyGuest';
import { LinkLanding } from './pages/LinkLanding';
import { Login } from './pages/LazyLogin';
import { StaffNav, StaffScreen } from './workspace/LazyStaffScreen';
import { LanguageSelect } from './ui/LanguageSelect';
import { home, isDestination, navigate, screenPath, useScreen, type Destination, type Screen } from './router';

type Session =
  | { kind: 'loading' }
  /** `loggedOut`: by the button here, so whoever signs in next on this device starts at their own home, not on this screen. */
  | { kind: 'signed-out'; loggedOut: boolean }
  | { kind: 'signed-in'; me: Me }
  /** No answer at all (no network): a citizen's phone shows the appointments it last fetched (client/src/sw.ts). */
  | { kind: 'offline' }
  | { kind: 'error' };

export function App() {
  const { t } = useI18n();
  const screen = useScreen();
  const [session, setSession] = useState<Session>({ kind: 'loading' });
  // The link pages do not ask who is signed in: /link is how a citizen signs in, and a reminder's join link (/join and
  // its call) never signs anybody in.
  const onLinkPage = screen.name === 'link' || screen.name === 'join' || screen.name === 'guest' || (screen.name === 'call' && screen.via !== 'sign-in');

  useEffect(() => {
    if (onLinkPage || session.kind !== 'loading') return;
    let stopped = false;
    api('GET /api/me').then(
      (me) => !stopped && setSession({ kind: 'signed-in', me }),
      (error: unknown) =>
        !stopped &&
        setSession(error instanceof ApiError && error.status === 401 ? { kind: 'signed-out', loggedOut: false } : error instanceof ApiError && error.code === 'network' ? { kind: 'offline' } : { kind: 'error' }),
    );
    return () => {
      stopped = true;
    };
  }, [onLinkPage, session.kind]);

  const signedIn = (me: Me) => setSession({ kind: 'signed-in', me });
  const logout = async () => {
    await api('POST /api/auth/logout').catch(() => undefined);
    setSession({ kind: 'signed-out', loggedOut: true });
  };

  let page: ReactNode;
  let redirect: Screen | null = null;
  if (screen.name === 'join') page = <JoinLanding />;
  // A guest link's page and call: no sign-in, like a reminder's join link (client/src/guests/).
  else if (screen.name === 'guest') page = <LazyGuestLanding />;
  else if (screen.name === 'call' && screen.via !== 'sign-in') page = <CallPage key={screenPath(screen)} route={screen} role="citizen" back={{ name: screen.via === 'join-link' ? 'join' : 'guest' }} />;
  // Signed in through the link: on home (below), in place of the used link.
  else if (screen.name === 'link' && session.kind !== 'signed-in') page = <LinkLanding onSignedIn={signedIn} />;
  else if (session.kind === 'loading') page = <p role="status">{t('app.loading')}</p>;
  else if (session.kind === 'error') page = <p role="alert">{t('app.error')}</p>;
  // Offline, "Min kriseplan" opens as last fetched too (the service worker keeps it): a bad moment may be one without a network.
  else if (session.kind === 'offline') page = screen.name === 'crisis-plan' ? <LazyCitizenCrisisPlan offline /> : <OfflineCitizenHome />;
  else if (session.kind === 'signed-out') {
    page = <Login onSignedIn={signedIn} />;
    // Signing in first, then on to the screen the address named (a deep link, a reload after the session expired).
    if (screen.name !== 'login') redirect = { name: 'login', then: isDestination(screen) && !session.loggedOut ? screen : home };
  } else {
    const { me } = session;
    const wanted = screen.name === 'login' ? screen.then : screen;
    const shown = isDestination(wanted) && mayOpen(wanted, me) ? wanted : home;
    if (shown !== screen) redirect = shown;
    page = signedInPage(shown, me, logout);
  }

  // The address bar follows the screen shown, without a history entry of its own.
  const redirectPath = redirect && screenPath(redirect);
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
    // redirect is a new object on every render; its path says whether it changed.
  }, [redirectPath]);

  return (
    <>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        {session.kind === 'signed-in' && session.me.user.role === 'citizen' ? (
          // A citizen's top bar holds one thing: "Mere" (language, reminders, log out — with a warning — are there);
          // nothing during a call, where the call's own bar is all there is to press.
          screen.name !== 'call' && <button type="button" className="link-button" aria-current={screen.name === 'more' ? 'page' : undefined} onClick={() => navigate({ name: 'more' })}>
            {t('nav.more')}
          </button>
        ) : (
          <LanguageSwitch />
        )}
        {session.kind === 'signed-in' && session.me.user.role !== 'citizen' && (
          <button type="button" className="link-button" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        )}
      </header>
      {session.kind === 'signed-in' && session.me.user.role !== 'citizen' && screen.name !== 'call' && <StaffNav role={session.me.user.role} screen={screen} />}
      <main id="main">{page}</main>
    </>
  );
}

/** Screens for one role only; another role opening one (a link shared between colleagues) goes home instead. */
function mayOpen(screen: Destination, me: Me): boolean {
  switch (screen.name) {
    case 'agenda':
      return me.user.role === 'worker';
    case 'people':
      // Borgere for a worker (their caseload), Personer for a coordinator.
      return me.user.role === 'worker' || me.user.role === 'coordinator';
    case 'appointments':
    case 'more':
    case 'crisis-plan':
    case 'talk':
      return me.user.role === 'citizen';
    case 'roster':
      return me.user.role === 'coordinator';
    // case staff only
    case 'duty':
    case 'volunteers':
    case 'follow-ups':
    case 'statistics':
    case 'citizen-crisis-plan':
    case 'citizen-timeline':
    case 'note':
    case 'new-note':
      return me.user.role === 'worker' || me.user.role === 'coordinator';
    case 'our-notes':
      return me.user.role === 'citizen';
    default:
      return true;
  }
}

function signedInPage(screen: Destination, me: Me, logout: () => Promise<void>): ReactNode {
  switch (screen.name) {
    case 'home':
      return me.user.role === 'citizen' ? <CitizenHome me={me} /> : <StaffScreen place="home" me={me} />;
    case 'agenda':
    case 'people':
    case 'duty':
    case 'roster':
    case 'follow-ups':
    case 'volunteers':
      return <StaffScreen place={screen.name} me={me} />;
    case 'talk':
      return <LazyCitizenTalk />;
    case 'statistics':
      return <LazyStatistics me={me} />;
    case 'appointments':
      return <AppointmentsPage me={me} />;
    case 'more':
      return <LazyMoreScreen me={me} onLogout={logout} />;
    case 'call':
      return <CallPage key={screenPath(screen)} route={screen} role={me.user.role} back={home} />;
    case 'crisis-plan':
      return <LazyCitizenCrisisPlan />;
    case 'citizen-crisis-plan':
      return <LazyStaffCrisisPlan key={screen.citizenId} citizenId={screen.citizenId} />;
    case 'citizen-timeline':
    case 'note':
    case 'new-note':
    case 'our-notes':
      return <LazyNotes key={screenPath(screen)} screen={screen} />;
  }
}

function LanguageSwitch() {
  const { setLocale, t } = useI18n();
  return (
    <label className="language">
      <span className="visually-hidden">{t('language.label')}</span>
      <LanguageSelect onChoose={setLocale} />
    </label>
  );
}
