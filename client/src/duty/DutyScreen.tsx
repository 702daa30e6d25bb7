import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { DutyRequest, MyDuty } from '../../../protocol/duty';
import { api, ApiError } from '../api';
import { formatClock, formatLongDay } from '../i18n/locale';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { ConfirmButton } from '../ui/ConfirmButton';
import { Notice, type Outcome } from '../ui/Notice';
import { useVideoSessions } from '../pages/worker';
import { Chat } from './Chat';
import { CameraIcon, ChatIcon, PhoneIcon } from '../ui/icons';
import { useLive } from '../events/live';
import { chimeAndNotify } from '../ui/alert';
import { telHref } from '../ui/tel';
import { minutesSince, useTick } from './clock';
import { useDutyTexts, type DutyText } from './staffTexts';

/**
 * The requests I may answer now, live over /events (no polling while connected): a new one chimes softly and shows
 * a notification that names no one (lock screens and synced devices show them), the list says who, how, about what
 * and how long ago; "Jeg tager den" claims it — a colleague who was faster makes it "En kollega tog den" — and then
 * one press: the video session, the phone number as a tel: link, or the chat.
 */
export function DutyRequests({ compact = false }: { compact?: boolean }) {
  const d = useDutyTexts();
  const [requests, setRequests] = useState<DutyRequest[] | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useLive(['dutyRequestsChanged'], () => {
    api('GET /api/contact-requests').then((list) => {
      setRequests(list);
      setFailed(null);
    }, (e: unknown) => setFailed(e));
  });
  useNewRequestAlert(requests, d('notification'));
  useTick(15_000);

  if (failed && !requests) return <Notice outcome={{ failed }} />;
  if (!requests) return compact ? null : <p role="status">{d('loading')}</p>;
  if (requests.length === 0) return compact ? null : <p className="calm-empty">{d('empty')}</p>;
  return (
    <section className="duty-requests" aria-labelledby="duty-requests-title">
      <h2 id="duty-requests-title">{d('requestsTitle')}</h2>
      <ul className="duty-list">
        {requests.map((request) => <RequestRow key={request.id} request={request} />)}
      </ul>
    </section>
  );
}

/** The "Vagt" tab: when my shift is, then the list. Also for a worker not on a shift: their own citizens' requests. */
export function DutyScreen() {
  const d = useDutyTexts();
  const { locale } = useI18n();
  const [duty, setDuty] = useState<MyDuty | null>(null);
  useEffect(() => {
    api('GET /api/duty/me').then(setDuty, () => undefined);
  }, []);
  const shift = duty?.current[0];
  const next = duty?.upcoming[0];
  return (
    <section className="card workspace-page duty-page" aria-labelledby="duty-title">
      <header className="page-head">
        <h1 id="duty-title">{d('title')}</h1>
        {duty && (
          <p className="page-date">
            {shift
              ? d('onShift', { team: shift.teamName, end: formatClock(shift.end, locale) })
              : next
                ? d('notOnShiftNext', { when: `${formatLongDay(next.start.slice(0, 10), locale)} ${formatClock(next.start, locale)}` })
                : d('notOnShift')}
          </p>
        )}
      </header>
      <DutyRequests />
      <NotificationOffer />
    </section>
  );
}

function RequestRow({ request }: { request: DutyRequest }) {
  const d = useDutyTexts();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [phone, setPhone] = useState<string | null | undefined>(undefined);
  const [chatOpen, setChatOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const { enter } = useVideoSessions();
  const age = minutesSince(request.createdAt);
  const way: { label: DutyText; icon: ReactNode } =
    request.way === 'video' ? { label: 'wayVideo', icon: <CameraIcon /> } : request.way === 'phone' ? { label: 'wayPhone', icon: <PhoneIcon /> } : { label: 'wayChat', icon: <ChatIcon /> };

  const claim = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const claimed = await api('POST /api/contact-requests/:requestId/claim', { params: { requestId: request.id } });
      if (request.way === 'phone') setPhone(claimed.citizenPhone);
      if (request.way === 'chat') setChatOpen(true);
    } catch (failed) {
      setOutcome({ failed });
    } finally {
      setBusy(false);
    }
  };
  const close = async () => {
    try {
      await api('POST /api/contact-requests/:requestId/close', { params: { requestId: request.id } });
      // Done with the request: on to its two-minute note (client/src/notes/), as after a video call.
      navigate({ name: 'new-note', source: { requestId: request.id } });
    } catch (failed) {
      setOutcome({ failed });
    }
  };

  const mine = request.status === 'claimed' && request.mine;
  return (
    <li className={request.status === 'waiting' ? 'duty-row duty-waiting' : 'duty-row'}>
      <div className="duty-row-head">
        <span className="name">{request.citizenName}</span>
        <span className="duty-age">{age < 1 ? d('justNow') : d('minutesAgo', { minutes: String(age) })}</span>
      </div>
      <p className="duty-way with-icon">{way.icon}<span>{d(way.label)}</span>{request.answerer === 'duty' && <span className="badge">{d('queueDuty')}</span>}</p>
      {request.topic && <p className="duty-topic">“{request.topic}”</p>}
      {request.crisisPlanShared && (
        <p className="duty-plan">
          <a href={`/citizens/${request.citizenId}/crisis-plan`} onClick={(e) => { e.preventDefault(); navigate({ name: 'citizen-crisis-plan', citizenId: request.citizenId }); }}>
            {d('crisisPlan')}
          </a>
        </p>
      )}
      <div className="duty-actions">
        {request.status === 'waiting' && (
          <button type="button" className="primary-inline" disabled={busy} onClick={() => void claim()}>{d('claim')}</button>
        )}
        {mine && request.way === 'video' && request.callId && (
          <button type="button" className="primary-inline with-icon" onClick={() => enter(request.callId!)}><CameraIcon />{d('startVideo')}</button>
        )}
        {mine && request.way === 'phone' && phone && (
          <a className="duty-tel with-icon" href={telHref(phone)}><PhoneIcon />{d('callNumber', { number: phone })}</a>
        )}
        {mine && request.way === 'phone' && phone === null && <p>{d('noPhone')}</p>}
        {mine && request.way === 'chat' && (
          <button type="button" className="primary-inline with-icon" aria-expanded={chatOpen} onClick={() => setChatOpen(!chatOpen)}><ChatIcon />{d(chatOpen ? 'hideChat' : 'openChat')}</button>
        )}
        {mine && <ConfirmButton className="quiet-danger" label={d('close')} question={d('closeQuestion')} confirmLabel={d('closeYes')} onConfirm={() => void close()} />}
        {request.status === 'claimed' && !request.mine && <p>{d('takenBy', { name: request.claimedByName ?? '' })}</p>}
      </div>
      <Notice outcome={outcome} describe={(t, e) => (e instanceof ApiError && e.code === 'already_claimed' ? d('alreadyClaimed') : null)} />
      {mine && request.way === 'chat' && chatOpen && <Chat requestId={request.id} canWrite />}
    </li>
  );
}

/**
 * A soft chime and a system notification for each request that was not in the list before (not for those already
 * there when the screen opened: the list itself shows those). The notification names nobody.
 */
function useNewRequestAlert(requests: DutyRequest[] | null, title: string): void {
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!requests) return;
    const waiting = requests.filter((r) => r.status === 'waiting').map((r) => r.id);
    const before = known.current;
    known.current = new Set([...(before ?? []), ...waiting]);
    if (!before || waiting.every((id) => before.has(id))) return;
    chimeAndNotify({ pitchHz: 587, volume: 0.15, seconds: 1, title, tag: 'naervaer-duty' });
  }, [requests]);
}

/** Asking for notifications needs a press (browsers refuse a request out of the blue); offered only while undecided. */
function NotificationOffer() {
  const d = useDutyTexts();
  const [permission, setPermission] = useState(() => ('Notification' in window ? Notification.permission : 'denied'));
  if (permission !== 'default') return null;
  return (
    <p className="duty-notify">
      <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>{d('allowNotifications')}</button>
    </p>
  );
}
