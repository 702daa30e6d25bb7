/**
 * Issuing links: a citizen's sign-in link (/link#<secret>, handed over by a worker in person) and a reminder's join
 * link (/join#<secret>, sent in a video appointment's reminder, or in a "your worker is ready" message for one call
 * session). The secret travels only in the URL's fragment; the
 * database keeps its hash (links/store.ts). Other features (the dispatcher, the demo seed) issue links through here.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { SigningKey } from '../auth/keys.js';
import { newSecret } from '../auth/secrets.js';
import type { Tx } from '../db/database.js';
import { insertCitizenLink, recordReminderLink, rekeyReminderLink, reminderLinkOf } from './store.js';

/** A call that runs over can still be (re)joined through its reminder link for this long after the appointment's end. */
const LINK_GRACE_MS = 30 * 60_000;

/** 256 random bits, base64url: 43 characters that go in the URL fragment, never to the server's logs. */

/** Stores a new sign-in link (its hash only) for an active citizen and returns the secret, which exists nowhere else. */
export async function issueCitizenLink(
  tx: Tx,
  link: { organisationId: string; citizenId: string; createdBy: string; hours: number },
): Promise<{ id: string; secret: string; expiresAt: Date }> {
  const secret = newSecret();
  const expiresAt = new Date(Date.now() + link.hours * 3600_000);
  const id = await insertCitizenLink(tx, { ...link, secret, expiresAt });
  return { id, secret, expiresAt };
}

export function citizenLinkUrl(publicUrl: URL, secret: string): string {
  const url = new URL('/link', publicUrl);
  url.hash = secret;
  return url.toString();
}

export function reminderLinkUrl(publicUrl: URL, secret: string): string {
  const url = new URL('/join', publicUrl);
  url.hash = secret;
  return url.toString();
}

/**
 * The secret of one reminder's link: HMAC(a key derived from the server's signing key, the reminder's id).
 *
 * Why derived and not random: the text of one reminder must be the same on every attempt. An attempt can fail after
 * the provider accepted it (a timeout, a crash before the row was marked sent); the retry carries the same
 * idempotency key, so the provider drops it and the citizen keeps the first text. A fresh random secret per attempt
 * would leave us either revoking the link that was delivered or piling up live links nobody holds; storing the
 * secret (even encrypted) would put a usable credential into the database next to everything else. Derivation
 * gives the same secret on every attempt while the database keeps only its hash: reading the database is not enough
 * to make a working link. The key id is kept beside the hash so a rotated key still re-derives the old secret.
 */
function reminderLinkSecret(key: SigningKey, reminderId: string): string {
  const linkKey = Buffer.from(hkdfSync('sha256', key.secret, Buffer.alloc(0), 'naervaer reminder join link v1', 32));
  return createHmac('sha256', linkKey).update(reminderId).digest('base64url');
}

export interface ReminderForLink {
  organisationId: string;
  reminderId: string;
  appointmentId: string;
  citizenId: string;
  workerId: string;
  endsAt: Date;
}

/**
 * The secret of a reminder's link, in the dispatcher's transaction: issued on the first attempt (by `issue`),
 * derived again on every retry — never a second link for the same reminder. Null when the link was revoked (the
 * message then goes out without one).
 */
async function joinSecretOf(tx: Tx, keys: readonly SigningKey[], reminderId: string, issue: (secret: string, keyId: string) => Promise<void>): Promise<string | null> {
  const current = keys[0];
  if (!current) throw new Error('no signing key for reminder links');
  const existing = await reminderLinkOf(tx, reminderId);
  if (existing) {
    if (existing.revoked) return null;
    const key = keys.find((k) => k.kid === existing.keyId);
    if (key) return reminderLinkSecret(key, reminderId);
    // The key it was made with has been removed from the server (a deliberate act that also ends every session it
    // signed): the old secret cannot be made again, so the link gets a new one.
    const secret = reminderLinkSecret(current, reminderId);
    await rekeyReminderLink(tx, existing.id, { secret, keyId: current.kid });
    return secret;
  }
  const secret = reminderLinkSecret(current, reminderId);
  await issue(secret, current.kid);
  return secret;
}

/**
 * The join link's secret for one appointment reminder: it joins that appointment's session until shortly after the
 * appointment ends, as often as needed. `keys`: the server's signing keys, newest first.
 */
export function reminderJoinSecret(tx: Tx, keys: readonly SigningKey[], reminder: ReminderForLink): Promise<string | null> {
  return joinSecretOf(tx, keys, reminder.reminderId, (secret, keyId) =>
    recordReminderLink(tx, { ...reminder, secret, keyId, expiresAt: new Date(reminder.endsAt.getTime() + LINK_GRACE_MS) }));
}

/** How long the link in a "ready" message can be used: a worker who opened a session is waiting now, not tomorrow. */
const READY_LINK_MS = 2 * 3600_000;

/** A "your worker is ready" message with a link, for the dispatcher. */
export interface ReadyNoticeForLink {
  organisationId: string;
  reminderId: string;
  callSessionId: string;
  /** The booked appointment the session is for; null for an ad hoc session. */
  appointmentId: string | null;
  citizenId: string;
  workerId: string;
}

/**
 * The join link's secret for one "ready" message: it joins that one call session, once (the tap that joins spends
 * it; a reload on the same device goes on with the narrow session it gave), for at most READY_LINK_MS.
 */
export function readyJoinSecret(tx: Tx, keys: readonly SigningKey[], notice: ReadyNoticeForLink): Promise<string | null> {
  return joinSecretOf(tx, keys, notice.reminderId, (secret, keyId) =>
    recordReminderLink(tx, { ...notice, secret, keyId, singleUse: true, expiresAt: new Date(Date.now() + READY_LINK_MS) }));
}
