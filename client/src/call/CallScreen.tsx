import { useEffect, useId, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Role } from '../../../protocol/common';
import { useI18n } from '../i18n/i18n';
import { useAdaptTexts } from './adaptTexts';
import { CallEnded } from './CallEnded';
import { Chat, ChatPreview, InviteColleague, Sheet, WriteToWaiting } from './CallSheets';
import { StaffHelpButton } from '../volunteer-times/StaffHelpButton';
import { CallEngine, type CallView, type PeerEvent, type RemotePeer } from './engine';
import type { TokenRoute } from './roomTokens';
import {
  AudioOnlyIcon, ChatIcon, InviteIcon, MicOffIcon, MoreIcon, MovePictureIcon,
  SwitchCameraIcon, WriteIcon, CrisisPlanIcon,
} from '../ui/icons';
import { chimeAndNotify } from '../ui/alert';
import { CameraButton, LeaveButton, MicButton } from './CallButtons';
import { nextCorner, SelfView, useSelfViewCorner } from './SelfView';
import { WaitingRoom } from './WaitingRoom';
import { ReadyNoticeLine } from '../push/ReadyNoticeLine';
import { LazyCrisisPlanInCall } from '../crisis/LazyCrisis';

/** The sheet over the stage, if one is open: the "Mere" menu, the chat, inviting a colleague, or a line to someone waiting. */
type OpenSheet = { kind: 'more' } | { kind: 'chat' } | { kind: 'invite' } | { kind: 'write'; peerId: string; name: string } | { kind: 'crisis' } | null;

/**
 * The call itself: a compact top strip (who, how long, the connection), the stage (the others' pictures, one's own
 * in a corner), and a bar of a few big buttons — microphone, camera, "Mere", and the red one to end or leave. The
 * rest (chat, audio only, switching camera, a colleague, moving one's picture) is behind "Mere". Staff see who waits
 * above the stage. A citizen who is still waiting sees the waiting room instead.
 */
/** The device check starts the engine itself when "Deltag" is tapped (pages/CallPage.tsx), from this chunk. */
export { CallEngine };

export function CallScreen({ callId, role, stream, audioOnly, onClose, tokenRoute, ahead }: {
  callId: string;
  role: Role;
  stream: MediaStream | null;
  audioOnly: boolean;
  onClose(): void;
  /** Where room tokens come from: the signed-in call's route, or a reminder or guest link's narrow session (see engine.ts). */
  tokenRoute?: TokenRoute;
  /** The engine the device check started when "Deltag" was tapped, if it did (pages/CallPage.tsx); else one is made here. */
  ahead?: { engine?: CallEngine | null };
}) {
  const { t } = useI18n();
  const [engine] = useState(() => {
    // Not started yet: none will be now; this screen makes its own.
    if (ahead && ahead.engine === undefined) ahead.engine = null;
    return ahead?.engine ?? new CallEngine(callId, { audioOnly, localStream: stream, ...(tokenRoute ? { tokenRoute } : {}) });
  });
  const view = useSyncExternalStore((cb) => engine.subscribe(cb), () => engine.view);
  const staff = role !== 'citizen';
  // Before the join's answer, staff are taken to host (most do); the answer says for sure.
  const hosting = view.session ? view.session.youHost : staff;

  useEffect(() => {
    engine.start();
    return () => engine.close();
  }, [engine]);

  useWaitingAlert(staff ? view.waiting.map((w) => w.displayName) : [], t);
  const [sheet, setSheet] = useState<OpenSheet>(null);
  const moreButton = useRef<HTMLButtonElement>(null);
  const sheetId = useId();
  const [corner, setCorner] = useSelfViewCorner();
  const cameras = useCameraCount();
  // Messages that came while the chat was closed: a dot on "Mere" and on "Chat" until it is opened.
  const [seen, setSeen] = useState(0);
  const incoming = view.chat.filter((m) => !m.mine).length;
  const chatOpen = sheet?.kind === 'chat';
  useEffect(() => {
    if (chatOpen) setSeen(incoming);
  }, [chatOpen, incoming]);
  const unread = !chatOpen && incoming > seen;

  if (view.phase === 'ended') {
    return <CallEnded callId={callId} reason={view.endReason ?? 'ended_by_staff'} staff={staff} hosting={hosting} onClose={onClose} />;
  }
  const hangUp = () => void engine.hangUp(hosting);
  // Until a citizen is first let in, whatever happens (a dropped connection too) happens in the waiting room.
  if (!staff && view.inCallSince === null) {
    return <WaitingRoom view={view} engine={engine} onLeave={hangUp} />;
  }

  /** Closes the open sheet; focus goes back to "Mere", where the person was. */
  const closeSheet = () => {
    setSheet(null);
    moreButton.current?.focus();
  };
  const showSelf = !!view.localStream && !view.audioOnly && view.cameraOn && view.localStream.getVideoTracks().length > 0;
  const stageNotice = view.phase === 'reconnecting' ? 'reconnecting' : view.noMedia && view.phase === 'in_call' ? 'no-media' : null;

  return (
    <section className="call" aria-label={t('app.name')} data-phase={view.phase}>
      <TopStrip view={view} />

      {staff && view.waiting.length > 0 && (
        <div className="call-notices">
          <div className="waiting-list" role="region" aria-label={t('call.waitingList')}>
            <h2>{t('call.waitingList')}</h2>
            {view.waiting.map((w) => (
              <div key={w.peerId} className="waiting-row">
                <button type="button" className="primary" onClick={() => void engine.admit(w.peerId)}>
                  {t('call.admit', { name: w.displayName })}
                </button>
                <button type="button" className="write-button" aria-label={t('call.write.to', { name: w.displayName })}
                  onClick={() => setSheet({ kind: 'write', peerId: w.peerId, name: w.displayName })}>
                  <WriteIcon />
                  <span>{t('call.write')}</span>
                </button>
              </div>
            ))}
          </div>
        </div>
      )}

      <div className="stage-area">
        <div className={`stage peers-${Math.min(view.peers.length, 4)}`}>
          {view.phase === 'in_call' && view.peers.length === 0 && (
            <div className="empty-stage">
              <p>{t('call.nobodyYet')}</p>
              {staff && <ReadyNoticeLine callId={callId} />}
            </div>
          )}
          {view.peers.map((peer) => (
            <RemoteTile key={peer.peerId} peer={peer} audioOnly={view.audioOnly} />
          ))}
        </div>
        {showSelf && !stageNotice && !view.suggestAudioOnly && <SelfView stream={view.localStream!} label={t('call.you')} corner={corner} onCorner={setCorner} />}
        <Announcements events={view.peerEvents} />
        <ChatPreview messages={view.chat} hidden={chatOpen} corner={corner} />

        {stageNotice === 'reconnecting' && (
          <div className="stage-notice" data-testid="reconnecting">
            <p className="title">{t('call.reconnecting')}</p>
            <p>{t('call.reconnecting.help')}</p>
          </div>
        )}
        {stageNotice === 'no-media' && (
          <div className="stage-notice" role="alert" data-testid="no-media">
            <p className="title">{t('call.noMedia.title')}</p>
            <p>{t('call.noMedia.try')}</p>
            <p>{t(staff ? 'call.noMedia.staff' : 'call.noMedia.citizen')}</p>
            <button type="button" className="primary" onClick={() => engine.reconnect()}>{t('call.noMedia.retry')}</button>
          </div>
        )}

        {view.suggestAudioOnly && !stageNotice && !sheet && !chatOpen && <AudioOnlySuggestion engine={engine} />}

        {sheet?.kind === 'more' && (
          <Sheet id={sheetId} title={t('call.more')} className="menu" onClose={closeSheet}>
            <div className="menu-items">
              <MenuButton icon={<ChatIcon />} label={t('call.chat')} badge={unread} onClick={() => setSheet({ kind: 'chat' })} />
              <MenuButton icon={<AudioOnlyIcon />} label={t('call.audioOnlyOn')} pressed={view.audioOnly} onClick={() => void engine.setAudioOnly(!view.audioOnly)} />
              {cameras > 1 && !view.audioOnly && <MenuButton icon={<SwitchCameraIcon />} label={t('call.switchCamera')} onClick={() => void engine.switchCamera()} />}
              {showSelf && <MenuButton icon={<MovePictureIcon />} label={t('call.movePicture')} onClick={() => setCorner(nextCorner(corner))} />}
              {staff && role !== 'volunteer' && (hosting || role === 'coordinator') && <MenuButton icon={<InviteIcon />} label={t('call.invite')} onClick={() => setSheet({ kind: 'invite' })} />}
              {role === 'volunteer' && hosting && <StaffHelpButton callId={callId} />}
              {!staff && <MenuButton icon={<CrisisPlanIcon />} label={t('crisis.title')} onClick={() => setSheet({ kind: 'crisis' })} />}
            </div>
          </Sheet>
        )}
        {/* "Min kriseplan" over the call, so the call goes on while the citizen reads it (client/src/crisis/). */}
        {sheet?.kind === 'crisis' && (
          <Sheet id={sheetId} title={t('crisis.title')} onClose={closeSheet}>
            <LazyCrisisPlanInCall />
          </Sheet>
        )}
        {/* Kept mounted while closed (hidden): a half-written message survives closing and opening the chat. */}
        <Chat id={chatOpen ? sheetId : undefined} open={chatOpen} onClose={closeSheet} messages={view.chat} onSend={(text) => engine.sendChat(text)} disabled={view.phase !== 'in_call'} />
        {sheet?.kind === 'invite' && (
          <Sheet id={sheetId} title={t('call.invite')} onClose={closeSheet}>
            <InviteColleague callId={callId} />
          </Sheet>
        )}
        {sheet?.kind === 'write' && (
          <Sheet id={sheetId} title={t('call.write.to', { name: sheet.name })} onClose={() => setSheet(null)}>
            <WriteToWaiting name={sheet.name} onSend={(line) => engine.sendWaitingMessage(sheet.peerId, line)} />
          </Sheet>
        )}
      </div>

      <div className="controls" role="toolbar" aria-label={t('call.controls')}>
        <MicButton view={view} engine={engine} />
        <CameraButton view={view} engine={engine} />
        <button ref={moreButton} type="button" className="call-button" aria-expanded={sheet?.kind === 'more'} aria-controls={sheet?.kind === 'more' ? sheetId : undefined}
          onClick={() => (sheet?.kind === 'more' ? closeSheet() : setSheet({ kind: 'more' }))}>
          <span className="call-button-icon"><MoreIcon />{unread && <span className="unread-dot" />}</span>
          <span className="call-button-label">{t('call.more')}</span>
          {unread && <span className="visually-hidden"> ({t('call.unread')})</span>}
        </button>
        <LeaveButton label={hosting ? 'call.end' : 'call.leave'} shortLabel={hosting ? 'call.short.end' : 'call.short.leave'} onClick={hangUp} />
      </div>
    </section>
  );
}

/** Camera on and off; in audio-only mode it brings the video back (the camera is what the person asks for). */
function MenuButton({ icon, label, onClick, pressed, badge }: { icon: ReactNode; label: string; onClick(): void; pressed?: boolean; badge?: boolean }) {
  const { t } = useI18n();
  return (
    <button type="button" className="menu-button" aria-pressed={pressed} onClick={onClick}>
      <span className="menu-icon">{icon}{badge && <span className="unread-dot" />}</span>
      <span>{label}</span>
      {badge && <span className="visually-hidden"> ({t('call.unread')})</span>}
    </button>
  );
}

/** Who is in the call, for how long, and how the connection is: one short line, so the pictures get the screen. */
function TopStrip({ view }: { view: CallView }) {
  const { t } = useI18n();
  const names = view.peers.map((p) => p.displayName).join(', ');
  return (
    <div className="call-top">
      <p className="call-who">{names}</p>
      {view.inCallSince !== null && <Duration since={view.inCallSince} label={t('call.duration')} />}
      <p className="call-status" role="status" aria-live="polite">
        {view.phase === 'in_call' && <span className={`quality-dot quality-${view.quality}`} aria-hidden="true" />}
        {view.phase === 'connecting' && t('call.connecting')}
        {view.phase === 'waiting' && t('call.waiting')}
        {/* said in the middle of the stage too; here for screen readers, not twice on a narrow strip */}
        {view.phase === 'reconnecting' && <span className="visually-hidden">{t('call.reconnecting')}</span>}
        {view.phase === 'in_call' && t(`call.quality.${view.quality}`)}
      </p>
    </div>
  );
}

function Duration({ since, label }: { since: number; label: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const hours = Math.floor(seconds / 3600);
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(hours ? 2 : 1, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return (
    <p className="call-duration">
      <span className="visually-hidden">{label} </span>
      <time>{hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`}</time>
    </p>
  );
}

/** How many cameras this device has: "Skift kamera" only where there is another one to switch to. */
function useCameraCount(): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let stopped = false;
    const read = () =>
      navigator.mediaDevices?.enumerateDevices().then((devices) => {
        if (!stopped) setCount(devices.filter((d) => d.kind === 'videoinput').length);
      }, () => undefined);
    void read();
    navigator.mediaDevices?.addEventListener('devicechange', read);
    return () => {
      stopped = true;
      navigator.mediaDevices?.removeEventListener('devicechange', read);
    };
  }, []);
  return count;
}

/** How long an announcement ("Anne (kollega) er kommet med") stays on screen. */
const ANNOUNCEMENT_MS = 6000;

/** Someone came or went: a short toast on the stage, read out politely by screen readers. */
function Announcements({ events }: { events: PeerEvent[] }) {
  const { t } = useI18n();
  const [shown, setShown] = useState<PeerEvent[]>([]);
  const lastId = useRef(0);
  // Each announcement has its own timer: a second one coming soon after must not keep the first on screen.
  const timers = useRef(new Set<number>());
  useEffect(() => () => timers.current.forEach((timer) => window.clearTimeout(timer)), []);
  useEffect(() => {
    const fresh = events.filter((e) => e.id > lastId.current);
    if (fresh.length === 0) return;
    lastId.current = Math.max(...fresh.map((e) => e.id));
    setShown((now) => [...now, ...fresh].slice(-3));
    const timer = window.setTimeout(() => {
      timers.current.delete(timer);
      setShown((now) => now.filter((e) => !fresh.includes(e)));
    }, ANNOUNCEMENT_MS);
    timers.current.add(timer);
  }, [events]);
  const text = (e: PeerEvent) =>
    e.kind === 'left'
      ? t('call.announce.left', { name: e.displayName })
      : t(e.role === 'citizen' ? 'call.announce.joined' : 'call.announce.joinedColleague', { name: e.displayName });
  return (
    <div className="announcements" role="status" aria-live="polite">
      {shown.map((e) => <p key={e.id}>{text(e)}</p>)}
    </div>
  );
}

function RemoteTile({ peer, audioOnly }: { peer: RemotePeer; audioOnly: boolean }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const hasVideo = peer.stream.getVideoTracks().length > 0;
  const tracks = peer.stream.getTracks().map((tr) => tr.id).join(',');
  useEffect(() => {
    if (video.current && video.current.srcObject !== peer.stream) video.current.srcObject = peer.stream;
    if (audio.current && audio.current.srcObject !== peer.stream) audio.current.srcObject = peer.stream;
  }, [peer.stream, tracks]);
  const showVideo = hasVideo && !audioOnly && !peer.videoPaused;
  return (
    <figure className="tile" data-peer={peer.peerId} data-muted={peer.audioMuted} data-camera-off={!showVideo && !audioOnly}>
      {/* audio plays from its own element so that it keeps playing when the video is hidden */}
      <audio ref={audio} autoPlay />
      <video ref={video} className="remote-video" autoPlay playsInline muted hidden={!showVideo} />
      {!showVideo && (
        <div className="tile-off">
          <div className="avatar" aria-hidden="true">{peer.displayName.slice(0, 1)}</div>
          {!audioOnly && <p className="tile-state">{t('call.videoPaused')}</p>}
        </div>
      )}
      <figcaption>
        {peer.audioMuted && (
          <span className="muted-mark" title={t('call.peerMuted')}>
            <MicOffIcon />
            <span className="visually-hidden">{t('call.peerMuted')}: </span>
          </span>
        )}
        {peer.displayName}
      </figcaption>
    </figure>
  );
}

/**
 * A waiting citizen must not go unnoticed: a soft chime and, if allowed, a system notification. The notification
 * names nobody: system notifications show on lock screens and synced devices, the name is on the call screen.
 */
function useWaitingAlert(names: string[], t: (key: 'call.someoneWaiting') => string): void {
  const known = useRef(new Set<string>());
  const key = names.join('|');
  useEffect(() => {
    const fresh = names.filter((n) => !known.current.has(n));
    known.current = new Set(names);
    if (fresh.length === 0) return;
    chimeAndNotify({ pitchHz: 660, volume: 0.2, seconds: 0.8, title: t('call.someoneWaiting'), tag: 'naervaer-waiting' });
  }, [key]);
}

/**
 * Video cannot be had on this network just now (adapt.ts): offer sound only, at the foot of the picture, without
 * covering faces. The person decides; "keep the picture" is not asked again for a while.
 */
function AudioOnlySuggestion({ engine }: { engine: CallEngine }) {
  const a = useAdaptTexts();
  return (
    <div className="stage-suggestion" role="alert" data-testid="suggest-audio-only">
      <p className="title">{a('title')}</p>
      <p>{a('body')}</p>
      <div className="stage-suggestion-actions">
        <button type="button" className="primary" onClick={() => void engine.acceptAudioOnly()}>{a('accept')}</button>
        <button type="button" onClick={() => engine.declineAudioOnly()}>{a('decline')}</button>
      </div>
    </div>
  );
}
