import { useTextTable } from '../i18n/i18n';
import type { Locale } from '../i18n/locale';

/**
 * The citizen's texts for the question after a session and for "Det skrev vi", kept in those screens' lazy chunks
 * (the first visit's budget, tests/budget.test.ts). Plain words: a citizen may read little Danish, or little at all.
 */
const da = {
  question: 'Hvordan var det at tale sammen i dag?',
  good: 'Godt',
  ok: 'Okay',
  bad: 'Ikke godt',
  comment: 'Vil du sige mere? Det kan du lade være med.',
  share: 'Må {name} se dit svar?',
  send: 'Send',
  skip: 'Spring over',
  thanks: 'Tak for dit svar.',
  failed: 'Dit svar blev ikke sendt. Prøv igen, eller spring over.',
  ourNotes: 'Det skrev vi',
  ourNotesIntro: 'Det, vi skrev efter jeres samtaler.',
  noNotes: 'Der er ikke skrevet noget endnu.',
  byLine: '{date}, skrevet af {name}',
  topics: 'Det talte vi om',
  agreements: 'Det aftalte vi',
  nextStep: 'Det sker nu',
  concerns: 'Det er vi opmærksomme på',
  freeText: 'Noter',
  back: 'Tilbage',
} as const;

export type CitizenNotesText = keyof typeof da;

const TABLES: Record<Locale, Record<CitizenNotesText, string>> = {
  da,
  en: {
    question: 'How was it to talk today?',
    good: 'Good',
    ok: 'Okay',
    bad: 'Not good',
    comment: 'Want to say more? You do not have to.',
    share: 'May {name} see your answer?',
    send: 'Send',
    skip: 'Skip',
    thanks: 'Thank you for your answer.',
    failed: 'Your answer was not sent. Try again, or skip.',
    ourNotes: 'What we wrote',
    ourNotesIntro: 'What we wrote after our talks.',
    noNotes: 'Nothing has been written yet.',
    byLine: '{date}, written by {name}',
    topics: 'What we talked about',
    agreements: 'What we agreed',
    nextStep: 'What happens now',
    concerns: 'What we keep an eye on',
    freeText: 'Notes',
    back: 'Back',
  },
  sv: {
    question: 'Hur var det att prata i dag?',
    good: 'Bra',
    ok: 'Okej',
    bad: 'Inte bra',
    comment: 'Vill du säga mer? Du behöver inte.',
    share: 'Får {name} se ditt svar?',
    send: 'Skicka',
    skip: 'Hoppa över',
    thanks: 'Tack för ditt svar.',
    failed: 'Ditt svar skickades inte. Försök igen, eller hoppa över.',
    ourNotes: 'Det skrev vi',
    ourNotesIntro: 'Det vi skrev efter våra samtal.',
    noNotes: 'Inget är skrivet än.',
    byLine: '{date}, skrivet av {name}',
    topics: 'Det pratade vi om',
    agreements: 'Det kom vi överens om',
    nextStep: 'Det händer nu',
    concerns: 'Det håller vi ett öga på',
    freeText: 'Anteckningar',
    back: 'Tillbaka',
  },
};

export function useCitizenNotesTexts(): (key: CitizenNotesText, values?: Record<string, string>) => string {
  return useTextTable(TABLES);
}
