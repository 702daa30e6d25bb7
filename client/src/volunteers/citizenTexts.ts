import { useTextTable } from '../i18n/i18n';
import type { Locale } from '../i18n/locale';

/**
 * The citizen's volunteer texts (the card on home), in the card's own lazy chunk: the home's first download has no
 * room for them (tests/budget.test.ts).
 */
const da = {
  title: 'Frivillige',
  proposal: 'Vil du tale med {name}?',
  peer: 'Har selv prøvet det',
  it_helper: 'Hjælper med telefon og video',
  languages: 'Taler: {languages}',
  yes: 'Ja tak',
  no: 'Nej tak',
  yours: '{name} er din frivillige',
  endIt: 'Stop med {name}',
  endQuestion: 'Vil du stoppe med {name}? Du kan altid bede om en anden.',
  endYes: 'Ja, stop',
  ended: '{name} er ikke længere din frivillige',
  askPeer: 'Jeg vil gerne tale med en, der har prøvet det selv',
  askIt: 'Jeg vil gerne have hjælp til min telefon',
  asked: 'Tak. Din kontaktperson finder en frivillig til dig.',
  accepted: 'Godt. {name} hører fra dig.',
  declined: 'Det er helt i orden.',
} as const;

export type CitizenVolunteerText = keyof typeof da;

const TABLES: Record<Locale, Record<CitizenVolunteerText, string>> = {
  da,
  en: {
    title: 'Volunteers',
    proposal: 'Would you like to talk with {name}?',
    peer: 'Has been through it too',
    it_helper: 'Helps with phone and video',
    languages: 'Speaks: {languages}',
    yes: 'Yes please',
    no: 'No thanks',
    yours: '{name} is your volunteer',
    endIt: 'Stop with {name}',
    endQuestion: 'Do you want to stop with {name}? You can always ask for someone else.',
    endYes: 'Yes, stop',
    ended: '{name} is no longer your volunteer',
    askPeer: 'I would like to talk with someone who has been through it',
    askIt: 'I would like help with my phone',
    asked: 'Thank you. Your contact person will find a volunteer for you.',
    accepted: 'Good. {name} will be in touch.',
    declined: 'That is quite all right.',
  },
  sv: {
    title: 'Volontärer',
    proposal: 'Vill du prata med {name}?',
    peer: 'Har själv varit med om det',
    it_helper: 'Hjälper med telefon och video',
    languages: 'Talar: {languages}',
    yes: 'Ja tack',
    no: 'Nej tack',
    yours: '{name} är din volontär',
    endIt: 'Sluta med {name}',
    endQuestion: 'Vill du sluta med {name}? Du kan alltid be om någon annan.',
    endYes: 'Ja, sluta',
    ended: '{name} är inte längre din volontär',
    askPeer: 'Jag vill gärna prata med någon som själv varit med om det',
    askIt: 'Jag vill gärna ha hjälp med min telefon',
    asked: 'Tack. Din kontaktperson hittar en volontär åt dig.',
    accepted: 'Bra. {name} hör av sig.',
    declined: 'Det är helt i sin ordning.',
  },
};

export function useCitizenVolunteerTexts() {
  return useTextTable(TABLES);
}
