import { useState } from 'react';
import type { CitizenLinkCreated } from '../../../protocol/links';
import { api } from '../api';
import { errorText } from '../errors';
import { useI18n } from '../i18n/i18n';

/** Creates a one-time sign-in link for a citizen and shows it once, ready to copy into an SMS or e-mail. */
export function LinkButton({ citizenId, name }: { citizenId: string; name: string }) {
  const { t, locale } = useI18n();
  const [link, setLink] = useState<CitizenLinkCreated | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const create = async () => {
    setError(null);
    setCopied(false);
    try {
      setLink(await api('POST /api/citizens/:citizenId/links', { params: { citizenId } }));
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  const copy = async () => {
    if (!link) return;
    await navigator.clipboard.writeText(link.url).then(() => setCopied(true), () => undefined);
  };

  return (
    <div className="link-box">
      <button type="button" onClick={() => void create()}>
        {t('worker.createLink')}
      </button>
      {error && <p role="alert" className="error">{error}</p>}
      {link && (
        <div role="status">
          <p>{t('worker.linkCreated', { name, expires: new Date(link.expiresAt).toLocaleString(locale === 'da' ? 'da-DK' : 'en-GB', { timeZone: 'Europe/Copenhagen', dateStyle: 'medium', timeStyle: 'short' }) })}</p>
          <input readOnly value={link.url} aria-label={t('worker.createLink')} className="link-url" onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => void copy()}>
            {copied ? t('worker.copied') : t('worker.copy')}
          </button>
        </div>
      )}
    </div>
  );
}
