import { useTextTable } from '../i18n/i18n';
import { TALK_TEXTS, type TalkText } from './talkTexts';

/** `t` for these texts, in the app's language; `{name}` and the like are filled in as in i18n. */
export function useTalkTexts(): (key: TalkText, values?: Record<string, string>) => string {
  return useTextTable(TALK_TEXTS);
}
