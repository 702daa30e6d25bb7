import { useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { subscriptionBody as bodyOf } from './keep';
import { BellIcon } from '../ui/icons';

/**
 * What this device does about "Bo er klar" notifications: not known yet, off (the button asks), on, blocked in the
 * browser's settings, or not possible here (no service worker or Push API, or a push service the server does not
 * send to). `busy` while a tap is being carried out; `failed` keeps the failure for its text.
 */
type State =
  | { kind: 'checking' | 'unavailable' | 'off' | 'on' | 'blocked' | 'busy' }
  | { kind: 'failed'; cause: unknown };

const supported = () => typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** The VAPID key as pushManager.subscribe takes it (base64url → bytes). */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}


/**
 * The service worker's registration, once it is active. Production builds register one when the page has loaded
 * (citizen/pwa.ts); a development build never does, and this never resolves — the opt-in then stays hidden.
 */
const registration = (): Promise<ServiceWorkerRegistration> => navigator.serviceWorker.ready;

/**
 * "Få besked, når Bo er klar": the citizen's opt-in to a notification on this phone when their worker opens a video
 * session. Asks the browser for permission only when tapped (never on its own: a prompt out of nowhere is refused
 * and cannot be asked again). Hidden where push is not possible, heading (`title`) and all. `workerName`: the name to
 * use in its texts (else "din medarbejder").
 */
export function ReadyNotifications({ workerName, title }: { workerName?: string; title?: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: supported() ? 'checking' : 'unavailable' });
  const name = workerName ?? t('push.yourWorker');

  useEffect(() => {
    if (!supported()) return;
    let stopped = false;
    void (async () => {
      const subscription = await (await registration()).pushManager.getSubscription();
      let next: State['kind'] = subscription ? 'on' : Notification.permission === 'denied' ? 'blocked' : 'off';
      if (subscription) {
        // Told again on every start: the server forgets a device when its sign-in ends or its push service drops it.
        await api('PUT /api/my/push-subscription', { body: bodyOf(subscription) }).catch(() => {
          next = 'off';
        });
      }
      if (!stopped) setState({ kind: next });
    })().catch(() => !stopped && setState({ kind: 'unavailable' }));
    return () => {
      stopped = true;
    };
  }, []);

  const turnOn = async () => {
    setState({ kind: 'busy' });
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') return setState({ kind: permission === 'denied' ? 'blocked' : 'off' });
      const { publicKey } = await api('GET /api/push/key');
      const subscription = await (await registration()).pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
      try {
        await api('PUT /api/my/push-subscription', { body: bodyOf(subscription) });
      } catch (error) {
        // A push service the server does not send to: undo, and say notifications do not work in this browser.
        if (error instanceof ApiError && error.code === 'validation') {
          await subscription.unsubscribe();
          return setState({ kind: 'unavailable' });
        }
        throw error;
      }
      setState({ kind: 'on' });
    } catch (cause) {
      setState({ kind: 'failed', cause });
    }
  };

  const turnOff = async () => {
    setState({ kind: 'busy' });
    try {
      const subscription = await (await registration()).pushManager.getSubscription();
      if (subscription) {
        await api('DELETE /api/my/push-subscription', { body: { endpoint: subscription.endpoint } });
        await subscription.unsubscribe();
      }
      setState({ kind: 'off' });
    } catch (cause) {
      setState({ kind: 'failed', cause });
    }
  };

  if (state.kind === 'checking' || state.kind === 'unavailable') return null;
  // Off: only the button, which says what it does. Otherwise a line saying how things are.
  const text: Record<Exclude<State['kind'], 'checking' | 'unavailable' | 'off'>, TextKey> = {
    on: 'push.onText', blocked: 'push.blocked', busy: 'push.busy', failed: 'push.failed',
  };
  return (
    <div className={`ready-notifications ${state.kind}`}>
      {title && <h2>{title}</h2>}
      {state.kind !== 'off' && <p role="status">{t(text[state.kind], { name })}</p>}
      {(state.kind === 'off' || state.kind === 'failed') && (
        <button type="button" className="primary" onClick={() => void turnOn()}>
          <BellIcon />
          {/* Under a heading that already says what for, the button says only what it does. */}
          <span>{t(title ? 'push.turnOnShort' : 'push.turnOn', { name })}</span>
        </button>
      )}
      {state.kind === 'on' && (
        <button type="button" onClick={() => void turnOff()}>{t('push.turnOff')}</button>
      )}
    </div>
  );
}
