import { useSyncExternalStore } from 'react';
import { UUID_PATTERN } from '../../protocol/ids';

/**
 * The client's screens and their addresses, on the History API. Every screen has a path, so a reload keeps a person
 * where they were, the phone's back button goes to the previous screen instead of out of the app, and a link (SMS,
 * e-mail) opens the screen it names. Paths hold ids at most, never personal data (see DESIGN.md).
 */
export type Screen =
  | { name: 'home' }
  /** Sign-in for staff; `then` is where a signed-out visit was going (/login?next=…), reached after signing in. */
  | { name: 'login'; then: Destination }
  /** /link#<secret>: a citizen's sign-in link (LinkLanding). */
  | { name: 'link' }
  /** /join#<secret>: a reminder's join link (JoinLanding); it never signs anybody in. */
  | { name: 'join' }
  /** /guest#<secret>: a citizen's one-time guest link (client/src/guests/); it never signs anybody in. */
  | { name: 'guest' }
  | { name: 'agenda' }
  | { name: 'people' }
  | { name: 'appointments' }
  /** "Mere": the citizen's language, reminders, getting the app and logging out (citizen/MoreScreen.tsx). */
  | { name: 'more' }
  /** An open video session, signed in (/call/<id>) or through a reminder's join link (/join/call/<id>); `check` is the device check before it. */
  | { name: 'call'; callId: string; step: CallStep; via: CallVia }
  /** "Min kriseplan": the citizen's own crisis plan (client/src/crisis/). */
  | { name: 'crisis-plan' }
  /** A citizen's crisis plan as staff see it (/citizens/<id>/crisis-plan). */
  | { name: 'citizen-crisis-plan'; citizenId: string }
  /** "Jeg vil gerne tale med nogen": the citizen asks for someone now, and sees who answers (client/src/duty/). */
  | { name: 'talk' }
  /** Vagt: the requests a member of staff may answer now (client/src/duty/). */
  | { name: 'duty' }
  /** Vagtplan: the coordinator's week of shifts, cover, working hours and out-of-hours text. */
  | { name: 'roster' }
  /** Frivillige: volunteers' profiles, proposals to citizens, follow-up and hours (client/src/volunteers/). */
  | { name: 'volunteers' }
  /** Opfølgning: the worker's follow-ups after a no-show (client/src/follow-up/). */
  | { name: 'follow-ups' }
  /** Tal: the figures per month and team, with exports and the evaluation report (client/src/statistics/). */
  | { name: 'statistics' }
  /** Forløb: a citizen's timeline and goals, for staff (client/src/notes/). */
  | { name: 'citizen-timeline'; citizenId: string }
  /** A session note (/notes/<id>). */
  | { name: 'note'; noteId: string }
  /** The note for a session not yet opened (/notes/new?appointmentId=…): ids only, one of them. */
  | { name: 'new-note'; source: NewNoteSource }
  /** "Det skrev vi": the citizen's own final notes, when the organisation allows it. */
  | { name: 'our-notes' }
  | { name: 'unknown' };

/** Which session a new note is about, as /notes/new names it. */
export type NewNoteSource = { callId: string } | { appointmentId: string } | { requestId: string } | { citizenId: string };

export type CallStep = 'check' | 'call';
export type CallVia = 'sign-in' | 'join-link' | 'guest-link';
/** The screens a sign-in can lead on to. */
export type Destination = Extract<Screen, { name: 'home' | 'volunteers' | 'agenda' | 'people' | 'appointments' | 'more' | 'call' | 'crisis-plan' | 'citizen-crisis-plan' | 'talk' | 'duty' | 'roster' | 'follow-ups' | 'statistics' | 'citizen-timeline' | 'note' | 'new-note' | 'our-notes' }>;

export const home: Destination = { name: 'home' };


export function screenPath(screen: Screen): string {
  switch (screen.name) {
    case 'home':
    case 'unknown':
      return '/';
    case 'login':
      return screen.then.name === 'home' ? '/login' : `/login?next=${encodeURIComponent(screenPath(screen.then))}`;
    case 'call':
      return `${screen.via === 'join-link' ? '/join' : screen.via === 'guest-link' ? '/guest' : ''}/call/${screen.callId}${screen.step === 'check' ? '/check' : ''}`;
    case 'citizen-crisis-plan':
      return `/citizens/${screen.citizenId}/crisis-plan`;
    case 'citizen-timeline':
      return `/citizens/${screen.citizenId}`;
    case 'note':
      return `/notes/${screen.noteId}`;
    case 'new-note':
      return `/notes/new?${new URLSearchParams(screen.source as Record<string, string>).toString()}`;
    case 'our-notes':
      return '/our-notes';
    default:
      return `/${screen.name}`;
  }
}

export function parseScreen(pathname: string, search = ''): Screen {
  const parts = pathname.split('/').filter(Boolean);
  const [first, second, third] = parts;
  const call = (via: CallVia, id: string | undefined, rest: (string | undefined)[]): Screen => {
    if (!id || !UUID_PATTERN.test(id)) return { name: 'unknown' };
    if (rest.length === 0) return { name: 'call', callId: id, step: 'call', via };
    if (rest.length === 1 && rest[0] === 'check') return { name: 'call', callId: id, step: 'check', via };
    return { name: 'unknown' };
  };
  if (parts.length === 0) return home;
  if (first === 'call') return call('sign-in', second, parts.slice(2));
  if (first === 'join' && second === 'call') return call('join-link', third, parts.slice(3));
  if (first === 'guest' && second === 'call') return call('guest-link', third, parts.slice(3));
  if (first === 'citizens' && parts.length === 3 && third === 'crisis-plan') return second && UUID_PATTERN.test(second) ? { name: 'citizen-crisis-plan', citizenId: second } : { name: 'unknown' };
  if (first === 'citizens' && parts.length === 2) return second && UUID_PATTERN.test(second) ? { name: 'citizen-timeline', citizenId: second } : { name: 'unknown' };
  if (first === 'notes' && parts.length === 2 && second === 'new') return newNote(search);
  if (first === 'notes' && parts.length === 2) return second && UUID_PATTERN.test(second) ? { name: 'note', noteId: second } : { name: 'unknown' };
  if (parts.length > 1) return { name: 'unknown' };
  switch (first) {
    case 'login':
      return { name: 'login', then: parseDestination(new URLSearchParams(search).get('next')) };
    case 'link':
    case 'join':
    case 'guest':
    case 'agenda':
    case 'people':
    case 'appointments':
    case 'more':
    case 'crisis-plan':
    case 'talk':
    case 'duty':
    case 'roster':
    case 'volunteers':
    case 'follow-ups':
    case 'statistics':
      return { name: first };
    case 'our-notes':
      return { name: 'our-notes' };
    default:
      return { name: 'unknown' };
  }
}

/** /notes/new?appointmentId=<id> (or callId, requestId, citizenId): exactly one id, nothing else. */
function newNote(search: string): Screen {
  const [, key, id] = /^\??(callId|appointmentId|requestId|citizenId)=([^&]*)$/.exec(search) ?? [];
  return key && id && UUID_PATTERN.test(id) ? { name: 'new-note', source: { [key]: id } as NewNoteSource } : { name: 'unknown' };
}

/** ?next= comes from the address bar: only a path of ours that a sign-in may lead to, anything else is home. */
function parseDestination(next: string | null): Destination {
  if (!next?.startsWith('/') || next.startsWith('//')) return { name: 'home' };
  const [pathname = '/', search = ''] = next.split('?');
  const screen = parseScreen(pathname, search);
  return isDestination(screen) ? screen : { name: 'home' };
}

export function isDestination(screen: Screen): screen is Destination {
  return ['home', 'volunteers', 'agenda', 'people', 'appointments', 'more', 'crisis-plan', 'citizen-crisis-plan', 'talk', 'duty', 'roster', 'follow-ups', 'statistics', 'citizen-timeline', 'note', 'new-note', 'our-notes'].includes(screen.name) || (screen.name === 'call' && screen.via === 'sign-in');
}

/** What the router keeps in each history entry: its place in our own history, and how a call was joined. */
interface EntryState {
  /** 0 for the entry the app was opened on; one more for each screen pushed after it. */
  index: number;
  /** The citizen chose audio only at the device check: a reload of the call opens the microphone alone again. */
  audioOnly?: boolean;
}

function entryState(): EntryState {
  const state = window.history.state as Partial<EntryState> | null;
  return { index: typeof state?.index === 'number' ? state.index : 0, ...(state?.audioOnly ? { audioOnly: true } : {}) };
}

/** Whether the citizen joined this call audio only (kept in the history entry, so it survives a reload). */
export function joinedAudioOnly(): boolean {
  return entryState().audioOnly === true;
}

const listeners = new Set<() => void>();

/**
 * Goes to a screen: a new history entry (back returns here), or with `replace` instead of the current one — for a
 * step that should not be gone back to (a used link, a sign-in, the device check once passed).
 */
export function navigate(screen: Screen, options: { replace?: boolean; audioOnly?: boolean } = {}): void {
  const index = entryState().index + (options.replace ? 0 : 1);
  const state: EntryState = { index, ...(options.audioOnly ? { audioOnly: true } : {}) };
  const path = screenPath(screen);
  if (options.replace) window.history.replaceState(state, '', path);
  else {
    window.history.pushState(state, '', path);
    window.scrollTo(0, 0);
  }
  for (const listener of listeners) listener();
}

/**
 * Back to the screen before this one, as the phone's back button does; when this screen was the first one opened
 * (a link, a reload of a fresh tab), there is nothing of ours to go back to, so `fallback` takes its place.
 */
export function goBack(fallback: Screen): void {
  if (entryState().index > 0) window.history.back();
  else navigate(fallback, { replace: true });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

let current: { address: string; screen: Screen } | null = null;
function currentScreen(): Screen {
  const address = window.location.pathname + window.location.search;
  if (current?.address !== address) current = { address, screen: parseScreen(window.location.pathname, window.location.search) };
  return current.screen;
}

/** The screen the address bar names; re-renders on navigate() and on back/forward. */
export function useScreen(): Screen {
  return useSyncExternalStore(subscribe, currentScreen);
}
