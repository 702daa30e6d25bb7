import type { RoomToken } from '../../../protocol/calls';
import { api } from '../api';

/** Where room tokens come from: a signed-in participant's call, or a reminder join link's or guest link's narrow session. */
export type TokenRoute = 'POST /api/calls/:callId/token' | 'POST /api/join/token' | 'POST /api/guest/token';

/**
 * A token asked for ahead is used only while it has this long left to live (tokens live two minutes): a citizen who
 * lingers on the device check gets a fresh one when they join.
 */
const AHEAD_USABLE_FOR_MS = 60_000;

let ahead: { key: string; askedAt: number; reply: Promise<RoomToken> } | null = null;

export function fetchRoomToken(callId: string, route: TokenRoute): Promise<RoomToken> {
  return route === 'POST /api/calls/:callId/token' ? api(route, { params: { callId } }) : api(route);
}

/** The token asked for ahead, if it is for this call and route and still fresh. */
function freshAhead(callId: string, route: TokenRoute): Promise<RoomToken> | undefined {
  return ahead && ahead.key === route + callId && Date.now() - ahead.askedAt < AHEAD_USABLE_FOR_MS ? ahead.reply : undefined;
}

/**
 * Asks for the call's first room token now, while the camera opens or the citizen looks at the device check, so that
 * joining does not wait for it: one round trip less between "Deltag" and the waiting room (150 ms and more on a slow
 * phone line). Small and in the first download: the call screen that uses the token comes later.
 */
export function askRoomTokenAhead(callId: string, route: TokenRoute): void {
  if (freshAhead(callId, route)) return;
  const reply = fetchRoomToken(callId, route);
  const asked = { key: route + callId, askedAt: Date.now(), reply };
  // Refused (the network blinked, no media host just now): not kept, so the call screen asks again when it connects.
  reply.catch(() => {
    if (ahead === asked) ahead = null;
  });
  ahead = asked;
}

/** The token asked for ahead for this call, once and while still fresh; otherwise a new one. */
export function takeRoomToken(callId: string, route: TokenRoute): Promise<RoomToken> {
  const found = freshAhead(callId, route);
  ahead = null;
  return found ?? fetchRoomToken(callId, route);
}
