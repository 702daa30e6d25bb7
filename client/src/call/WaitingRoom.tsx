import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n';
import { firstName } from '../citizen/when';
import { formatDateTime, INTL_LOCALE, organisationToday, ORGANISATION_ZONE, type Locale } from '../i18n/locale';
import type { CallEngine, CallView } from './engine';
import { CameraOffIcon } from '../ui/icons';
import { CameraButton, LeaveButton, MicButton } from './CallButtons';

/** "12.45" today (in the organisation's zone); the date too on another day. */
function appointmentTime(instant: string, locale: Locale): string {
  const today = organisationToday();
  if (organisationToday(new Date(instant)) !== today) return formatDateTime(instant, locale);
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone: ORGANISATION_ZONE, hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
}

/**
 * The citizen's waiting room: who knows they are waiting, the time they agreed, their own picture to fix hair and
 * light, microphone and camera, and a way out. Nothing else: no chat, no other controls. A line the worker sends
 * ("Jeg kommer om 2 minutter") is shown big and read out.
 */
export function WaitingRoom({ view, engine, onLeave }: { view: CallView; engine: CallEngine; onLeave(): void }) {
  const { t, locale } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const stream = view.localStream;
  const showSelf = !!stream && view.cameraOn && !view.audioOnly && stream.getVideoTracks().length > 0;
  useEffect(() => {
    if (video.current && stream) video.current.srcObject = stream;
  }, [stream, showSelf]);
  const session = view.session;
  const host = session ? firstName(session.hostName) : null;
  const message = view.waitingMessage;
  const heading =
    view.phase === 'reconnecting' ? t('call.reconnecting') : view.phase === 'waiting' && host ? t('call.waitingRoom.knows', { name: host }) : t('call.connecting');

  return (
    <section className="call waiting-room" aria-labelledby="waiting-title" data-phase={view.phase}>
      <div className="stage-area">
        <div className="waiting-card">
          <h1 id="waiting-title">{heading}</h1>
          {/* The sentence the waiting room has always said: the citizen does not have to do anything. */}
          {view.phase === 'waiting' && <p>{t('call.waiting')}</p>}
          {view.phase === 'reconnecting' && <p>{t('call.reconnecting.help')}</p>}
          {session?.appointmentStartsAt && <p>{t('call.waitingRoom.at', { time: appointmentTime(session.appointmentStartsAt, locale) })}</p>}
          <div className="waiting-message" aria-live="polite" data-testid="waiting-message">
            {message && (
              <p>
                <span className="from">{t('call.waitingRoom.from', { name: firstName(message.displayName) })}</span>
                <span className="text">{'quick' in message ? t(message.quick === 'in2' ? 'call.quick.in2' : 'call.quick.in5') : message.text}</span>
              </p>
            )}
          </div>
        </div>
        <figure className="waiting-self">
          {showSelf ? <video ref={video} autoPlay playsInline muted className="local-video" /> : <div className="avatar" aria-hidden="true"><CameraOffIcon /></div>}
          <figcaption>{showSelf ? t('call.waitingRoom.self') : t('call.waitingRoom.cameraOff')}</figcaption>
        </figure>
      </div>
      <div className="controls" role="toolbar" aria-label={t('call.controls')}>
        <MicButton view={view} engine={engine} />
        {!view.audioOnly && <CameraButton view={view} engine={engine} />}
        <LeaveButton label="call.leave" shortLabel="call.short.leave" onClick={onLeave} />
      </div>
    </section>
  );
}
