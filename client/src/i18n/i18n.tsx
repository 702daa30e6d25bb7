import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { da, type TextKey } from './da';
import { en } from './en';
import { browserLocale, isLocale, type Locale } from './locale';
import { sv } from './sv';

const TEXTS: Record<Locale, Record<TextKey, string>> = { da, en, sv };
const STORAGE_KEY = 'naervaer.locale';

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: TextKey, values?: Record<string, string>): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  return isLocale(stored) ? stored : browserLocale(navigator.language);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale(next) {
        localStorage.setItem(STORAGE_KEY, next);
        setLocaleState(next);
      },
      t(key, values = {}) {
        return TEXTS[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
      },
    }),
    [locale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}
