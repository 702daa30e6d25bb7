import { useState, type ReactNode } from 'react';
import type { ContactWay, MyContactRequest, OutOfHours } from '../../../protocol/duty';
import { api, ApiError } from '../api';
import { loadCallScreen } from '../call/LazyCallScreen';
import { useI18n } from '../i18n/i18n';
import { goBack, navigate } from '../router';
import { ConfirmButton } from '../ui/ConfirmButton';
import { Notice, type Outcome } from '../ui/Notice';
import { Chat } from './Chat';
import { CameraIcon, ChatIcon, PhoneIcon, TalkIcon } from '../ui/icons';
import type { TalkText } from './talkTexts';
import { useTalkTexts } from './useTalkTexts';
import { useLive } from '../events/live';
import { telHref } from '../ui/tel';
import { minutesUntil, useTick } from './clock';

type State =
  | { kind: 'loading' }
  | { kind: 'choose' }
  /** No one can answer now: nothing was stored; the organisation's own words and numbers. */
  | { kind: 'no-one'; outOfHours: OutOfHours }
  | { kind: 'asked'; request: MyContactRequest };

/**
 * "Jeg vil gerne tale med nogen" (/talk): how (video, a phone call, writing) and, if the citizen wants, what it is
 * about; then at once who answers and roughly when, with "Fortryd"; live, "Bo har set din besked", and a video
 * request's "Deltag" (the same two taps as a session a worker opens). When no one can answer, the organisation's text
 * and its emergency numbers, big and tappable. One thing on the screen at a time.
 */
export function CitizenTalk() {
  const { t } = useI18n();
  const w = useTalkTexts();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  /** "Du har fortrudt", next to where Fortryd was, until the next choice. */
  const [cancelled, setCancelled] = useState(false);

  const load = () => {
    api('GET /api/my/contact-requests/current').then(
      (request) => setState((previous) => (request ? { kind: 'asked', request } : previous.kind === 'no-one' ? previous : { kind: 'choose' })),
      (failed: unknown) => setOutcome({ failed }),
    );
  };
  useLive(['myContactRequestChanged'], load);

  const ask = async (way: ContactWay, topic: string) => {
    setOutcome(null);
    setCancelled(false);
    try {
      const created = await api('POST /api/my/contact-requests', { body: topic.trim() ? { way, topic: topic.trim() } : { way } });
      setState(created.outcome === 'routed' ? { kind: 'asked', request: created.request } : { kind: 'no-one', outOfHours: created.outOfHours });
    } catch (failed) {
      // Already asked (another tab, a double tap): show that one.
      if (failed instanceof ApiError && failed.code === 'conflict') load();
      else setOutcome({ failed });
    }
  };
  const cancel = async (request: MyContactRequest) => {
    setOutcome(null);
    try {
      await api('POST /api/my/contact-requests/:requestId/cancel', { params: { requestId: request.id } });
      setState({ kind: 'choose' });
      setCancelled(true);
    } catch (failed) {
      setOutcome({ failed });
      load();
    }
  };

  return (
    <section className="card citizen-home talk" aria-labelledby="talk-title">
      <h1 id="talk-title">{w(state.kind === 'no-one' ? 'noOneTitle' : 'title')}</h1>
      {state.kind === 'loading' && outcome === null && <p role="status">{t('app.loading')}</p>}
      {state.kind === 'choose' && <Choose onAsk={ask} />}
      {state.kind === 'asked' && <Asked request={state.request} onCancel={() => void cancel(state.request)} />}
      {state.kind === 'no-one' && <NoOne outOfHours={state.outOfHours} />}
      <Notice outcome={outcome} />
      {cancelled && state.kind === 'choose' && <p role="status" className="notice notice-ok">{w('cancelled')}</p>}
      {state.kind !== 'asked' && (
        <button type="button" className="link-back" onClick={() => goBack({ name: 'home' })}>{w('back')}</button>
      )}
    </section>
  );
}

const WAYS: { way: ContactWay; label: TalkText; icon: ReactNode }[] = [
  { way: 'video', label: 'video', icon: <CameraIcon /> },
  { way: 'phone', label: 'phone', icon: <PhoneIcon /> },
  { way: 'chat', label: 'chat', icon: <ChatIcon /> },
];

function Choose({ onAsk }: { onAsk(way: ContactWay, topic: string): Promise<void> }) {
  const w = useTalkTexts();
  const [topic, setTopic] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <>
      <label className="talk-topic">
        <span>{w('topic')}</span>
        <span className="hint-inline" id="talk-topic-hint">{w('topicHint')}</span>
        <input type="text" value={topic} maxLength={200} aria-describedby="talk-topic-hint" onChange={(e) => setTopic(e.target.value)} />
      </label>
      <p className="big">{w('how')}</p>
      <div className="talk-ways" role="group" aria-label={w('how')}>
        {WAYS.map(({ way, label, icon }) => (
          <button key={way} type="button" className="primary big-button with-icon" disabled={busy} onClick={() => {
            setBusy(true);
            void onAsk(way, topic).finally(() => setBusy(false));
          }}>
            {icon}
            <span>{w(label)}</span>
          </button>
        ))}
      </div>
    </>
  );
}

/** Who answers and roughly when, while it waits; who took it, once someone has; the chat of a chat request. */
function Asked({ request, onCancel }: { request: MyContactRequest; onCancel(): void }) {
  const { t } = useI18n();
  const w = useTalkTexts();
  useTick(30_000);
  const minutes = String(minutesUntil(request.answerBy));
  const name = request.name ?? '';
  const waiting = request.status === 'waiting';
  // In the duty queue with no one on a shift covering me (it moved from my worker before the evening shift began):
  // no one is there to see it, so the organisation's text and numbers, not a promise.
  if (waiting && request.outOfHours) {
    return (
      <>
        <NoOne outOfHours={request.outOfHours} />
        <ConfirmButton className="talk-cancel" label={w('cancel')} question={w('cancelQuestion')} confirmLabel={w('cancelYes')} onConfirm={onCancel} />
      </>
    );
  }
  const line = waiting
    ? request.answerer === 'own_worker'
      ? w(request.way === 'video' ? 'ownVideo' : request.way === 'phone' ? 'ownPhone' : 'ownChat', { name, minutes })
      : w(request.way === 'video' ? 'dutyVideo' : request.way === 'phone' ? 'dutyPhone' : 'dutyChat', { minutes })
    : w('seen', { name: request.claimedByName ?? '' });
  return (
    <>
      <div className={waiting ? 'talk-status' : 'talk-status talk-taken'} role="status">
        <TalkIcon />
        <p className="big">{line}</p>
      </div>
      {request.topic && <p className="talk-topic-shown">{w('yourTopic', { topic: request.topic })}</p>}
      {!waiting && request.way === 'video' && request.callId && (
        <div className="join-box ready-box">
          <button type="button" className="primary big-button" onClick={() => {
            void loadCallScreen();
            navigate({ name: 'call', callId: request.callId!, step: 'check', via: 'sign-in' });
          }}>
            {t('call.join')}
          </button>
        </div>
      )}
      {!waiting && request.way === 'phone' && <p>{w('phoneComing', { name: request.claimedByName ?? '' })}</p>}
      {request.way === 'chat' && <Chat requestId={request.id} canWrite />}
      {waiting && (
        <ConfirmButton className="talk-cancel" label={w('cancel')} question={w('cancelQuestion')} confirmLabel={w('cancelYes')} onConfirm={onCancel} />
      )}
    </>
  );
}

/** No one can answer now: the organisation's words, and each number as a big button that calls it. */
function NoOne({ outOfHours }: { outOfHours: OutOfHours }) {
  const w = useTalkTexts();
  const numbers = outOfHours.numbers.some((n) => n.number.replace(/\D/g, '') === '112') ? outOfHours.numbers : [...outOfHours.numbers, { label: w('emergency'), number: '112' }];
  return (
    <>
      <p className="big">{outOfHours.text || w('noOneText')}</p>
      <ul className="talk-numbers">
        {numbers.map((n) => (
          <li key={n.number}>
            <a className="talk-call" href={telHref(n.number)}>
              <PhoneIcon />
              <span><span className="talk-call-label">{n.label}</span> <span className="talk-call-number">{n.number}</span></span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}
