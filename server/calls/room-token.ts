import type { RoomToken } from '../../protocol/calls.js';
import type { CallRole } from '../../protocol/signalling.js';
import type { TokenService } from '../auth/tokens.js';

/** Long enough to open the socket; every (re)connection fetches a fresh one. */
const ROOM_TOKEN_SECONDS = 120;

/**
 * The short-lived token a socket.io handshake carries: who, in which organisation and role, under which sign-in
 * (`sid`: revoking it ends what the token opened) and for which call. Issued for signed-in participants and for a
 * reminder link's or a guest link's narrow session alike.
 */
export async function issueRoomToken(
  tokens: TokenService,
  who: { userId: string; organisationId: string; role: CallRole; signInId: string; callId: string },
): Promise<RoomToken> {
  const expiresAt = new Date(Date.now() + ROOM_TOKEN_SECONDS * 1000);
  const token = await tokens.sign({ sub: who.userId, org: who.organisationId, role: who.role, sid: who.signInId, call: who.callId }, 'signal', expiresAt);
  return { token, expiresAt: expiresAt.toISOString() };
}
