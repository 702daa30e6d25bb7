/**
 * Web Push for "Bo er klar": the server's public VAPID key, and a citizen's device asking to be told (or no longer)
 * when their worker opens a video session. The subscription is what the browser's PushManager gives; the payload the
 * service worker receives is `ReadyPush`, encrypted for that device.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NoContent, strict, Text } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

/** base64url without padding, as PushSubscription.toJSON() writes keys. */
const Base64Url = (length: number) => Type.String({ pattern: `^[A-Za-z0-9_-]{${length}}$` });

export const PushKey = Type.Object({
  /** The VAPID public key (an uncompressed P-256 point, base64url): pushManager.subscribe's applicationServerKey. */
  publicKey: Type.String(),
});
export type PushKey = Static<typeof PushKey>;

export const PushSubscriptionBody = Type.Object(
  {
    /** The push service's address for this device: https:// (the server checks it is a known push service). */
    endpoint: Text({ minLength: 10, maxLength: 1000 }),
    /** Not used; browsers send it (null) with toJSON(). */
    expirationTime: Type.Optional(Type.Union([Type.Null(), Type.Number()])),
    keys: Type.Object({ p256dh: Base64Url(87), auth: Base64Url(22) }, strict),
  },
  strict,
);
export type PushSubscriptionBody = Static<typeof PushSubscriptionBody>;

export const PushEndpointBody = Type.Object({ endpoint: Text({ minLength: 10, maxLength: 1000 }) }, strict);
export type PushEndpointBody = Static<typeof PushEndpointBody>;

/**
 * What the service worker (client/src/sw.ts) gets, decrypted, and shows under the tag 'naervaer-ready', so that a
 * repeat (a retried send) replaces the notification instead of stacking: no citizen name, no reason, nothing but the
 * worker's first name.
 */
export interface ReadyPush {
  title: string;
  body: string;
  /** Same-origin path to open on tap. */
  url: string;
}

export const pushRoutes = {
  'GET /api/push/key': { roles: null, tags: ['push'], reply: { 200: PushKey } },
  'PUT /api/my/push-subscription': { roles: Roles.citizen, tags: ['push'], body: PushSubscriptionBody, reply: { 204: NoContent } },
  'DELETE /api/my/push-subscription': { roles: Roles.citizen, tags: ['push'], body: PushEndpointBody, reply: { 204: NoContent } },
} as const satisfies RouteTable;
