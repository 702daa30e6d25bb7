import { useEffect } from 'react';
import { api } from '../api';

/** The subscription as the server's contract takes it (PushSubscription.toJSON() types its keys loosely). */
export function subscriptionBody(subscription: PushSubscription) {
  const json = subscription.toJSON();
  return { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } };
}

let kept = false;

/**
 * Once per start of the app by a signed-in citizen: if this phone takes "Bo er klar" notifications, the server is
 * told so again, under the sign-in the phone has now. The server keeps a subscription only as long as the sign-in it
 * was made under (and forgets it when its push service says it is gone): without this, a citizen who signed in
 * again with a new link would stop being told when the old sign-in expired, without anything to show for it.
 */
export function useKeptPushSubscription(): void {
  useEffect(() => {
    if (kept || !('serviceWorker' in navigator) || !('PushManager' in window)) return;
    kept = true;
    // `ready` never settles where no service worker is registered (a development build): then nothing happens.
    navigator.serviceWorker.ready
      .then((registration) => registration.pushManager.getSubscription())
      .then((subscription) => subscription && api('PUT /api/my/push-subscription', { body: subscriptionBody(subscription) }))
      .catch(() => undefined);
  }, []);
}
