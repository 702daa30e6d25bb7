import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Colleague } from '../../../protocol/people';
import { api } from '../api';
import { useI18n } from '../i18n/i18n';
import { CloseSheetIcon } from '../ui/icons';
import type { Corner } from './SelfView';

/**
 * A sheet over the stage, as in the video apps people know: from the bottom on a phone, at the side when wide. Its
 * first control takes the focus; Escape or its own button closes it (the caller puts the focus back).
 */
export function Sheet({ id, title, className, onClose, children, hidden = false }: {
  id?: string;
  title: string;
  className?: string;
  onClose(): void;
  children: ReactNode;
  hidden?: boolean;
}) {
  const { t } = useI18n();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (hidden) return;
    const first = root.current?.querySelector<HTMLElement>('.sheet-body button, .sheet-body input, .sheet-body select');
    (first ?? root.current?.querySelector<HTMLElement>('.sheet-close'))?.focus();
  }, [hidden]);
  return (
    <div id={id} ref={root} className={`sheet${className ? ` ${className}` : ''}`} role="region" aria-label={title} hidden={hidden}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}>
      <div className="sheet-head">
        <h2>{title}</h2>
        <button type="button" className="sheet-close" onClick={onClose}>
          <CloseSheetIcon />
          <span>{t('call.close')}</span>
        </button>
      </div>
      <div className="sheet-body">{children}</div>
    </div>
  );
}

type ChatMessage = { text: string; displayName: string; mine: boolean; at: string };

/** The chat, as a sheet. Kept mounted while closed, so a half-written message survives closing and opening it. */
export function Chat({ id, open, onClose, messages, onSend, disabled }: {
  id?: string;
  open: boolean;
  onClose(): void;
  messages: ChatMessage[];
  onSend(text: string): Promise<void>;
  disabled: boolean;
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
    </div>
  );
}

/** The newest message from someone else, over the stage for a few seconds while the chat is closed. */
export function ChatPreview({ messages, hidden, corner }: { messages: ChatMessage[]; hidden: boolean; corner: Corner }) {
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
  // On the side away from one's own picture.
  return (
    <p className={`chat-preview ${corner.startsWith('top') ? 'below' : 'above'}`} aria-live="polite">
      {shown && !hidden && <span><strong>{shown.displayName}:</strong> {shown.text}</span>}
    </p>
  );
}

export function InviteColleague({ callId }: { callId: string }) {
  const { t } = useI18n();
  const [colleagues, setColleagues] = useState<Colleague[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [done, setDone] = useState(false);
  useEffect(() => {
    api('GET /api/colleagues').then(setColleagues, () => setColleagues([]));
  }, []);
  if (colleagues === null) return <p role="status">{t('app.loading')}</p>;
  if (colleagues.length === 0) return <p>{t('call.invite.none')}</p>;
  return (
    <form className="invite" onSubmit={(e) => { e.preventDefault(); if (chosen) void api('POST /api/calls/:callId/participants', { params: { callId }, body: { userId: chosen } }).then(() => setDone(true)); }}>
      <label>
        {t('call.invite.who')}
        <select value={chosen} onChange={(e) => { setChosen(e.target.value); setDone(false); }}>
          <option value="">—</option>
          {colleagues.map((c) => <option key={c.id} value={c.id}>{c.displayName}</option>)}
        </select>
      </label>
      <button type="submit" className="primary">{t('call.inviteButton')}</button>
      {done && <p role="status" className="ok">{t('call.invited')}</p>}
    </form>
  );
}

/** Staff to a citizen in the waiting room: two usual lines (the citizen reads them in their own language), or their own. */
export function WriteToWaiting({ name, onSend }: { name: string; onSend(line: { quick: 'in2' | 'in5' } | { text: string }): Promise<void> }) {
  const { t } = useI18n();
  const [own, setOwn] = useState('');
  const [state, setState] = useState<'idle' | 'sent' | 'failed'>('idle');
  const send = (line: { quick: 'in2' | 'in5' } | { text: string }) => {
    void onSend(line).then(() => {
      setState('sent');
      setOwn('');
    }, () => setState('failed'));
  };
  return (
    <div className="write-waiting">
      <button type="button" className="primary" onClick={() => send({ quick: 'in2' })}>{t('call.quick.in2')}</button>
      <button type="button" className="primary" onClick={() => send({ quick: 'in5' })}>{t('call.quick.in5')}</button>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); if (own.trim()) send({ text: own.trim() }); }}>
        <label className="grow">
          {t('call.write.own')}
          <input value={own} maxLength={200} onChange={(e) => setOwn(e.target.value)} />
        </label>
        <button type="submit">{t('call.send')}</button>
      </form>
      <p role="status" className={state === 'failed' ? 'error' : 'ok'}>
        {state === 'sent' && t('call.write.sent', { name })}
        {state === 'failed' && t('call.write.failed')}
      </p>
    </div>
  );
}
