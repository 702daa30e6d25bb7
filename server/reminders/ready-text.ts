/**
 * The words of a "ready" notice ("Bo er klar til jeres videosamtale"), in the citizen's language. They name nobody
 * but the worker, by first name — never the citizen, a surname, a title, a department or a reason — because an SMS
 * or a notification shows on a locked phone that others may see.
 */
import type { ReadyPush } from '../../protocol/push.js';

type Language = 'da' | 'en' | 'sv';

const WORDS: Record<Language, { ready(name: string): string; tapLink: string; tapPush: string; noLink: string }> = {
  da: {
    ready: (name) => `${name} er klar til jeres videosamtale.`,
    tapLink: 'Tryk her:', tapPush: 'Tryk for at deltage.', noLink: 'Åbn Nærvær for at deltage.',
  },
  en: {
    ready: (name) => `${name} is ready for your video call.`,
    tapLink: 'Tap here:', tapPush: 'Tap to join.', noLink: 'Open Nærvær to join.',
  },
  sv: {
    ready: (name) => `${name} är redo för ert videosamtal.`,
    tapLink: 'Tryck här:', tapPush: 'Tryck för att gå med.', noLink: 'Öppna Nærvær för att gå med.',
  },
};

/** The first of a display name's words: "Bo" of "Bo Bostøtte". */
export const firstName = (displayName: string): string => displayName.trim().split(/\s+/)[0] ?? '';

function wordsOf(language: string) {
  return WORDS[language as Language] ?? WORDS.da;
}

/** SMS and e-mail: the sentence and the one-time join link (or, when the link was withdrawn, where to go instead). */
export function readyMessage(language: string, workerName: string, joinUrl: string | null): { subject: string; text: string } {
  const words = wordsOf(language);
  const ready = words.ready(firstName(workerName));
  return { subject: ready.replace(/\.$/, ''), text: joinUrl ? `${ready} ${words.tapLink} ${joinUrl}` : `${ready} ${words.noLink}` };
}

/** The push payload: the device is signed in, so a tap opens the app's home, where "Deltag" is the one big button. */
export function readyPush(language: string, workerName: string): ReadyPush {
  const words = wordsOf(language);
  const name = firstName(workerName);
  return { title: words.ready(name).replace(/\.$/, ''), body: words.tapPush, url: '/' };
}
