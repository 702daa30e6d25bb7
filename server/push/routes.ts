/** Web Push over HTTP: the public VAPID key, and a citizen's device subscribing to "your worker is ready" or not. */
import { HttpError } from '../http/errors.js';
import { route } from '../http/route.js';
import type { App, FeatureDeps } from '../http/types.js';
import { isAllowedPushEndpoint } from './endpoint.js';
import type { VapidKeys } from './keys.js';

export function pushRoutes(app: App, { config }: FeatureDeps, vapid: () => VapidKeys): void {
  const store = app.push;

  /** Public: a browser needs it before it can subscribe, and it is only a public key. */
  route(app, 'GET /api/push/key', async () => ({ publicKey: vapid().publicKey }));

  route(app, 'PUT /api/my/push-subscription', async ({ auth, body }) => {
    if (!isAllowedPushEndpoint(body.endpoint, config.publicUrl)) {
      throw new HttpError(400, 'validation', 'This browser’s push service is not one Nærvær sends to');
    }
    await store.subscribe(auth, body);
  });

  route(app, 'DELETE /api/my/push-subscription', async ({ auth, body }) => {
    await store.unsubscribe(auth, body.endpoint);
  });
}
