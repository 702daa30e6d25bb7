import { useI18n } from '../i18n/i18n';
import type { Locale } from '../i18n/locale';

/**
 * The citizen's "Jeg vil gerne tale med nogen" texts after the button (and the chat's, on both sides), in Danish,
 * English and Swedish. They live in the talk chunk, not in i18n/da.ts: the Danish table is part of every first visit
 * (tests/budget.test.ts), and these are needed only once the button is pressed. Plain, short words, as the citizen's
 * other texts (tests/citizen-texts.test.ts reads these too).
 */
export const da = {
  title: 'Tal med nogen',
  how: 'Hvordan vil du tale?',
  video: 'Video',
  phone: 'Telefon',
  chat: 'Skriv',
  topic: 'Hvad handler det om?',
  topicHint: 'Du behøver ikke skrive noget.',
  ownVideo: 'Din medarbejder {name} ringer dig op på video inden for {minutes} minutter.',
  ownPhone: 'Din medarbejder {name} ringer dig op inden for {minutes} minutter.',
  ownChat: 'Din medarbejder {name} svarer dig her inden for {minutes} minutter.',
  dutyVideo: 'Vagten ser din besked nu. Du får et videoopkald inden for {minutes} minutter.',
  dutyPhone: 'Vagten ser din besked nu. Du bliver ringet op inden for {minutes} minutter.',
  dutyChat: 'Vagten ser din besked nu. Du får svar her inden for {minutes} minutter.',
  seen: '{name} har set din besked.',
  phoneComing: '{name} ringer til dig nu.',
  yourTopic: 'Du skrev: “{topic}”',
  cancel: 'Fortryd',
  cancelQuestion: 'Vil du fortryde? Så kontakter vi dig ikke.',
  cancelYes: 'Ja, fortryd',
  cancelled: 'Du har fortrudt. Du kan altid spørge igen.',
  noOneTitle: 'Lige nu kan ingen svare',
  noOneText: 'Er det akut, så ring:',
  emergency: 'Alarmcentralen',
  back: 'Tilbage',
  chatTitle: 'Beskeder',
  chatEmpty: 'Ingen beskeder endnu.',
  chatMe: 'Dig',
  chatField: 'Skriv en besked',
  chatSend: 'Send',
} as const;

export type TalkText = keyof typeof da;

export const TALK_TEXTS: Record<Locale, Record<TalkText, string>> = {
  da,
  en: {
    title: 'Talk to someone',
    how: 'How do you want to talk?',
    video: 'Video',
    phone: 'Phone',
    chat: 'Write',
    topic: 'What is it about?',
    topicHint: 'You do not have to write anything.',
    ownVideo: 'Your worker {name} will video call you within {minutes} minutes.',
    ownPhone: 'Your worker {name} will call you within {minutes} minutes.',
    ownChat: 'Your worker {name} will answer you here within {minutes} minutes.',
    dutyVideo: 'The person on duty sees your message now. You get a video call within {minutes} minutes.',
    dutyPhone: 'The person on duty sees your message now. You will be called within {minutes} minutes.',
    dutyChat: 'The person on duty sees your message now. You get an answer here within {minutes} minutes.',
    seen: '{name} has seen your message.',
    phoneComing: '{name} is calling you now.',
    yourTopic: 'You wrote: “{topic}”',
    cancel: 'Cancel',
    cancelQuestion: 'Do you want to cancel? Then no one will contact you.',
    cancelYes: 'Yes, cancel',
    cancelled: 'You cancelled. You can always ask again.',
    noOneTitle: 'No one can answer right now',
    noOneText: 'If it is urgent, call:',
    emergency: 'Emergency',
    back: 'Back',
    chatTitle: 'Messages',
    chatEmpty: 'No messages yet.',
    chatMe: 'You',
    chatField: 'Write a message',
    chatSend: 'Send',
  },
  sv: {
    title: 'Prata med någon',
    how: 'Hur vill du prata?',
    video: 'Video',
    phone: 'Telefon',
    chat: 'Skriv',
    topic: 'Vad gäller det?',
    topicHint: 'Du behöver inte skriva något.',
    ownVideo: 'Din boendestödjare {name} ringer dig på video inom {minutes} minuter.',
    ownPhone: 'Din boendestödjare {name} ringer dig inom {minutes} minuter.',
    ownChat: 'Din boendestödjare {name} svarar dig här inom {minutes} minuter.',
    dutyVideo: 'Jouren ser ditt meddelande nu. Du får ett videosamtal inom {minutes} minuter.',
    dutyPhone: 'Jouren ser ditt meddelande nu. Du blir uppringd inom {minutes} minuter.',
    dutyChat: 'Jouren ser ditt meddelande nu. Du får svar här inom {minutes} minuter.',
    seen: '{name} har sett ditt meddelande.',
    phoneComing: '{name} ringer dig nu.',
    yourTopic: 'Du skrev: ”{topic}”',
    cancel: 'Ångra',
    cancelQuestion: 'Vill du ångra? Då kontaktar vi dig inte.',
    cancelYes: 'Ja, ångra',
    cancelled: 'Du har ångrat. Du kan alltid fråga igen.',
    noOneTitle: 'Just nu kan ingen svara',
    noOneText: 'Om det är akut, ring:',
    emergency: 'Larmnumret',
    back: 'Tillbaka',
    chatTitle: 'Meddelanden',
    chatEmpty: 'Inga meddelanden än.',
    chatMe: 'Du',
    chatField: 'Skriv ett meddelande',
    chatSend: 'Skicka',
  },
};

/** `t` for these texts, in the app's language; `{name}` and the like are filled in as in i18n. */
export function useTalkTexts(): (key: TalkText, values?: Record<string, string>) => string {
  const { locale } = useI18n();
  return (key, values = {}) => TALK_TEXTS[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}
