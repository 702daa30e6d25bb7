import { useEffect, useState } from 'react';
import type { FreeTime, FreeTimes, VolunteerAppointment } from '../../../protocol/volunteer-times';
import { api, ApiError } from '../api';
import { appointmentWhen } from '../citizen/when';
import { useI18n } from '../i18n/i18n';
import { ConfirmButton } from '../ui/ConfirmButton';
import { Notice, type Outcome } from '../ui/Notice';
import { useVolunteerTimeTexts } from './texts';

type Modality = VolunteerAppointment['modality'];
/** How many of the next free times are offered at once: enough to choose, few enough to read on a phone. */
const SHOWN = 6;

/**
 * On the citizen's home, under their volunteers: the times they have booked with a volunteer (to cancel), and for
 * each volunteer they are matched with "Book en tid med Frida", which opens the next free times right here. The
 * volunteer is named by their chosen name only. Nothing shows for a citizen without a volunteer.
 */
export function CitizenVolunteerTimes() {
  const v = useVolunteerTimeTexts();
  const { t, locale } = useI18n();
  const [free, setFree] = useState<FreeTimes[] | null>(null);
  const [booked, setBooked] = useState<VolunteerAppointment[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [failure, setFailure] = useState<Outcome | null>(null);

  const load = () => {
    api('GET /api/my/volunteer-free-times').then(setFree, () => setFree([]));
    api('GET /api/my/volunteer-bookings').then(setBooked, () => undefined);
  };
  useEffect(load, []);
  if (!free || (free.length === 0 && booked.length === 0)) return null;

  const when = (start: string) => appointmentWhen(start, locale, t).inline;
  const cancel = async (a: VolunteerAppointment) => {
    setFailure(null);
    try {
      await api('POST /api/my/volunteer-bookings/:appointmentId/cancel', { params: { appointmentId: a.id } });
      setSaid(v('cancelled'));
      load();
    } catch (failed) {
      setFailure({ failed });
    }
  };

  return (
    <section className="volunteer-times-home">
      {booked.length > 0 && (
        <>
          <h2 id="volunteer-times-home-title">{v('yourTimes')}</h2>
          <ul className="list volunteer-bookings">
            {booked.map((a) => (
              <li key={a.id}>
                <span>{when(a.start)} {v('withName', { name: a.otherName })}</span>
                <ConfirmButton label={v('cancel')} question={v('cancelQuestion', { when: when(a.start), name: a.otherName })} confirmLabel={v('cancelYes')} onConfirm={() => void cancel(a)} />
              </li>
            ))}
          </ul>
        </>
      )}
      {free.map((volunteer) => (
        open === volunteer.volunteerId ? (
          <FreeTimePicker key={volunteer.volunteerId} volunteer={volunteer} onBooked={(a) => { setOpen(null); setSaid(v('booked', { when: when(a.start), name: a.otherName })); load(); }} onClose={() => setOpen(null)} />
        ) : (
          <button key={volunteer.volunteerId} type="button" className="big-button" onClick={() => { setSaid(null); setOpen(volunteer.volunteerId); }}>
            {v('bookButton', { name: volunteer.chosenName })}
          </button>
        )
      ))}
      {said && <p role="status" className="notice notice-ok">{said}</p>}
      <Notice outcome={failure} />
    </section>
  );
}

function FreeTimePicker({ volunteer, onBooked, onClose }: { volunteer: FreeTimes; onBooked(a: VolunteerAppointment): void; onClose(): void }) {
  const v = useVolunteerTimeTexts();
  const { t, locale } = useI18n();
  const [modality, setModality] = useState<Modality>('video');
  const [chosen, setChosen] = useState<FreeTime | null>(null);
  const [failure, setFailure] = useState<Outcome | null>(null);
  const [taken, setTaken] = useState(false);
  const when = (start: string) => appointmentWhen(start, locale, t).inline;

  const book = async (time: FreeTime) => {
    setFailure(null);
    setTaken(false);
    try {
      onBooked(await api('POST /api/volunteers/:volunteerId/bookings', { params: { volunteerId: volunteer.volunteerId }, body: { start: time.start, modality } }));
    } catch (failed) {
      if (failed instanceof ApiError && (failed.code === 'overlap' || failed.status === 400)) setTaken(true);
      else setFailure({ failed });
      setChosen(null);
    }
  };

  const headingId = `book-${volunteer.volunteerId}`;
  return (
    <div className="volunteer-book" role="group" aria-labelledby={headingId}>
      <h3 id={headingId}>{v('bookTitle', { name: volunteer.chosenName })}</h3>
      {volunteer.times.length === 0 ? <p className="calm-empty">{v('bookNone', { name: volunteer.chosenName })}</p> : chosen ? (
        <div className="volunteer-book-confirm">
          <button type="button" className="primary big-button" onClick={() => void book(chosen)}>{v('bookConfirm', { when: when(chosen.start) })}</button>
          <button type="button" onClick={() => setChosen(null)}>{v('back')}</button>
        </div>
      ) : (
        <>
          <p>{v('bookIntro')}</p>
          <ul className="volunteer-free-times">
            {volunteer.times.slice(0, SHOWN).map((time) => (
              <li key={time.start}><button type="button" onClick={() => setChosen(time)}>{appointmentWhen(time.start, locale, t).line}</button></li>
            ))}
          </ul>
          <fieldset className="volunteer-modality">
            <legend>{v('bookHow')}</legend>
            {(['video', 'phone', 'chat'] as const).map((m) => (
              <label key={m} className="checkbox">
                <input type="radio" name={`modality-${volunteer.volunteerId}`} value={m} checked={modality === m} onChange={() => setModality(m)} />
                {v(m)}
              </label>
            ))}
          </fieldset>
          <button type="button" onClick={onClose}>{v('back')}</button>
        </>
      )}
      {taken && <p role="alert" className="notice notice-error">{v('taken')}</p>}
      <Notice outcome={failure} />
    </div>
  );
}
