/**
 * The service worker: Nærvær opens from the home screen without a network, with "Mine aftaler" as last fetched, and
 * shows the "Bo er klar" push notices (server/reminders/ready-text.ts). Built by vite-plugin-pwa (injectManifest): `self.__WB_MANIFEST` becomes
 * the list of the build's files with their revisions.
 *
 * What it keeps, and nothing else:
 * - the app shell (the build's HTML, JS, CSS, icons, manifest), precached at install;
 * - the answer to GET /api/my/appointments, network first, the cached copy only when the network fails;
 * - the answer to GET /api/my/crisis-plan ("Min kriseplan", the people to call in a bad moment), the same way.
 * Every other request — the rest of /api (never stored: personal data, and /api/join's one-time links), socket.io,
 * calendar files — is not touched at all and goes to the network as if there were no service worker.
 *
 * Updates after a deploy: skipWaiting + clientsClaim, so the new worker takes over at once, and pages are always
 * fetched network first (the precached index.html is used only offline). A reload therefore always gets the new
 * shell with the new asset names, never a stale index.html pointing at files the server no longer has. A page left
 * open keeps running the code it loaded; a lazy chunk it had not loaded yet is asked of the server, as it would be
 * without a service worker. Nothing reloads a page by itself: that could end a call.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { KEPT_LIST_CACHES, MY_APPOINTMENTS_CACHE } from './citizen/pwa';
import { CRISIS_PLAN_CACHE } from './crisis/cache';

// The client's TypeScript program has the DOM's types, not the worker's: the little of the worker's world used here.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  data: { json(): unknown } | null;
}
interface NotificationEvent extends ExtendableEvent {
  notification: Notification & { data?: unknown };
}
interface WindowClient {
  url: string;
  focus(): Promise<WindowClient>;
  navigate(url: string): Promise<WindowClient | null>;
}
interface ServiceWorkerScope {
  location: Location;
  registration: ServiceWorkerRegistration;
  clients: { matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>; openWindow(url: string): Promise<WindowClient | null> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableEvent & { data: unknown; ports: readonly MessagePort[] }) => void): void;
}
const worker = self as unknown as ServiceWorkerScope;

void worker.skipWaiting();
clientsClaim();

// Pages (every client route is the one index.html): network first, the precached shell offline. Registered before
// the precache's own route, so "/" is never answered from the precache while the server can be reached.
registerRoute(
  new NavigationRoute(
    async ({ request }) => {
      try {
        return await fetch(request);
      } catch {
        return (await matchPrecache('/index.html')) ?? Response.error();
      }
    },
    { denylist: [/^\/api\//, /^\/socket\.io\//] },
  ),
);

// No directory index or clean URLs: the precache answers only for the exact files of the build.
const shell: (PrecacheEntry | string)[] =
  // @ts-expect-error -- the plugin writes the build's file list here, in exactly this spelling; DOM types lack it.
  self.__WB_MANIFEST;
precacheAndRoute(shell, { directoryIndex: '', cleanURLs: false });
cleanupOutdatedCaches();

/**
 * When the page last had the kept lists forgotten (log out, another citizen signing in on this phone). An answer to a
 * request sent before that is not kept: on a slow line it can arrive after the page emptied the caches, and would put
 * the signed-out citizen's list back.
 */
let keptListsForgottenAt = 0;
worker.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type !== 'forget-kept-lists') return;
  keptListsForgottenAt = Date.now();
  event.waitUntil(Promise.all(KEPT_LIST_CACHES.map((name) => caches.delete(name))).then(() => event.ports[0]?.postMessage('forgotten')));
});

/** Keeps only a 200 (an error or a signed-out 401 never replaces the list), and only one asked for since the last forgetting. */
const keepCurrentAnswers = {
  requestWillFetch: async ({ request, state }: { request: Request; state?: Record<string, unknown> }) => {
    if (state) state.sentAt = Date.now();
    return request;
  },
  cacheWillUpdate: async ({ response, state }: { response: Response; state?: Record<string, unknown> }) =>
    response.status === 200 && Number(state?.sentAt ?? 0) > keptListsForgottenAt ? response : null,
};

// "Mine aftaler": the network's answer when there is one (and it is kept); the last kept answer when there is none.
// The page empties this cache at log out.
registerRoute(
  ({ url, request }) => request.method === 'GET' && url.origin === worker.location.origin && url.pathname === '/api/my/appointments' && url.search === '',
  new NetworkFirst({
    cacheName: MY_APPOINTMENTS_CACHE,
    networkTimeoutSeconds: 8,
    plugins: [keepCurrentAnswers],
  }),
);

// "Min kriseplan", kept the same way: a bad moment is often one without data or Wi-Fi, and the plan's numbers must
// open then too. The page empties this cache at log out as well.
registerRoute(
  ({ url, request }) => request.method === 'GET' && url.origin === worker.location.origin && url.pathname === '/api/my/crisis-plan' && url.search === '',
  new NetworkFirst({
    cacheName: CRISIS_PLAN_CACHE,
    networkTimeoutSeconds: 8,
    plugins: [keepCurrentAnswers],
  }),
);

/** The push payload (ReadyPush in protocol/push.ts): `{ title, body, url }`, naming no one but the worker by first name. */
function readPayload(event: PushEvent): { title: string; body: string; url: string } {
  let data: Partial<Record<'title' | 'body' | 'url', unknown>> = {};
  try {
    data = (event.data?.json() ?? {}) as typeof data;
  } catch {
    // Not JSON: the notice is still shown, with the app's name.
  }
  const text = (value: unknown, fallback: string) => (typeof value === 'string' && value.trim() ? value.slice(0, 200) : fallback);
  return { title: text(data.title, 'Nærvær'), body: text(data.body, ''), url: safePath(data.url) };
}

/** Only a path of this app is opened from a notice, never another site. */
function safePath(url: unknown): string {
  if (typeof url !== 'string') return '/';
  try {
    const parsed = new URL(url, worker.location.origin);
    return parsed.origin === worker.location.origin ? parsed.pathname + parsed.search + parsed.hash : '/';
  } catch {
    return '/';
  }
}

worker.addEventListener('push', (event) => {
  const { title, body, url } = readPayload(event);
  // One notice at a time: a newer "ready" replaces an older one (the same tag) rather than stacking up.
  event.waitUntil(worker.registration.showNotification(title, { body, tag: 'naervaer-ready', icon: '/icons/icon-192.png', badge: '/icons/icon-192.png', data: { url } }));
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = safePath((event.notification.data as { url?: unknown } | undefined)?.url);
  event.waitUntil(
    (async () => {
      const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === worker.location.origin);
      if (open) {
        await open.focus();
        await open.navigate(url).catch(() => null);
      } else {
        await worker.clients.openWindow(url);
      }
    })(),
  );
});
