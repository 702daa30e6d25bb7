import { useState, type FormEvent } from 'react';
import type { Me } from '../../../protocol/auth';
import { api } from '../api';
import { errorText } from '../errors';
import { useI18n } from '../i18n/i18n';

export function Login({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  // What went wrong, not its text: the text follows a language switch.
  const [error, setError] = useState<{ cause: unknown } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api('POST /api/auth/login', { body: { email, password } }));
    } catch (e) {
      setError({ cause: e });
      setBusy(false);
    }
  };

  return (
    <section className="card narrow">
      <h1>{t('login.title')}</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label>
          {t('login.email')}
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('login.password')}
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p role="alert" className="error">{errorText(t, error.cause)}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
      <p className="hint">{t('login.citizenHint')}</p>
    </section>
  );
}
