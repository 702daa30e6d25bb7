import type { TextKey } from '../i18n/da';
import { capitalise, formatClock, formatLongDay, relativeDay, type Locale } from '../i18n/locale';

type Translate = (key: TextKey, values?: Record<string, string>) => string;

/**
 * When an appointment is, from its local start ("2026-12-02T12:45", the organisation's wall clock), in the reader's
 * language: "i dag kl. 12.45", "i morgen kl. 9.00", "onsdag 2. december kl. 12.45" — never the server's Danish
 * text. `inline` is for the middle of a sentence ("Vil du aflyse tiden i dag kl. 12.45?"), `line` starts a line.
 */
export function appointmentWhen(start: string, locale: Locale, t: Translate): { inline: string; line: string } {
  const day = start.slice(0, 10);
  const time = formatClock(start, locale);
  const relative = relativeDay(day);
  const inline =
    relative === 'today' ? t('citizen.today', { time }) : relative === 'tomorrow' ? t('citizen.tomorrow', { time }) : t('citizen.day', { day: formatLongDay(day, locale), time });
  return { inline, line: capitalise(inline, locale) };
}

/** How the citizen knows their worker: by first name ("Bo"), as they would say it. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}
