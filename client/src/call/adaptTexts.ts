import { useTextTable } from '../i18n/i18n';
import type { Locale } from '../i18n/locale';

/**
 * Texts of the sound-only suggestion on the call screen (adapt.ts). In the call screen's lazy chunk, not in i18n/da.ts:
 * the Danish shared table is part of every first visit (tests/budget.test.ts).
 */
const da = {
  title: 'Forbindelsen er svag',
  body: 'Billedet hakker. Vil du skifte til kun lyd? Så bliver lyden bedre.',
  accept: 'Kun lyd',
  decline: 'Behold billedet',
};
type Key = keyof typeof da;

const en: Record<Key, string> = {
  title: 'The connection is weak',
  body: 'The picture keeps freezing. Switch to sound only? The sound will be better.',
  accept: 'Sound only',
  decline: 'Keep the picture',
};

const sv: Record<Key, string> = {
  title: 'Anslutningen är svag',
  body: 'Bilden hackar. Vill du byta till bara ljud? Då blir ljudet bättre.',
  accept: 'Bara ljud',
  decline: 'Behåll bilden',
};

const tables: Record<Locale, Record<Key, string>> = { da, en, sv };
export const useAdaptTexts = () => useTextTable(tables);
