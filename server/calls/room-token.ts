import type { RoomToken } from '../../protocol/calls.js';
import type { CallRole } from '../../protocol/signalling.js';
import type { TokenService } from '../auth/tokens.js';
import { HttpError } from '../http/errors.js';

/** Long enough to open the socket; every (re)connection fetches a fresh one. */
const ROOM_TOKEN_SECONDS = 120;

/** Where a call's media and signalling run: this instance alone, or (several hosts) the host it is placed on. */
export interface CallPlacement {
  /** Several hosts: live call state is spread over them, and what all must see is read from the database. */
  readonly shared: boolean;
  /** The call's host; undefined on a single instance. Null: no media host is live. */
  place(callId: string): Promise<string | null | undefined>;
}

/** One instance alone: every call is its own, at the one socket.io path. */
export const SINGLE_HOST: CallPlacement = { shared: false, place: async () => undefined };

/** The signalling path of a host (a reverse proxy routes /rtc/<host>/ to it), or the single instance's. */
export const signallingPathOf = (hostId: string | undefined): string => (hostId ? `/rtc/${hostId}/socket.io/` : '/socket.io/');

/**
 * The short-lived token a socket.io handshake carries: who, in which organisation and role, under which sign-in
 * (`sid`: revoking it ends what the token opened), for which call, and (several hosts) on which host — the call is
 * placed first, so the token names the host that runs it and the reply says where to connect. Issued for signed-in
 * participants and for a reminder link's or a guest link's narrow session alike.
 */
export async function issueRoomToken(
  tokens: TokenService,
  placement: CallPlacement,
  who: { userId: string; organisationId: string; role: CallRole; signInId: string; callId: string },
): Promise<RoomToken> {
  const host = await placement.place(who.callId);
  if (host === null) throw new HttpError(503, 'unavailable', 'No media server is running just now; try again in a moment');
  const expiresAt = new Date(Date.now() + ROOM_TOKEN_SECONDS * 1000);
  const token = await tokens.sign(
    { sub: who.userId, org: who.organisationId, role: who.role, sid: who.signInId, call: who.callId, ...(host ? { host } : {}) },
    'signal',
    expiresAt,
  );
  return { token, expiresAt: expiresAt.toISOString(), signallingPath: signallingPathOf(host) };
}
