import type { Appointment } from '../../../protocol/booking';
import { navigate } from '../router';
import { useI18n } from '../i18n/i18n';
import { useNotesTexts } from './staffTexts';

/**
 * On I dag: today's phone calls, home visits and chats that have begun, each with "Skriv notat" (a video session has
 * its note step when the call ends). The note opens as a draft for the appointment; done, it shows what was saved.
 */
export function NotesToWrite({ appointments }: { appointments: Appointment[] }) {
  const { t } = useI18n();
  const nt = useNotesTexts();
  const now = Date.now();
  const begun = appointments.filter((a) => a.modality !== 'video' && a.status !== 'cancelled' && new Date(a.startsAt).getTime() <= now);
  if (begun.length === 0) return null;
  return (
    <section aria-labelledby="notes-to-write-title" className="notes-to-write">
      <h2 id="notes-to-write-title">{nt('toWrite')}</h2>
      <ul className="list day-list">
        {begun.map((a) => {
          const time = `${a.start.slice(11)}–${a.end.slice(11)}`;
          return (
            <li key={a.id}>
              <span><strong>{time}</strong> {a.citizenName} · {t(`modality.${a.modality}`)}</span>
              <button type="button" aria-label={nt('writeNoteFor', { name: a.citizenName, time })}
                onClick={() => navigate({ name: 'new-note', source: { appointmentId: a.id } })}>
                {nt('writeNote')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
