import { useI18n } from '../i18n/i18n';
import { isLocale, LOCALES, type Locale } from '../i18n/locale';

/**
 * The choice of language, for the top bar and the citizen's Mere (each wraps it in its own label). Each language is
 * named in itself, so a reader of it finds it whatever the screen's language.
 */
export function LanguageSelect({ onChoose }: { onChoose(locale: Locale): void }) {
  const { locale, t } = useI18n();
  return (
    <select value={locale} onChange={(e) => isLocale(e.target.value) && onChoose(e.target.value)}>
      {LOCALES.map((option) => (
        <option key={option} value={option} lang={option}>
          {t(`language.${option}`)}
        </option>
      ))}
    </select>
  );
}
