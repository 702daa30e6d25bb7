import { describe, expect, it } from 'vitest';
import { browserLocale, formatDateTime, formatDayHeading, isLocale, LOCALES, organisationToday } from '../client/src/i18n/locale.js';

// The text tables are the client's (extensionless imports, bundler style), so they are loaded by Vite at run time
// rather than followed by the server's compiler; each is checked here against Danish, the source of every key.
type Texts = Record<string, string>;
const tables = Object.fromEntries(
  await Promise.all(LOCALES.map(async (locale) => [locale, ((await import(`../client/src/i18n/${locale}.ts`)) as Record<string, Texts>)[locale]!] as const)),
) as Record<(typeof LOCALES)[number], Texts>;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the text tables', () => {
  it.each(LOCALES)('%s has every key of Danish and no other', (locale) => {
    expect(Object.keys(tables[locale]).sort()).toEqual(Object.keys(tables.da).sort());
  });

  it.each(LOCALES)('%s has no empty text', (locale) => {
    expect(Object.entries(tables[locale]).filter(([, text]) => text.trim() === '')).toEqual([]);
  });

  it.each(LOCALES.filter((locale) => locale !== 'da'))('%s uses the same {placeholders} as Danish in every text', (locale) => {
    const differing = Object.keys(tables.da).filter((key) => placeholders(tables[locale][key] ?? '').join() !== placeholders(tables.da[key]!).join());
    expect(differing).toEqual([]);
  });

  it('each language is offered in its own name, the same on every screen', () => {
    for (const locale of LOCALES) expect(LOCALES.map((option) => tables[locale][`language.${option}`])).toEqual(['Dansk', 'English', 'Svenska']);
  });
});

describe('the language chosen first', () => {
  it('follows the browser when it speaks Swedish or English, else Danish', () => {
    expect(browserLocale('sv-SE')).toBe('sv');
    expect(browserLocale('sv-FI')).toBe('sv');
    expect(browserLocale('sv')).toBe('sv');
    expect(browserLocale('en-US')).toBe('en');
    expect(browserLocale('EN-gb')).toBe('en');
    expect(browserLocale('da-DK')).toBe('da');
    expect(browserLocale('nb-NO')).toBe('da');
    expect(browserLocale('')).toBe('da');
    expect(browserLocale(undefined)).toBe('da');
  });

  it('a stored choice is one of the three languages', () => {
    expect(['da', 'en', 'sv'].every(isLocale)).toBe(true);
    expect(LOCALES).toEqual(['da', 'en', 'sv']);
    expect([null, '', 'de', 'SV', 'sv-SE'].some(isLocale)).toBe(false);
  });
});

describe('dates and times', () => {
  it('day headings come from Intl in the chosen language: lower-case names in Danish and Swedish, a capital first letter', () => {
    expect(formatDayHeading('2026-11-25', 'da')).toMatch(/^Onsdag (den )?25\. november$/);
    expect(formatDayHeading('2026-11-25', 'sv')).toBe('Onsdag 25 november');
    expect(formatDayHeading('2026-11-25', 'en')).toBe('Wednesday 25 November');
  });

  it('times are the organisation’s wall clock (Copenhagen), winter and summer', () => {
    expect(formatDateTime('2026-11-25T11:45:00Z', 'sv')).toContain('12:45');
    expect(formatDateTime('2026-11-25T11:45:00Z', 'en')).toContain('12:45');
    expect(formatDateTime('2026-11-25T11:45:00Z', 'da')).toContain('12.45');
    expect(formatDateTime('2026-06-10T10:45:00Z', 'sv')).toContain('12:45');
    expect(formatDateTime('2026-11-25T11:45:00Z', 'sv')).toMatch(/^25 nov\.? 2026/);
  });

  it('today is the date in Copenhagen, not in the browser’s zone', () => {
    expect(organisationToday(new Date('2026-11-25T23:30:00Z'))).toBe('2026-11-26');
    expect(organisationToday(new Date('2026-06-10T21:59:00Z'))).toBe('2026-06-10');
    expect(organisationToday(new Date('2026-06-10T22:00:00Z'))).toBe('2026-06-11');
  });
});
