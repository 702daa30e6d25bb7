import { useEffect, useState, type FormEvent } from 'react';
import type { MyAppointment } from '../../../protocol/booking';
import type { GuestInvitation, GuestLink } from '../../../protocol/guests';
import type { VolunteerAppointment } from '../../../protocol/volunteer-times';
import { api } from '../api';
import { appointmentWhen } from '../citizen/when';
import { useI18n } from '../i18n/i18n';
import { ConfirmButton } from '../ui/ConfirmButton';
import { Notice, type Outcome } from '../ui/Notice';
import { useGuestTexts } from './texts';

interface Meeting {
  id: string;
  start: string;
}

/**
 * "Inviter en gæst" on the citizen's "Mere": a relative or helper in one coming video call. The citizen picks the call,
 * writes the guest's name and approves: only then is the one-time link made, shown here once to send on (the phone's
 * share sheet, or copy). Their invitations are listed with how far they got, and can be withdrawn.
 */
export function InviteGuest() {
  const g = useGuestTexts();
  const { t, locale } = useI18n();
  const [meetings, setMeetings] = useState<Meeting[] | null>(null);
  const [invitations, setInvitations] = useState<GuestInvitation[]>([]);
  const [appointmentId, setAppointmentId] = useState('');
  const [name, setName] = useState('');
  const [link, setLink] = useState<{ url: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [failure, setFailure] = useState<Outcome | null>(null);
  const when = (start: string) => appointmentWhen(start, locale, t).inline;

  const load = () => {
    void Promise.all([
      api('GET /api/my/appointments').catch((): MyAppointment[] => []),
      api('GET /api/my/volunteer-bookings').catch((): VolunteerAppointment[] => []),
    ]).then(([staff, volunteers]) => {
      const video = [...staff, ...volunteers].filter((a) => a.modality === 'video').sort((a, b) => a.start.localeCompare(b.start));
      setMeetings(video.map((a) => ({ id: a.id, start: a.start })));
      setAppointmentId((current) => current || video[0]?.id || '');
    });
    api('GET /api/my/guest-invitations').then(setInvitations, () => undefined);
  };
  useEffect(load, []);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setCopied(false);
    try {
      const invitation = await api('POST /api/my/guest-invitations', { body: { appointmentId, guestName: name } });
      const made: GuestLink = await api('POST /api/my/guest-invitations/:invitationId/approve', { params: { invitationId: invitation.id } });
      setLink({ url: made.url, name: invitation.guestName });
      setName('');
      load();
    } catch (failed) {
      setFailure({ failed });
    }
  };
  const revoke = async (id: string) => {
    setFailure(null);
    try {
      await api('POST /api/my/guest-invitations/:invitationId/revoke', { params: { invitationId: id } });
      load();
    } catch (failed) {
      setFailure({ failed });
    }
  };
  const share = async (url: string) => {
    if (navigator.share) {
      await navigator.share({ url }).catch(() => undefined);
      return;
    }
    await navigator.clipboard?.writeText(url).then(() => setCopied(true), () => undefined);
  };

  if (meetings === null) return null;
  const statusText = { draft: null, approved: g('statusApproved'), used: g('statusUsed'), revoked: g('statusRevoked'), expired: null } as const;
  return (
    <section className="more-block invite-guest" aria-labelledby="invite-guest-title">
      <h2 id="invite-guest-title">{g('inviteTitle')}</h2>
      <p>{g('inviteIntro')}</p>
      {meetings.length === 0 ? <p className="calm-empty">{g('inviteNone')}</p> : (
        <form onSubmit={(e) => void create(e)} className="invite-guest-form">
          <label>
            {g('which')}
            <select value={appointmentId} onChange={(e) => setAppointmentId(e.target.value)}>
              {meetings.map((m) => <option key={m.id} value={m.id}>{appointmentWhen(m.start, locale, t).line}</option>)}
            </select>
          </label>
          <label>
            {g('name')}
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} required aria-describedby="guest-name-hint" />
          </label>
          <p id="guest-name-hint" className="hint">{g('nameHint')}</p>
          <button type="submit" className="primary">{g('create')}</button>
        </form>
      )}
      {link && (
        <div className="guest-link" role="status">
          <p>{g('linkReady', { name: link.name })}</p>
          <input readOnly value={link.url} aria-label={g('copy')} onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => void share(link.url)}>{'share' in navigator ? g('share') : g('copy')}</button>
          {copied && <p>{g('copied')}</p>}
        </div>
      )}
      <Notice outcome={failure} />
      {invitations.length > 0 && (
        <ul className="list guest-invitations">
          {invitations.filter((i) => statusText[i.status]).map((i) => (
            <li key={i.id}>
              <span><span className="name">{i.guestName}</span> · {when(i.start)} · {statusText[i.status]}</span>
              {i.status !== 'revoked' && (
                <ConfirmButton label={g('revoke')} question={g('revokeQuestion', { name: i.guestName })} confirmLabel={g('revokeYes')} onConfirm={() => void revoke(i.id)} />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
