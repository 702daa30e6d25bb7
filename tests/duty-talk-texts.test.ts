import { describe, expect, it } from 'vitest';
import { TALK_TEXTS } from '../client/src/duty/talkTexts.js';
import { LOCALES } from '../client/src/i18n/locale.js';

// The citizen's "Jeg vil gerne tale med nogen" texts live in the talk chunk (client/src/duty/talkTexts.ts), not in the
// shared tables that tests/citizen-texts.test.ts reads; they meet the same easy-read rule: someone in a bad moment
// reads them, often in a second language. Short sentences, none of the office's words, every language complete.
const MAX_WORDS = 15;
const ADMIN_WORDS: Record<(typeof LOCALES)[number], RegExp> = {
  da: /\b(borger\w*|organisation\w*|enhed\w*|bruger\w*|kommune\w*|sagsbehandl\w*|henvendelse\w*)\b/i,
  en: /\b(citizens?|organi[sz]ations?|devices?|users?|municipalit\w*|requests?)\b/i,
  sv: /\b(medborgar\w*|organisation\w*|enhet\w*|användar\w*|kommun\w*|förfrågan\w*)\b/i,
};
const sentences = (text: string) => text.split(/(?<=[.!?])\s+(?=[A-ZÆØÅÄÖ"“])/).map((s) => s.trim()).filter(Boolean);
const words = (sentence: string) => sentence.replace(/\{\w+\}/g, 'X').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));

describe('the citizen’s talk texts', () => {
  it.each(LOCALES)('%s: every key, no sentence over 15 words, no office words', (locale) => {
    const table: Record<string, string> = TALK_TEXTS[locale];
    expect(Object.keys(table).sort()).toEqual(Object.keys(TALK_TEXTS.da).sort());
    const long = Object.entries(table).flatMap(([key, text]) => sentences(text).filter((s) => words(s).length > MAX_WORDS).map((s) => `${key}: ${s}`));
    expect(long).toEqual([]);
    expect(Object.entries(table).filter(([, text]) => ADMIN_WORDS[locale].test(text)).map(([key]) => key)).toEqual([]);
  });

  it('the check catches what it should', () => {
    expect(words('Din medarbejder Bo ringer dig op på video inden for 10 minutter, når han har tid og har læst det hele.').length).toBeGreaterThan(MAX_WORDS);
    expect(ADMIN_WORDS.da.test('Din henvendelse er modtaget.')).toBe(true);
  });
});
