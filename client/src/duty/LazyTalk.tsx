import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * "Jeg vil gerne tale med nogen" is a chunk of its own: the home's first download stays small (tests/budget.test.ts),
 * and the chunk is fetched when the button is pressed (or preloaded when home shows it, see TalkButton).
 */
export const loadCitizenTalk = () => import('./CitizenTalk');
const CitizenTalkChunk = lazy(() => loadCitizenTalk().then((m) => ({ default: m.CitizenTalk })));

export function LazyCitizenTalk() {
  const { t } = useI18n();
  return (
    <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
      <CitizenTalkChunk />
    </Suspense>
  );
}
