import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ChatMessage } from '../../../protocol/duty';
import { api } from '../api';
import { useI18n } from '../i18n/i18n';
import { Notice, type Outcome } from '../ui/Notice';
import { useLive } from '../events/live';
import { useTalkTexts } from './useTalkTexts';

/**
 * The chat of a contact request, the same for the citizen and the one who took it: the messages (mine on the right),
 * and under them a big field and "Send". On a phone with the keyboard open the field stays right above it and the
 * newest message just above the field: the log scrolls on its own, never the page under a finger.
 */
export function Chat({ requestId, canWrite }: { requestId: string; canWrite: boolean }) {
  const { t, locale } = useI18n();
  const w = useTalkTexts();
  const [messages, setMessages] = useState<ChatMessage[] | null>(null);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const log = useRef<HTMLOListElement>(null);

  useLive(['contactMessagesChanged'], () => {
    api('GET /api/contact-requests/:requestId/messages', { params: { requestId } }).then(setMessages, (failed: unknown) => setOutcome({ failed }));
  });
  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [messages?.length]);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim() || sending) return;
    setSending(true);
    setOutcome(null);
    try {
      const message = await api('POST /api/contact-requests/:requestId/messages', { params: { requestId }, body: { text } });
      setMessages((previous) => (previous?.some((m) => m.id === message.id) ? previous : [...(previous ?? []), message]));
      setText('');
    } catch (failed) {
      setOutcome({ failed });
    } finally {
      setSending(false);
    }
  };

  const clock = (instant: string) => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale === 'sv' ? 'sv-SE' : 'da-DK', { timeZone: 'Europe/Copenhagen', hour: 'numeric', minute: '2-digit' }).format(new Date(instant));
  return (
    <section className="duty-chat" aria-label={w('chatTitle')}>
      {messages === null && outcome === null && <p role="status">{t('app.loading')}</p>}
      {messages && messages.length === 0 && <p className="calm-empty">{w('chatEmpty')}</p>}
      {messages && messages.length > 0 && (
        <div className="duty-chat-log" role="log" aria-live="polite" tabIndex={0} aria-label={w('chatTitle')}>
          <ol ref={log}>
            {messages.map((message) => (
              <li key={message.id} className={message.mine ? 'mine' : 'theirs'}>
                <span className="duty-chat-who">{message.mine ? w('chatMe') : message.authorName} · {clock(message.sentAt)}</span>
                <span className="duty-chat-text">{message.text}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
      {canWrite && (
        <form className="duty-chat-form" onSubmit={(e) => void send(e)}>
          <label>
            <span className="visually-hidden">{w('chatField')}</span>
            <textarea value={text} rows={2} maxLength={2000} placeholder={w('chatField')} onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) void send(e); }} />
          </label>
          <button type="submit" className="primary-inline" disabled={sending}>{w('chatSend')}</button>
        </form>
      )}
      <Notice outcome={outcome} />
    </section>
  );
}
