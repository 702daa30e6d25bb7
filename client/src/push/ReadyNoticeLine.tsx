import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { readyNoticeOf } from './readyNotice';

const TEXT: Record<string, TextKey> = {
  push: 'ready.told.push', sms: 'ready.told.sms', email: 'ready.told.email', quiet_hours: 'ready.told.quietHours', none: 'ready.told.none',
};

/**
 * One calm line on the worker's call screen while nobody has come yet: how the citizen was told that the session is
 * open, or why they were not — so the worker knows whether to wait or to phone them.
 */
export function ReadyNoticeLine({ callId }: { callId: string }) {
  const { t } = useI18n();
  const told = readyNoticeOf(callId);
  if (!told) return null;
  return (
    <p className={`ready-told ${told.notice === 'quiet_hours' || told.notice === 'none' ? 'not-told' : 'told'}`} data-testid="ready-told">
      {t(TEXT[told.notice]!, { name: told.name })}
    </p>
  );
}
