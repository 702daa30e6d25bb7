import { useState } from 'react';
import type { CitizenLinkCreated } from '../../../protocol/links';
import { api } from '../api';
import { errorText } from '../errors';
import { formatDateTime } from '../i18n/locale';
import { useI18n } from '../i18n/i18n';

/** Creates a one-time sign-in link for a citizen and shows it once, ready to copy into an SMS or e-mail. */
export function LinkButton({ citizenId, name }: { citizenId: string; name: string }) {
  const { t, locale } = useI18n();
  const [link, setLink] = useState<CitizenLinkCreated | null>(null);
  const [copied, setCopied] = useState(false);
  // The failure itself, not its text: the text is made at render time, in the language chosen then.
  const [error, setError] = useState<{ cause: unknown } | null>(null);

  const create = async () => {
    setError(null);
    setCopied(false);
    try {
      setLink(await api('POST /api/citizens/:citizenId/links', { params: { citizenId } }));
    } catch (e) {
      setError({ cause: e });
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
      {error && <p role="alert" className="error">{errorText(t, error.cause)}</p>}
      {link && (
        <div role="status">
          <p>{t('worker.linkCreated', { name, expires: formatDateTime(link.expiresAt, locale) })}</p>
          <input readOnly value={link.url} aria-label={t('worker.createLink')} className="link-url" onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => void copy()}>
            {copied ? t('worker.copied') : t('worker.copy')}
          </button>
        </div>
      )}
    </div>
  );
}
