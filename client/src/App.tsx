import { useCallback, useEffect, useState } from 'react';
import type { Me } from '../../protocol/api';
import { api, ApiError } from './api';
import { useI18n, type Locale } from './i18n/i18n';
import { CitizenHome } from './pages/CitizenHome';
import { CoordinatorHome } from './pages/CoordinatorHome';
import { JoinLanding } from './pages/JoinLanding';
import { LinkLanding } from './pages/LinkLanding';
import { Login } from './pages/Login';
import { WorkerHome } from './pages/WorkerHome';

type State = { kind: 'loading' } | { kind: 'signed-out' } | { kind: 'signed-in'; me: Me } | { kind: 'error' };

export function App() {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const onLinkPage = window.location.pathname === '/link';
  // A reminder's join link: it never signs anybody in, so the page does not ask who is signed in either.
  const onJoinPage = window.location.pathname === '/join';

  const refresh = useCallback(async () => {
    try {
      setState({ kind: 'signed-in', me: await api('GET /api/me') });
    } catch (error) {
      setState(error instanceof ApiError && error.status === 401 ? { kind: 'signed-out' } : { kind: 'error' });
    }
  }, []);

  useEffect(() => {
    if (!onLinkPage && !onJoinPage) void refresh();
  }, [onLinkPage, onJoinPage, refresh]);

  const signedIn = (me: Me) => {
    window.history.replaceState(null, '', '/');
    setState({ kind: 'signed-in', me });
  };
  const logout = async () => {
    await api('POST /api/auth/logout').catch(() => undefined);
    setState({ kind: 'signed-out' });
  };

  let page;
  if (onJoinPage) page = <JoinLanding />;
  else if (onLinkPage && state.kind === 'loading') page = <LinkLanding onSignedIn={signedIn} />;
  else if (state.kind === 'loading') page = <p role="status">{t('app.loading')}</p>;
  else if (state.kind === 'error') page = <p role="alert">{t('app.error')}</p>;
  else if (state.kind === 'signed-out') page = <Login onSignedIn={signedIn} />;
  else {
    const { me } = state;
    page = {
      citizen: <CitizenHome me={me} />,
      worker: <WorkerHome me={me} />,
      volunteer: <WorkerHome me={me} />,
      coordinator: (
        <WorkerHome me={me}>
          <CoordinatorHome me={me} />
        </WorkerHome>
      ),
    }[me.user.role];
  }

  return (
    <>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
        {state.kind === 'signed-in' && (
          <button type="button" className="link-button" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        )}
      </header>
      <main id="main">{page}</main>
    </>
  );
}

function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label className="language">
      <span className="visually-hidden">{t('language.label')}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        <option value="da">{t('language.da')}</option>
        <option value="en">{t('language.en')}</option>
      </select>
    </label>
  );
}
