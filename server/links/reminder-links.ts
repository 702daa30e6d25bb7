import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppointmentParams, ExchangeLinkBody, JoinState, ReminderLink, ReminderLinkParams, RoomToken, type Modality } from '../../protocol/api.js';
import { audit } from '../audit/audit.js';
import type { SigningKey } from '../auth/keys.js';
import { danishDateTime, toLocal } from '../time.js';
import { wasRemoved } from '../calls/store.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { HttpError, notFound, unauthorized } from '../http/errors.js';
import { attemptLimit } from '../http/rate-limit.js';
import type { App, FeatureDeps } from '../http/types.js';

/**
 * Reminder join links. A video appointment's reminder carries /join#<secret>; whoever holds it (the citizen, but
 * also whoever shares their phone, forwards their mail, or scans it for malware) may see when that appointment is
 * and join its video session, until shortly after it ends. Not the citizen's other appointments, settings or
 * anything else: that is what a citizen sign-in link (/link) is for, handed over by a worker in person.
 */

export const JOIN_COOKIE = 'naervaer_join';
// The narrow session's cookie goes to these routes only; no other route reads it, so it cannot stand in for a
// sign-in whatever a route's checks are.
const JOIN_COOKIE_PATH = '/api/join';
/** A call that runs over can still be (re)joined for this long after the appointment's end. */
export const LINK_GRACE_MS = 30 * 60_000;
const ROOM_TOKEN_SECONDS = 120;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest();

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
export function reminderLinkSecret(key: SigningKey, reminderId: string): string {
  const linkKey = Buffer.from(hkdfSync('sha256', key.secret, Buffer.alloc(0), 'naervaer reminder join link v1', 32));
  return createHmac('sha256', linkKey).update(reminderId).digest('base64url');
}

export function reminderLinkUrl(publicUrl: URL, secret: string): string {
  const url = new URL('/join', publicUrl);
  url.hash = secret;
  return url.toString();
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
 * The join link's secret for one reminder, in the dispatcher's transaction: issued on the first attempt (audited),
 * derived again on every retry. Null when the link was revoked (the reminder then goes out without one).
 * `keys`: the server's signing keys, newest first.
 */
export async function reminderJoinSecret(tx: Tx, keys: readonly SigningKey[], reminder: ReminderForLink): Promise<string | null> {
  const current = keys[0];
  if (!current) throw new Error('no signing key for reminder links');
  const [existing] = await tx<{ id: string; key_id: string; revoked_at: Date | null }[]>`
    select id, key_id, revoked_at from reminder_links where reminder_id = ${reminder.reminderId} for update`;
  if (existing) {
    if (existing.revoked_at) return null;
    const key = keys.find((k) => k.kid === existing.key_id);
    if (key) return reminderLinkSecret(key, reminder.reminderId);
    // The key it was made with has been removed from the server (a deliberate act that also ends every session it
    // signed): the old secret cannot be made again, so the link gets a new one.
    const secret = reminderLinkSecret(current, reminder.reminderId);
    await tx`update reminder_links set secret_hash = ${hashSecret(secret)}, key_id = ${current.kid} where id = ${existing.id}`;
    return secret;
  }
  const secret = reminderLinkSecret(current, reminder.reminderId);
  const [created] = await tx<{ id: string }[]>`
    insert into reminder_links (organisation_id, appointment_id, citizen_id, reminder_id, secret_hash, key_id, created_by, expires_at)
    values (${reminder.organisationId}, ${reminder.appointmentId}, ${reminder.citizenId}, ${reminder.reminderId}, ${hashSecret(secret)},
            ${current.kid}, ${reminder.workerId}, ${new Date(reminder.endsAt.getTime() + LINK_GRACE_MS)})
    returning id`;
  await audit(tx, { organisationId: reminder.organisationId, userId: null, role: 'dispatcher' }, 'reminder_link.create', reminder.citizenId,
    { linkId: created!.id, appointmentId: reminder.appointmentId, reminderId: reminder.reminderId });
  return secret;
}

interface JoinContext {
  organisationId: string;
  sessionId: string;
  linkId: string;
  appointmentId: string;
  citizenId: string;
}

const COOKIE_VALUE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/** The narrow session presented in the join cookie, if it (its link, its appointment, its citizen) is still good. */
async function joinContext(deps: FeatureDeps, request: FastifyRequest): Promise<JoinContext> {
  const match = COOKIE_VALUE.exec(request.cookies[JOIN_COOKIE] ?? '');
  const ended = () => unauthorized('This link no longer works. Open the link in your newest reminder, or ask your support worker.');
  if (!match) throw ended();
  const [, organisationId, token] = match as unknown as [string, string, string];
  const [row] = await inOrganisation(deps.sql, organisationId, (tx) => tx<{ session_id: string; link_id: string; appointment_id: string; citizen_id: string }[]>`
    select s.id as session_id, l.id as link_id, l.appointment_id, l.citizen_id
    from auth_sessions s
    join reminder_links l on l.id = s.reminder_link_id
    join appointments a on a.id = l.appointment_id
    join users u on u.id = l.citizen_id
    where s.join_token_hash = ${hashSecret(token)} and s.revoked_at is null and s.expires_at > now()
      and l.revoked_at is null and l.expires_at > now() and a.status <> 'cancelled' and u.active`);
  if (!row) throw ended();
  return { organisationId, sessionId: row.session_id, linkId: row.link_id, appointmentId: row.appointment_id, citizenId: row.citizen_id };
}

async function joinState(tx: Tx, appointmentId: string, citizenId: string, expiresAt: Date): Promise<JoinState> {
  const [a] = await tx<{ id: string; starts_at: Date; ends_at: Date; modality: Modality; time_zone: string }[]>`
    select a.id, a.starts_at, a.ends_at, a.modality, o.time_zone
    from appointments a join organisations o on o.id = a.organisation_id where a.id = ${appointmentId}`;
  // The appointment's newest session that the citizen takes part in: the worker opens it from their agenda.
  const [session] = await tx<{ id: string; status: 'open' | 'ended' }[]>`
    select s.id, s.status from call_sessions s join call_participants p on p.session_id = s.id and p.user_id = ${citizenId}
    where s.appointment_id = ${appointmentId} order by (s.status = 'open') desc, s.created_at desc limit 1`;
  return {
    appointment: {
      id: a!.id, start: toLocal(a!.starts_at, a!.time_zone), end: toLocal(a!.ends_at, a!.time_zone),
      whenText: danishDateTime(a!.starts_at, a!.time_zone), modality: a!.modality,
    },
    session: session ?? null,
    expiresAt: expiresAt.toISOString(),
  };
}

interface LinkRow {
  id: string;
  channel: 'sms' | 'email' | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  first_used_at: Date | null;
  last_used_at: Date | null;
  uses: number;
}

const toReminderLink = (r: LinkRow): ReminderLink => ({
  id: r.id, channel: r.channel, createdAt: r.created_at.toISOString(), expiresAt: r.expires_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null, firstUsedAt: r.first_used_at?.toISOString() ?? null,
  lastUsedAt: r.last_used_at?.toISOString() ?? null, uses: r.uses,
  status: r.revoked_at ? 'revoked' : r.expires_at.getTime() <= Date.now() ? 'expired' : 'active',
});

export function reminderLinkRoutes(app: App, deps: FeatureDeps): void {
  const { sql, config, tokens } = deps;
  const staff = { roles: ['coordinator', 'worker'] as const };
  const setJoinCookie = (reply: FastifyReply, value: string, expires: Date) =>
    reply.setCookie(JOIN_COOKIE, value, {
      path: JOIN_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: config.publicUrl.protocol === 'https:', expires,
    });

  /**
   * The holder taps "Deltag" on /join: the page posts the secret from the fragment. Nothing happens on a GET, so a
   * link scanner that fetches (or even renders) the page uses nothing up. A link can be used more than once until it
   * expires (the same citizen on a second device, or again after a reload); each use is audited and counted.
   */
  app.post('/api/join/exchange', {
    onRequest: attemptLimit(config.signInRateLimitPerMinute),
    schema: { tags: ['reminder links'], body: ExchangeLinkBody, response: { 200: JoinState } },
  }, async (request, reply) => {
    const secretHash = hashSecret(request.body.secret);
    const [found] = await sql<{ organisation_id: string | null }[]>`select reminder_link_organisation(${secretHash}) as organisation_id`;
    const invalid = () => new HttpError(404, 'link_invalid', 'This link is not valid. Open the link in your newest reminder, or ask your support worker.');
    if (!found?.organisation_id) throw invalid();
    const organisationId = found.organisation_id;
    const token = randomBytes(32).toString('base64url');
    const { state, expiresAt } = await inOrganisation(sql, organisationId, async (tx) => {
      const [link] = await tx<{ id: string; appointment_id: string; citizen_id: string; expires_at: Date; revoked_at: Date | null; appointment_status: string; active: boolean }[]>`
        select l.id, l.appointment_id, l.citizen_id, l.expires_at, l.revoked_at, a.status as appointment_status, u.active
        from reminder_links l join appointments a on a.id = l.appointment_id join users u on u.id = l.citizen_id
        where l.secret_hash = ${secretHash} for update of l`;
      if (!link || !link.active) throw invalid();
      if (link.revoked_at || link.appointment_status === 'cancelled') {
        throw new HttpError(410, 'link_revoked', 'This appointment has been cancelled or the link withdrawn. Ask your support worker if in doubt.');
      }
      if (link.expires_at.getTime() <= Date.now()) throw new HttpError(410, 'link_expired', 'This appointment is over, so its link no longer works.');
      await tx`
        insert into auth_sessions (organisation_id, user_id, expires_at, reminder_link_id, join_token_hash)
        values (${organisationId}, ${link.citizen_id}, ${link.expires_at}, ${link.id}, ${hashSecret(token)})`;
      await tx`
        update reminder_links set uses = uses + 1, first_used_at = coalesce(first_used_at, now()), last_used_at = now() where id = ${link.id}`;
      // Whoever holds the link is not necessarily the citizen, so the actor is the link, not a person.
      await audit(tx, { organisationId, userId: null, role: 'reminder_link' }, 'reminder_link.use', link.citizen_id,
        { linkId: link.id, appointmentId: link.appointment_id });
      return { state: await joinState(tx, link.appointment_id, link.citizen_id, link.expires_at), expiresAt: link.expires_at };
    });
    setJoinCookie(reply, `${organisationId}.${token}`, expiresAt);
    return state;
  });

  /** When the appointment is and whether its video session is open: the join page polls this while it waits. */
  app.get('/api/join', {
    schema: { tags: ['reminder links'], response: { 200: JoinState } },
  }, async (request) => {
    const join = await joinContext(deps, request);
    return inOrganisation(sql, join.organisationId, async (tx) => {
      const [link] = await tx<{ expires_at: Date }[]>`select expires_at from reminder_links where id = ${join.linkId}`;
      return joinState(tx, join.appointmentId, join.citizenId, link!.expires_at);
    });
  });

  /**
   * A room token for the appointment's open video session: the citizen's, bound to this narrow session (sid), so
   * revoking the link or cancelling the appointment also ends what the token opened.
   */
  app.post('/api/join/token', {
    onRequest: attemptLimit(60),
    schema: { tags: ['reminder links'], response: { 200: RoomToken } },
  }, async (request) => {
    const join = await joinContext(deps, request);
    const callId = await inOrganisation(sql, join.organisationId, async (tx) => {
      const [session] = await tx<{ id: string; status: string }[]>`
        select s.id, s.status from call_sessions s join call_participants p on p.session_id = s.id and p.user_id = ${join.citizenId}
        where s.appointment_id = ${join.appointmentId} order by (s.status = 'open') desc, s.created_at desc limit 1`;
      if (!session) throw new HttpError(409, 'not_started', 'Your support worker has not opened the video meeting yet');
      if (session.status !== 'open') throw new HttpError(410, 'session_ended', 'This session has ended');
      if (await wasRemoved(tx, session.id, join.citizenId)) throw new HttpError(410, 'removed', 'You were taken out of this session');
      return session.id;
    });
    const expiresAt = new Date(Date.now() + ROOM_TOKEN_SECONDS * 1000);
    // sid: the join session (revoking the link ends the call connection too); call: the session the token admits to.
    const token = await tokens.sign({ sub: join.citizenId, org: join.organisationId, role: 'citizen', sid: join.sessionId, call: callId }, 'signal', expiresAt);
    return { token, expiresAt: expiresAt.toISOString() };
  });

  /** The reminder links of one appointment, for its worker or a coordinator: issued when, used when, how often. */
  app.get('/api/appointments/:appointmentId/reminder-links', {
    config: staff,
    schema: { tags: ['reminder links'], params: AppointmentParams, response: { 200: Type.Array(ReminderLink) } },
  }, async (request) => {
    const auth = request.auth!;
    return inOrganisation(sql, auth.organisationId, async (tx) => {
      const [appointment] = await tx<{ worker_id: string; citizen_id: string }[]>`
        select worker_id, citizen_id from appointments where id = ${request.params.appointmentId}`;
      if (!appointment || (auth.role === 'worker' && appointment.worker_id !== auth.userId)) throw notFound('No such appointment');
      const rows = await tx<LinkRow[]>`
        select l.id, r.channel, l.created_at, l.expires_at, l.revoked_at, l.first_used_at, l.last_used_at, l.uses
        from reminder_links l left join reminders r on r.id = l.reminder_id
        where l.appointment_id = ${request.params.appointmentId} order by l.created_at desc`;
      await audit(tx, auth, 'reminder_link.list', appointment.citizen_id, { appointmentId: request.params.appointmentId });
      return rows.map(toReminderLink);
    });
  });

  /** Withdraws a link at once: it, and any session it gave, stop working. */
  app.post('/api/reminder-links/:linkId/revoke', {
    config: staff,
    schema: { tags: ['reminder links'], params: ReminderLinkParams, response: { 200: ReminderLink } },
  }, async (request) => {
    const auth = request.auth!;
    const { linkId } = request.params;
    const revoked = await inOrganisation(sql, auth.organisationId, async (tx) => {
      const [link] = await tx<{ citizen_id: string; worker_id: string; appointment_id: string }[]>`
        select l.citizen_id, a.worker_id, l.appointment_id from reminder_links l join appointments a on a.id = l.appointment_id
        where l.id = ${linkId} for update of l`;
      if (!link || (auth.role === 'worker' && link.worker_id !== auth.userId)) throw notFound('No such link');
      await tx`update reminder_links set revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, ${auth.userId}) where id = ${linkId}`;
      await tx`update auth_sessions set revoked_at = now() where reminder_link_id = ${linkId} and revoked_at is null`;
      await audit(tx, auth, 'reminder_link.revoke', link.citizen_id, { linkId, appointmentId: link.appointment_id });
      const [row] = await tx<LinkRow[]>`
        select l.id, r.channel, l.created_at, l.expires_at, l.revoked_at, l.first_used_at, l.last_used_at, l.uses
        from reminder_links l left join reminders r on r.id = l.reminder_id where l.id = ${linkId}`;
      return { link: toReminderLink(row!), citizenId: link.citizen_id };
    });
    // Whoever is in the call through this link is taken out now, not at the next sweep.
    await app.liveCalls.signInsChanged(auth.organisationId, revoked.citizenId);
    return revoked.link;
  });
}
