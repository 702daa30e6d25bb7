import { danishDateTime } from '../time.js';

export interface ReminderFacts {
  kind: 'appointment' | 'medication';
  language: 'da' | 'en' | 'sv';
  timeZone: string;
  startsAt: Date | null;
  modality: 'video' | 'phone' | 'home_visit' | 'chat' | null;
  /** For video appointments: the citizen's one-time join link (secret in the fragment). */
  joinUrl: string | null;
  wording: string | null;
  dueAt: Date;
}

const englishDateTime = (d: Date, zone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
const localTime = (d: Date, zone: string) => new Intl.DateTimeFormat('da-DK', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

/**
 * The reminder's words. They reveal nothing sensitive — no department, diagnosis, worker title or names — only that
 * there is an appointment, when (local time), and how to join a video meeting.
 */
export function composeReminder(f: ReminderFacts): { subject: string; text: string } {
  const english = f.language === 'en';
  if (f.kind === 'medication') {
    const at = localTime(f.dueAt, f.timeZone);
    return { subject: english ? 'Reminder' : 'Påmindelse', text: `${f.wording} (${english ? 'at' : 'kl.'} ${at})` };
  }
  const when = english ? englishDateTime(f.startsAt!, f.timeZone) : danishDateTime(f.startsAt!, f.timeZone);
  const how = english
    ? { video: 'It is a video meeting. Join here:', phone: 'We will call you.', home_visit: 'We meet at your home.', chat: 'It is a chat.' }
    : { video: 'Det er en videosamtale. Deltag her:', phone: 'Vi ringer til dig.', home_visit: 'Vi mødes hjemme hos dig.', chat: 'Det er en chat.' };
  const lines = [english ? `Reminder: you have an appointment ${when}.` : `Påmindelse: Du har en aftale ${when}.`, how[f.modality ?? 'phone']];
  if (f.modality === 'video' && f.joinUrl) lines.push(f.joinUrl);
  return { subject: english ? 'Reminder of your appointment' : 'Påmindelse om din aftale', text: lines.join('\n') };
}
