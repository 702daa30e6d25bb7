import { useCallback, useEffect, useId, useState } from 'react';
import type { CitizenLink, CitizenLinkCreated, LinkChannel } from '../../../protocol/links';
import { api, ApiError } from '../api';
import { formatDateTime } from '../i18n/locale';
import { useI18n } from '../i18n/i18n';
import { ConfirmButton } from '../ui/ConfirmButton';
import { attempt, Notice, type Outcome } from '../ui/Notice';

/** What the last press did: sent by a channel, made a link to copy, or failed (kept as it is, worded at render time). */
type Result =
  | { sent: LinkChannel; expiresAt: string }
  | { made: CitizenLinkCreated }
  | { failed: unknown; channel: LinkChannel | null };

/**
 * A citizen's sign-in link, behind one button so a row keeps one main action ("Start video"): the button sits with
 * the row's other actions, the panel it opens under the whole row (so the two are separate pieces, placed by the row).
 */
export function useLinkPanel(): { open: boolean; toggle: { 'aria-expanded': boolean; 'aria-controls': string; onClick(): void }; panelId: string } {
  const panelId = useId();
  const [open, setOpen] = useState(false);
  return { open, panelId, toggle: { 'aria-expanded': open, 'aria-controls': panelId, onClick: () => setOpen(!open) } };
}

/**
 * The opened panel: send the link by SMS or e-mail (the server sends it through the reminder senders; the worker
 * never handles the URL), or make one to copy into a message of one's own — a copy button, not a raw address. The
 * links that still work are listed, each to withdraw (after a question) when a phone is lost or a link went astray.
 */
export function LinkPanel({ id, open, citizenId, name }: { id: string; open: boolean; citizenId: string; name: string }) {
  const { t, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [copied, setCopied] = useState(false);
  const [links, setLinks] = useState<CitizenLink[]>([]);
  const [withdrawn, setWithdrawn] = useState<Outcome | null>(null);

  // Read only when opened: every read of a citizen's links is audited, so not for each row on the screen.
  const loadLinks = useCallback(() => api('GET /api/citizens/:citizenId/links', { params: { citizenId } }).then(setLinks, () => undefined), [citizenId]);
  useEffect(() => {
    if (open) void loadLinks();
  }, [open, loadLinks]);
  const withdraw = async (linkId: string) => {
    setWithdrawn(null);
    setWithdrawn(await attempt(() => api('POST /api/citizen-links/:linkId/revoke', { params: { linkId } }), 'signInLink.revoked'));
    await loadLinks();
  };

  const run = async (channel: LinkChannel | null) => {
    setBusy(true);
    setResult(null);
    setCopied(false);
    try {
      if (channel) {
        const sent = await api('POST /api/citizens/:citizenId/links/send', { params: { citizenId }, body: { channel } });
        setResult({ sent: channel, expiresAt: sent.expiresAt });
      } else {
        setResult({ made: await api('POST /api/citizens/:citizenId/links', { params: { citizenId } }) });
      }
    } catch (failed) {
      setResult({ failed, channel });
    } finally {
      setBusy(false);
      void loadLinks();
    }
  };
  const copy = async (url: string) => {
    await navigator.clipboard.writeText(url).then(() => setCopied(true), () => undefined);
  };

  let outcome: Outcome | null = null;
  if (result && 'sent' in result) {
    outcome = { done: result.sent === 'sms' ? 'signInLink.sentSms' : 'signInLink.sentEmail', values: { expires: formatDateTime(result.expiresAt, locale) } };
  } else if (result && 'failed' in result) outcome = { failed: result.failed };
  const describe = (translate: typeof t, error: unknown) => {
    if (!(error instanceof ApiError) || error.code !== 'no_address' || !result || !('channel' in result)) return null;
    return translate(result.channel === 'email' ? 'signInLink.noEmail' : 'signInLink.noPhone');
  };

  return (
    <div id={id} className="link-panel" hidden={!open}>
      <div className="link-panel-actions">
        <button type="button" disabled={busy} onClick={() => void run('sms')}>{t('signInLink.sendSms')}</button>
        <button type="button" disabled={busy} onClick={() => void run('email')}>{t('signInLink.sendEmail')}</button>
        <button type="button" disabled={busy} onClick={() => void run(null)}>{t('worker.createLink')}</button>
      </div>
      <Notice outcome={outcome} describe={describe} />
      {result && 'made' in result && (
        <div role="status" className="notice notice-ok">
          <p>{t('worker.linkCreated', { name, expires: formatDateTime(result.made.expiresAt, locale) })}</p>
          <button type="button" className="primary-inline" onClick={() => void copy(result.made.url)}>
            {copied ? t('worker.copied') : t('signInLink.copy')}
          </button>
        </div>
      )}
      {links.some((link) => link.status === 'active') && (
        <div className="active-links">
          <p className="active-links-title">{t('signInLink.activeTitle')}</p>
          <ul className="list">
            {links.filter((link) => link.status === 'active').map((link) => (
              <li key={link.id}>
                <span>{t('signInLink.expires', { expires: formatDateTime(link.expiresAt, locale) })}</span>
                <ConfirmButton label={t('signInLink.revoke')} question={t('signInLink.revokeQuestion')} confirmLabel={t('signInLink.confirmRevoke')}
                  onConfirm={() => void withdraw(link.id)} />
              </li>
            ))}
          </ul>
        </div>
      )}
      <Notice outcome={withdrawn} />
    </div>
  );
}
