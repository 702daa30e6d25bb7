/**
 * Who is calling, and the name of the cookie that says so. Nothing here imports the server, so the HTTP layer
 * (server/http/*) can name these without depending on the auth feature, which itself builds on the HTTP layer.
 */
import type { Role } from '../../protocol/common.js';

/** Who is calling: set on every request to a route that declares roles. */
export interface Auth {
  userId: string;
  organisationId: string;
  role: Role;
  /** The sign-in (a row of auth_sessions) the request came with; the token's `sid` claim. */
  signInId: string;
}

export const SESSION_COOKIE = 'naervaer_session';
