import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { da, type TextKey } from './da';
import { browserLocale, isLocale, type Locale } from './locale';

type Texts = Record<TextKey, string>;
const STORAGE_KEY = 'naervaer.locale';

// Danish is the default and the fallback, so it is in the first bundle; English and Swedish are fetched only by
// those who choose them (the citizen's first page has a JS budget, see tests/budget.test.ts).
const loaded: Partial<Record<Locale, Texts>> = { da };
const loaders: Record<Locale, () => Promise<Texts>> = {
  da: () => Promise.resolve(da),
  en: () => import('./en').then((module) => module.en),
  sv: () => import('./sv').then((module) => module.sv),
};

function loadTexts(locale: Locale): Promise<Texts> {
  const texts = loaded[locale];
  if (texts) return Promise.resolve(texts);
  return loaders[locale]().then((table) => (loaded[locale] = table));
}

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: TextKey, values?: Record<string, string>): string;
}

const I18nContext = createContext<I18n | null>(null);

/** The language chosen on this device (a select), or null when the browser's language decided. */
export function chosenLocale(): Locale | null {
  const stored = localStorage.getItem(STORAGE_KEY);
  return isLocale(stored) ? stored : null;
}

function initialLocale(): Locale {
  return chosenLocale() ?? browserLocale(navigator.language);
}

// The choice is known before the first render: start fetching its table at once.
const firstLocale = initialLocale();
const firstTexts = loadTexts(firstLocale);

export function I18nProvider({ children }: { children: ReactNode }) {
  // The locale shown and its table change together, once the table has arrived: never a screen half in one
  // language, nor a flash of Danish before the chosen language.
  const [shown, setShown] = useState<{ locale: Locale; texts: Texts } | null>(() => {
    const texts = loaded[firstLocale];
    return texts ? { locale: firstLocale, texts } : null;
  });
  const [wanted, setWanted] = useState<Locale>(firstLocale);
  useEffect(() => {
    let current = true;
    (wanted === firstLocale ? firstTexts : loadTexts(wanted)).then(
      (texts) => current && setShown({ locale: wanted, texts }),
      // The table could not be fetched (offline): Danish, the fallback, rather than no page at all.
      () => current && setShown((previous) => previous ?? { locale: 'da', texts: da }),
    );
    return () => {
      current = false;
    };
  }, [wanted]);
  useEffect(() => {
    if (shown) document.documentElement.lang = shown.locale;
  }, [shown]);
  const value = useMemo<I18n | null>(
    () =>
      shown && {
        locale: shown.locale,
        setLocale(next) {
          localStorage.setItem(STORAGE_KEY, next);
          setWanted(next);
        },
        t(key, values = {}) {
          return fill(shown.texts[key], values);
        },
      },
    [shown],
  );
  // A very short wait for the chosen table (it is fetched from our own origin as the page starts).
  if (!value) return null;
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}

/** A text with its `{name}`-style blanks filled in; a blank without a value stays as written, so it shows in review. */
function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

/**
 * `t` for a screen's own text table, kept in its lazy chunk rather than in the shared tables every first visit
 * downloads (the crisis plan's and duty's texts): in the app's language, blanks filled in as `t` fills them.
 */
export function useTextTable<K extends string>(tables: Record<Locale, Record<K, string>>): (key: K, values?: Record<string, string>) => string {
  const { locale } = useI18n();
  return (key, values = {}) => fill(tables[locale][key], values);
}
