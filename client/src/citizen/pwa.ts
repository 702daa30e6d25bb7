/**
 * The installable app (PWA), on the page's side: the service worker's registration and the browser's offer to
 * install. Kept tiny and without workbox-window, as it is in the first download (tests/budget.test.ts).
 */

import { CRISIS_PLAN_CACHE } from '../crisis/cache';

/** The cache the service worker keeps "Mine aftaler" in (client/src/sw.ts); emptied when the citizen logs out. */
export const MY_APPOINTMENTS_CACHE = 'naervaer-my-appointments';
/** The lists this phone keeps for its citizen to open offline ("Mine aftaler", the crisis plan). */
export const KEPT_LIST_CACHES = [MY_APPOINTMENTS_CACHE, CRISIS_PLAN_CACHE];

/** Chromium's install offer (not in TypeScript's DOM types). */
export interface InstallPrompt extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

let installPrompt: InstallPrompt | null = null;
const listeners = new Set<() => void>();

/**
 * Registers the service worker in production builds (a development server's modules are not what it precaches), and
 * keeps the browser's install offer for the "Hent appen" button on "Mere": it comes once, early, before that screen.
 */
export function startPwa(): void {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    installPrompt = event as InstallPrompt;
    for (const listener of listeners) listener();
  });
  window.addEventListener('appinstalled', () => {
    installPrompt = null;
    for (const listener of listeners) listener();
  });
  if (import.meta.env.PROD && 'serviceWorker' in navigator) {
    window.addEventListener('load', () => {
      navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
    });
  }
}

export function currentInstallPrompt(): InstallPrompt | null {
  return installPrompt;
}

export function onInstallPromptChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Opened from the home screen icon (installed), not in a browser tab. */
export function runsInstalled(): boolean {
  return window.matchMedia('(display-mode: standalone)').matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
}

/** What this phone's browser remembers of the signed-in citizen: gone when they log out on it. */
export async function forgetOfflineCopy(): Promise<void> {
  // The service worker empties them: it also stops keeping answers to requests already under way (sw.ts), which
  // would otherwise fill the emptied caches again. Without one, or without its answer within a second, the page does.
  const controller = navigator.serviceWorker?.controller;
  if (controller) {
    const channel = new MessageChannel();
    const forgotten = new Promise<boolean>((resolve) => {
      channel.port1.onmessage = () => resolve(true);
      setTimeout(() => resolve(false), 1_000);
    });
    controller.postMessage({ type: 'forget-kept-lists' }, [channel.port2]);
    if (await forgotten) return;
  }
  if ('caches' in window) await Promise.all(KEPT_LIST_CACHES.map((name) => caches.delete(name).catch(() => false)));
}

/** Whose copies the kept lists are: the citizen who last signed in on this phone. */
const OFFLINE_OWNER_KEY = 'naervaer-offline-owner';

/**
 * A citizen signed in on this phone by a link: what was kept for someone else goes first (a phone handed on, or
 * shared in a family), so they never open another person's appointments or crisis plan offline. The same citizen
 * signing in again keeps theirs, the crisis plan's numbers among them.
 */
export async function keepOfflineCopyFor(userId: string): Promise<void> {
  if (localStorage.getItem(OFFLINE_OWNER_KEY) !== userId) await forgetOfflineCopy();
  localStorage.setItem(OFFLINE_OWNER_KEY, userId);
}
