/**
 * TURN credentials for a call's browsers, by the TURN REST API scheme that coturn implements (`use-auth-secret`):
 * the user name is "<expiry as Unix seconds>:<a random tag>" and the password is base64(HMAC-SHA1(secret, user name)).
 * coturn recomputes the password from the shared secret and refuses a user name whose time has passed, so nothing is
 * stored on either side and a leaked credential dies by itself. The tag is random, not the person: TURN servers log
 * user names, and no personal data goes into logs.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IceServer } from '../../protocol/signalling.js';

export interface TurnSettings {
  urls: readonly string[];
  secret: string | undefined;
  credentialHours: number;
}

/** The ICE servers a browser gets with each transport: none when no TURN server is configured. */
export function turnIceServers(settings: TurnSettings, now = Date.now()): IceServer[] {
  if (settings.urls.length === 0 || !settings.secret) return [];
  const expires = Math.floor(now / 1000) + settings.credentialHours * 3600;
  const username = `${expires}:${randomBytes(6).toString('hex')}`;
  const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
  return [{ urls: [...settings.urls], username, credential }];
}
