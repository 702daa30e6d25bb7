// The languages we speak, and how each writes dates and times. No imports, so code outside the client (the tests)
// can load it as it is.

export const LOCALES = ['da', 'en', 'sv'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return LOCALES.some((locale) => locale === value);
}

/** The browser's first language when it is one we speak (sv-FI is Swedish too); Danish otherwise, as the product is. */
export function browserLocale(language: string | undefined): Locale {
  const primary = language?.toLowerCase().split('-')[0];
  return primary === 'sv' || primary === 'en' ? primary : 'da';
}

/** The organisation's time zone: every date and time on a screen is its wall clock, wherever the browser is. */
export const ORGANISATION_ZONE = 'Europe/Copenhagen';

/** The Intl locale for each language (British English: day before month, 24-hour clock). */
export const INTL_LOCALE: Record<Locale, string> = { da: 'da-DK', en: 'en-GB', sv: 'sv-SE' };

/** Today's date in the organisation's zone, as YYYY-MM-DD (sv-SE writes dates in ISO order). */
export function organisationToday(now = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: ORGANISATION_ZONE }).format(now);
}

/** The calendar day `days` after (or before) a YYYY-MM-DD day. */
export function shiftDate(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A day heading for a YYYY-MM-DD date, as Intl writes it: "Onsdag 25. november", "Wednesday 25 November",
 * "Onsdag 25 november". Danish and Swedish write weekdays and months in lower case; only the heading's first letter
 * is a capital.
 */
export function formatDayHeading(day: string, locale: Locale): string {
  // Midday UTC is the same date in the organisation's zone all year round.
  const text = new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone: ORGANISATION_ZONE, weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(`${day}T12:00:00Z`));
  return text.charAt(0).toLocaleUpperCase(INTL_LOCALE[locale]) + text.slice(1);
}

/** A moment (an ISO timestamp) as a short date and time, for text such as a link's expiry. */
export function formatDateTime(instant: string, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone: ORGANISATION_ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(instant));
}

/** Which day a YYYY-MM-DD date is, seen from today in the organisation's zone: the words a citizen reads first. */
export function relativeDay(day: string, today = organisationToday()): 'today' | 'tomorrow' | 'other' {
  if (day === today) return 'today';
  return day === shiftDate(today, 1) ? 'tomorrow' : 'other';
}

/**
 * A day in running text, as Intl writes it in the language but without a capital: "onsdag 2. december",
 * "Wednesday 2 December" (English names keep theirs), "onsdag 2 december". Some Danish ICU data writes "onsdag den
 * 2. december": the "den" goes, as people write it in a short message.
 */
export function formatLongDay(day: string, locale: Locale): string {
  const parts = new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone: ORGANISATION_ZONE, weekday: 'long', day: 'numeric', month: 'long' }).formatToParts(new Date(`${day}T12:00:00Z`));
  return parts.map((part) => (part.type === 'literal' ? part.value.replace(/\s*den\s*/, ' ') : part.value)).join('').replace(/,/g, '');
}

/**
 * The clock time of a local "YYYY-MM-DDTHH:mm" (already the organisation's wall clock) as the language writes it:
 * "12.45" in Danish, "12:45" in English and Swedish, "9.00" without a leading zero as Danes say it.
 */
export function formatClock(localDateTime: string, locale: Locale): string {
  const [hours = '0', minutes = '00'] = localDateTime.slice(11, 16).split(':');
  return `${Number(hours)}${locale === 'da' ? '.' : ':'}${minutes}`;
}

/** The first letter a capital, for a text that starts a line ("I dag kl. 12.45", "Onsdag 2. december kl. 9.00"). */
export function capitalise(text: string, locale: Locale): string {
  return text.charAt(0).toLocaleUpperCase(INTL_LOCALE[locale]) + text.slice(1);
}
