export type ReminderLanguage = 'da' | 'en' | 'sv';

export interface ReminderFacts {
  kind: 'appointment' | 'medication';
  /** The citizen's language (users.preferred_language: chosen by them in the app, or by staff for them). */
  language: ReminderLanguage;
  timeZone: string;
  startsAt: Date | null;
  modality: 'video' | 'phone' | 'home_visit' | 'chat' | null;
  /** For video appointments: the citizen's one-time join link (secret in the fragment). */
  joinUrl: string | null;
  wording: string | null;
  dueAt: Date;
}

type Modality = NonNullable<ReminderFacts['modality']>;

interface Words {
  intl: string;
  /** The word before a clock time: "kl. 10.00", "at 10:00". */
  at: string;
  reminder: string;
  subject: string;
  appointment(when: string): string;
  how: Record<Modality, string>;
}

// Short, plain sentences: many readers have the language as their second one, and an SMS is read at a glance.
const WORDS: Record<ReminderLanguage, Words> = {
  da: {
    intl: 'da-DK', at: 'kl.', reminder: 'Påmindelse', subject: 'Påmindelse om din aftale',
    appointment: (when) => `Påmindelse: Du har en aftale ${when}.`,
    how: { video: 'Det er en videosamtale. Deltag her:', phone: 'Vi ringer til dig.', home_visit: 'Vi mødes hjemme hos dig.', chat: 'Det er en chat.' },
  },
  en: {
    intl: 'en-GB', at: 'at', reminder: 'Reminder', subject: 'Reminder of your appointment',
    appointment: (when) => `Reminder: you have an appointment ${when}.`,
    how: { video: 'It is a video meeting. Join here:', phone: 'We will call you.', home_visit: 'We meet at your home.', chat: 'It is a chat.' },
  },
  sv: {
    intl: 'sv-SE', at: 'kl.', reminder: 'Påminnelse', subject: 'Påminnelse om ditt möte',
    appointment: (when) => `Påminnelse: Du har ett möte ${when}.`,
    how: { video: 'Det är ett videosamtal. Gå med här:', phone: 'Vi ringer dig.', home_visit: 'Vi träffas hemma hos dig.', chat: 'Det är en chatt.' },
  },
};

/** The clock time as the language writes it: "10.00" in Danish, "10:00" in English and Swedish (Intl decides). */
function clockTime(instant: Date, zone: string, words: Words): string {
  return new Intl.DateTimeFormat(words.intl, { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

/** "mandag 30. marts kl. 10.00", "Monday 30 March at 10:00", "måndag 30 mars kl. 10:00". */
export function reminderDateTime(instant: Date, zone: string, language: ReminderLanguage): string {
  const words = WORDS[language];
  const date = new Intl.DateTimeFormat(words.intl, { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long' }).format(instant);
  return `${date} ${words.at} ${clockTime(instant, zone, words)}`;
}

const ATTENDANCE_CHECK: Record<ReminderLanguage, (time: string) => string> = {
  da: (time) => `Passer det stadig i dag kl. ${time}? Svar JA, VIDEO eller NEJ.`,
  en: (time) => `Does today at ${time} still suit you? Reply YES, VIDEO or NO.`,
  sv: (time) => `Passar det fortfarande i dag kl. ${time}? Svara JA, VIDEO eller NEJ.`,
};

/**
 * The morning attendance check (issue 11) for a home visit or a phone appointment today: only the clock time and the
 * three answers, in the citizen's language. No name, no address, no kind of meeting: a shared phone may show it.
 */
export function composeAttendanceCheck(language: ReminderLanguage, timeZone: string, startsAt: Date): string {
  const words = WORDS[language] ?? WORDS.da;
  return (ATTENDANCE_CHECK[language] ?? ATTENDANCE_CHECK.da)(clockTime(startsAt, timeZone, words));
}

/**
 * The reminder's words, in the citizen's language. They reveal nothing sensitive — no department, diagnosis, worker
 * title or names — only that there is an appointment, when (local time), and how to join a video meeting.
 */
export function composeReminder(f: ReminderFacts): { subject: string; text: string } {
  const words = WORDS[f.language] ?? WORDS.da;
  if (f.kind === 'medication') {
    return { subject: words.reminder, text: `${f.wording} (${words.at} ${clockTime(f.dueAt, f.timeZone, words)})` };
  }
  const lines = [words.appointment(reminderDateTime(f.startsAt!, f.timeZone, f.language)), words.how[f.modality ?? 'phone']];
  if (f.modality === 'video' && f.joinUrl) lines.push(f.joinUrl);
  return { subject: words.subject, text: lines.join('\n') };
}
