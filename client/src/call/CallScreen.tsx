import { useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';
import type { Role } from '../../../protocol/common';
import type { Colleague } from '../../../protocol/people';
import { api } from '../api';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { CallEngine, type RemotePeer } from './engine';
import { AudioOnlyIcon, CameraIcon, CameraOffIcon, ChatIcon, CloseSheetIcon, LeaveIcon, MicIcon, MicOffIcon, SwitchCameraIcon } from './icons';

/** The call itself: remote video, own preview, controls, chat; for staff also the waiting room and colleagues. */
export function CallScreen({ callId, role, stream, audioOnly, onClose, tokenRoute }: {
  callId: string;
  role: Role;
  stream: MediaStream | null;
  audioOnly: boolean;
  onClose(): void;
  /** Joining from a reminder link: room tokens come from the link's narrow session (see engine.ts). */
  tokenRoute?: 'POST /api/join/token';
}) {
  const { t } = useI18n();
  const [engine] = useState(() => new CallEngine(callId, { audioOnly, localStream: stream, ...(tokenRoute ? { tokenRoute } : {}) }));
  const view = useSyncExternalStore((cb) => engine.subscribe(cb), () => engine.view);
  const staff = role !== 'citizen';

  useEffect(() => {
    engine.start();
    return () => engine.close();
  }, [engine]);

  useWaitingAlert(staff ? view.waiting.map((w) => w.displayName) : [], t);
  const [chatOpen, setChatOpen] = useState(false);
  const chatButton = useRef<HTMLButtonElement>(null);
  const chatId = useId();
  // Messages that came while the sheet was closed: a dot on the chat button until it is opened.
  const [seen, setSeen] = useState(0);
  const incoming = view.chat.filter((m) => !m.mine).length;
  useEffect(() => {
    if (chatOpen) setSeen(incoming);
  }, [chatOpen, incoming]);
  const unread = !chatOpen && incoming > seen;

  if (view.phase === 'ended') {
    const reason = view.endReason ?? 'ended_by_staff';
    const { heading, detail } = endTexts(reason);
    return (
      <section className="card narrow ended" aria-live="polite" data-testid="call-ended" data-reason={reason}>
        <h1>{t(heading)}</h1>
        <p>{t(detail)}</p>
        <button type="button" className="primary" onClick={onClose}>{t('call.back')}</button>
      </section>
    );
  }

  const closeChat = () => {
    setChatOpen(false);
    chatButton.current?.focus();
  };

  return (
    <section className="call" aria-label={t('app.name')}>
      <p className="call-status" role="status" aria-live="polite">
        {view.phase === 'connecting' && t('call.connecting')}
        {view.phase === 'waiting' && t('call.waiting')}
        {view.phase === 'reconnecting' && t('call.reconnecting')}
        {view.phase === 'in_call' && <span className={`quality quality-${view.quality}`}>{t(`call.quality.${view.quality}`)}</span>}
      </p>

      {/* Above the stage, in the flow: nothing on the stage (self-view, chat sheet) can cover them. */}
      <div className="call-notices">
        {view.noMedia && view.phase !== 'waiting' && (
          <div className="no-media" role="alert" data-testid="no-media">
            <p><strong>{t('call.noMedia.title')}</strong></p>
            <p>{t('call.noMedia.try')}</p>
            <p>{t(staff ? 'call.noMedia.staff' : 'call.noMedia.citizen')}</p>
            <button type="button" className="primary" onClick={() => engine.reconnect()}>{t('call.noMedia.retry')}</button>
          </div>
        )}

        {staff && view.waiting.length > 0 && (
          <div className="waiting-list" role="region" aria-label={t('call.waitingList')}>
            <h2>{t('call.waitingList')}</h2>
            {view.waiting.map((w) => (
              <button key={w.peerId} type="button" className="primary" onClick={() => void engine.admit(w.peerId)}>
                {t('call.admit', { name: w.displayName })}
              </button>
            ))}
          </div>
        )}
      </div>

      <div className="stage-area">
        <div className={`stage peers-${Math.min(view.peers.length, 4)}`}>
          {view.phase === 'in_call' && view.peers.length === 0 && <p className="empty-stage">{t('call.nobodyYet')}</p>}
          {view.peers.map((peer) => (
            <RemoteTile key={peer.peerId} peer={peer} audioOnly={view.audioOnly} />
          ))}
        </div>
        {view.localStream && !view.audioOnly && view.cameraOn && <LocalPreview stream={view.localStream} label={t('call.you')} />}
        <ChatPreview messages={view.chat} hidden={chatOpen} />
        {/* Kept mounted while closed (hidden): a half-written message survives closing and opening the sheet. */}
        <Chat id={chatId} open={chatOpen} onClose={closeChat} messages={view.chat} onSend={(text) => engine.sendChat(text)} disabled={view.phase !== 'in_call'}>
          {staff && <InviteColleague callId={callId} />}
        </Chat>
      </div>

      <div className="controls" role="toolbar" aria-label={t('call.controls')}>
        <button type="button" className="call-button" aria-pressed={!view.micOn} onClick={() => void engine.setMic(!view.micOn)}>
          <span className="call-button-icon">{view.micOn ? <MicIcon /> : <MicOffIcon />}</span>
          <span className="call-button-label">{view.micOn ? t('call.mute') : t('call.unmute')}</span>
        </button>
        {!view.audioOnly && (
          <button type="button" className="call-button" aria-pressed={!view.cameraOn} onClick={() => void engine.setCamera(!view.cameraOn)}>
            <span className="call-button-icon">{view.cameraOn ? <CameraIcon /> : <CameraOffIcon />}</span>
            <span className="call-button-label">{view.cameraOn ? t('call.cameraOff') : t('call.cameraOn')}</span>
          </button>
        )}
        {!view.audioOnly && (
          <button type="button" className="call-button" onClick={() => void engine.switchCamera()}>
            <span className="call-button-icon"><SwitchCameraIcon /></span>
            <span className="call-button-label">{t('call.switchCamera')}</span>
          </button>
        )}
        <button type="button" className="call-button" aria-pressed={view.audioOnly} onClick={() => void engine.setAudioOnly(!view.audioOnly)}>
          <span className="call-button-icon">{view.audioOnly ? <CameraIcon /> : <AudioOnlyIcon />}</span>
          <span className="call-button-label">{view.audioOnly ? t('call.audioOnlyOff') : t('call.audioOnlyOn')}</span>
        </button>
        <button ref={chatButton} type="button" className="call-button" aria-expanded={chatOpen} aria-controls={chatId} onClick={() => (chatOpen ? closeChat() : setChatOpen(true))}>
          <span className="call-button-icon"><ChatIcon />{unread && <span className="unread-dot" />}</span>
          <span className="call-button-label">{t('call.chat')}</span>
        </button>
        <button type="button" className="call-button leave" onClick={() => void engine.hangUp(staff)}>
          <span className="call-button-icon"><LeaveIcon /></span>
          <span className="call-button-label">{staff ? t('call.end') : t('call.leave')}</span>
        </button>
      </div>
    </section>
  );
}

/** What the end screen says, by why the call ended for this person (sessionEnded.reason or removed.reason). */
function endTexts(reason: string): { heading: TextKey; detail: TextKey } {
  switch (reason) {
    case 'server_restart':
      return { heading: 'call.ended', detail: 'call.ended.serverRestart' };
    case 'server_shutdown':
      return { heading: 'call.ended', detail: 'call.ended.serverShutdown' };
    case 'removed':
      return { heading: 'call.ended.removed', detail: 'call.ended.closePage' };
    case 'signed_out':
      return { heading: 'call.ended.signedOut', detail: 'call.ended.closePage' };
    default:
      return { heading: 'call.ended', detail: 'call.endedThanks' };
  }
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
    <figure className="tile" data-peer={peer.peerId}>
      {/* audio plays from its own element so that it keeps playing when the video is hidden */}
      <audio ref={audio} autoPlay />
      <video ref={video} className="remote-video" autoPlay playsInline muted hidden={!showVideo} />
      {!showVideo && <div className="avatar" aria-hidden="true">{peer.displayName.slice(0, 1)}</div>}
      <figcaption>
        {peer.displayName}
        {hasVideo && peer.videoPaused && !audioOnly && <span className="hint"> · {t('call.videoPaused')}</span>}
      </figcaption>
    </figure>
  );
}

function LocalPreview({ stream, label }: { stream: MediaStream; label: string }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);
  return (
    <figure className="tile local">
      <video ref={video} autoPlay playsInline muted className="local-video" />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

type ChatMessage = { text: string; displayName: string; mine: boolean; at: string };

/** A sheet over the stage (its own close), as in the video apps people know; the invite form lives in it too. */
function Chat({ id, open, onClose, messages, onSend, disabled, children }: {
  id: string;
  open: boolean;
  onClose(): void;
  messages: ChatMessage[];
  onSend(text: string): Promise<void>;
  disabled: boolean;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const log = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [open, messages.length]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const message = text.trim();
    if (!message) return;
    void onSend(message).then(() => setText(''));
  };
  return (
    <div id={id} className="chat sheet" role="region" aria-label={t('call.chat')} hidden={!open}
      onKeyDown={(e) => { if (e.key === 'Escape') onClose(); }}>
      <div className="sheet-head">
        <h2>{t('call.chat')}</h2>
        <button type="button" className="sheet-close" onClick={onClose}>
          <CloseSheetIcon />
          <span>{t('call.back')}</span>
        </button>
      </div>
      {/* Rendered only while open: the closed sheet holds no second copy of a message (the preview shows it). */}
      {open && (
        <ol className="chat-log" aria-live="polite" ref={log}>
          {messages.map((m, i) => (
            <li key={`${m.at}-${i}`} className={m.mine ? 'mine' : ''}>
              <strong>{m.mine ? t('call.you') : m.displayName}:</strong> {m.text}
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={submit} className="inline-form chat-form">
        <label className="grow">
          <span className="visually-hidden">{t('call.chatPlaceholder')}</span>
          <input ref={input} value={text} maxLength={1000} placeholder={t('call.chatPlaceholder')} onChange={(e) => setText(e.target.value)} disabled={disabled} />
        </label>
        <button type="submit" disabled={disabled}>{t('call.send')}</button>
      </form>
      {children}
    </div>
  );
}

/** The newest message from someone else, over the stage for a few seconds while the chat sheet is closed. */
function ChatPreview({ messages, hidden }: { messages: ChatMessage[]; hidden: boolean }) {
  const latest = [...messages].reverse().find((m) => !m.mine);
  const [shown, setShown] = useState<ChatMessage | undefined>(undefined);
  // What was already on screen in the open sheet is not previewed again when it closes.
  const read = useRef<ChatMessage | undefined>(undefined);
  useEffect(() => {
    if (hidden) read.current = latest;
    if (!latest || hidden || latest === read.current) return setShown(undefined);
    setShown(latest);
    const timer = setTimeout(() => setShown(undefined), 10_000);
    return () => clearTimeout(timer);
    // a new message (or the sheet opening) restarts it; re-renders with the same newest message do not
  }, [latest?.at, latest?.text, hidden]);
  return (
    <p className="chat-preview" aria-live="polite">
      {shown && !hidden && <span><strong>{shown.displayName}:</strong> {shown.text}</span>}
    </p>
  );
}

function InviteColleague({ callId }: { callId: string }) {
  const { t } = useI18n();
  const [colleagues, setColleagues] = useState<Colleague[]>([]);
  const [chosen, setChosen] = useState('');
  const [done, setDone] = useState(false);
  useEffect(() => {
    api('GET /api/colleagues').then(setColleagues, () => undefined);
  }, []);
  if (colleagues.length === 0) return null;
  return (
    <form className="inline-form invite" onSubmit={(e) => { e.preventDefault(); if (chosen) void api('POST /api/calls/:callId/participants', { params: { callId }, body: { userId: chosen } }).then(() => setDone(true)); }}>
      <label className="grow">
        {t('call.invite')}
        <select value={chosen} onChange={(e) => { setChosen(e.target.value); setDone(false); }}>
          <option value="">—</option>
          {colleagues.map((c) => <option key={c.id} value={c.id}>{c.displayName}</option>)}
        </select>
      </label>
      <button type="submit">{t('call.inviteButton')}</button>
      {done && <p role="status" className="ok">{t('call.invited')}</p>}
    </form>
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
    try {
      const context = new AudioContext();
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = 660;
      gain.gain.setValueAtTime(0.2, context.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.8);
      tone.connect(gain).connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.8);
    } catch {
      // no audio output: the notification and the on-screen list remain
    }
    if ('Notification' in window && Notification.permission === 'granted') {
      new Notification(t('call.someoneWaiting'), { tag: 'naervaer-waiting' });
    }
  }, [key]);
}
