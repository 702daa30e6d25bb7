import { describe, expect, it } from 'vitest';
import { capitalise, formatClock, formatLongDay, LOCALES, relativeDay } from '../client/src/i18n/locale.js';

// Issue 9's easy-read check for what a citizen reads: short sentences and none of the office's words. Many citizens
// read Danish (or Swedish, or English) as a second language, some are anxious or tired; a long sentence or an admin
// word ("borger", "organisation", "enhed") is where they give up.
type Texts = Record<string, string>;
const tables = Object.fromEntries(
  await Promise.all(LOCALES.map(async (locale) => [locale, ((await import(`../client/src/i18n/${locale}.ts`)) as Record<string, Texts>)[locale]!] as const)),
) as Record<(typeof LOCALES)[number], Texts>;

/** The keys of the citizen's screens: home, "Mine aftaler", "Mere", reminders, "Min kriseplan", and the pages their links open. */
const CITIZEN_PREFIXES = ['citizen.', 'mine.', 'more.', 'settings.', 'link.', 'join.', 'crisis.'];
const citizenKeys = Object.keys(tables.da).filter((key) => CITIZEN_PREFIXES.some((prefix) => key.startsWith(prefix)));
const MAX_WORDS = 15;
/** Words of the office, per language: who the person is to the system, and what a phone is to IT. */
const ADMIN_WORDS: Record<(typeof LOCALES)[number], RegExp> = {
  da: /\b(borger\w*|organisation\w*|enhed\w*|bruger\w*|kommune\w*|sagsbehandl\w*)\b/i,
  en: /\b(citizens?|organi[sz]ations?|devices?|users?|municipalit\w*)\b/i,
  sv: /\b(medborgar\w*|organisation\w*|enhet\w*|användar\w*|kommun\w*)\b/i,
};

/** Sentences end at . ! ? (a "kl. 10.00" or "f.eks." is not an end: a lower-case letter or digit follows). */
const sentences = (text: string) => text.split(/(?<=[.!?])\s+(?=[A-ZÆØÅÄÖ"“])/).map((s) => s.trim()).filter(Boolean);
const words = (sentence: string) => sentence.replace(/\{\w+\}/g, 'X').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));

describe('the citizen\'s texts are easy to read', () => {
  it('there are citizen texts to check (the prefixes still name them)', () => {
    expect(citizenKeys.length).toBeGreaterThan(40);
    expect(citizenKeys).toEqual(expect.arrayContaining(['citizen.hello', 'mine.confirmCancel', 'more.logoutWarning', 'link.intro', 'join.intro']));
  });

  it.each(LOCALES)(`%s: no sentence is longer than ${MAX_WORDS} words`, (locale) => {
    const long = citizenKeys.flatMap((key) => sentences(tables[locale][key]!).filter((s) => words(s).length > MAX_WORDS).map((s) => `${key}: ${s}`));
    expect(long).toEqual([]);
  });

  it.each(LOCALES)('%s: no admin words', (locale) => {
    const found = citizenKeys.filter((key) => ADMIN_WORDS[locale].test(tables[locale][key]!)).map((key) => `${key}: ${tables[locale][key]}`);
    expect(found).toEqual([]);
  });

  it('the check itself catches a long sentence and an admin word', () => {
    expect(words('Du er logget ind på denne enhed, og din organisation kan se dig, når du bruger den her app om dagen.').length).toBeGreaterThan(MAX_WORDS);
    expect(sentences('Din aftale er i dag kl. 10.00. Bo får besked.')).toEqual(['Din aftale er i dag kl. 10.00.', 'Bo får besked.']);
    expect(ADMIN_WORDS.da.test('Du er logget ind på denne enhed.')).toBe(true);
    expect(ADMIN_WORDS.da.test('Organisation: Demokommune')).toBe(true);
    expect(ADMIN_WORDS.sv.test('Du är inloggad på den här enheten.')).toBe(true);
    expect(ADMIN_WORDS.en.test('You are signed in on this device.')).toBe(true);
  });
});

// The parts of "I dag kl. 12.45" (client/src/citizen/when.ts puts them together; tests/e2e/citizen.test.ts reads the
// whole on the screen in Danish, English and Swedish).
describe('when an appointment is, as the citizen reads it', () => {
  it('today and tomorrow are said so, in the organisation\'s calendar (also over a month\'s end)', () => {
    expect(relativeDay('2026-11-25', '2026-11-25')).toBe('today');
    expect(relativeDay('2026-11-26', '2026-11-25')).toBe('tomorrow');
    expect(relativeDay('2026-12-01', '2026-11-30')).toBe('tomorrow');
    expect(relativeDay('2026-11-27', '2026-11-25')).toBe('other');
    expect(relativeDay('2026-11-24', '2026-11-25')).toBe('other');
  });

  it('other days by weekday and date, the clock as each language writes it', () => {
    expect(formatLongDay('2026-12-02', 'da')).toBe('onsdag 2. december');
    expect(formatLongDay('2026-12-02', 'en')).toBe('Wednesday 2 December');
    expect(formatLongDay('2026-12-02', 'sv')).toBe('onsdag 2 december');
    expect(formatClock('2026-12-02T09:05', 'da')).toBe('9.05');
    expect(formatClock('2026-12-02T12:45', 'da')).toBe('12.45');
    expect(formatClock('2026-12-02T12:45', 'en')).toBe('12:45');
    expect(formatClock('2026-12-02T00:30', 'sv')).toBe('0:30');
    expect(capitalise('onsdag 2. december', 'da')).toBe('Onsdag 2. december');
  });
});
