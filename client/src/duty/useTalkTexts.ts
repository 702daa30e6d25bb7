import { useI18n } from '../i18n/i18n';
import { TALK_TEXTS, type TalkText } from './talkTexts';

/** `t` for these texts, in the app's language; `{name}` and the like are filled in as in i18n. */
export function useTalkTexts(): (key: TalkText, values?: Record<string, string>) => string {
  const { locale } = useI18n();
  return (key, values = {}) => TALK_TEXTS[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}
