/**
 * Links in the database: citizens' sign-in links and reminders' join links, and the narrow sessions a join link
 * gives. Only a secret's hash is ever stored or looked up; a link is found by its hash through a SECURITY DEFINER
 * function that names only its organisation (citizen_link_organisation, reminder_link_organisation), and everything
 * else runs inside that organisation (RLS).
 */
import type { Sql } from 'postgres';
import type { Me } from '../../protocol/auth.js';
import type { Language, Modality } from '../../protocol/common.js';
import type { JoinState, ReminderLink } from '../../protocol/join.js';
import type { CitizenLink } from '../../protocol/links.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import { wasRemoved } from '../calls/store.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { HttpError, notFound } from '../http/errors.js';
import { assertCitizenAccess } from '../people/store.js';
import { danishDateTime, toLocal } from '../time.js';

// ---- Issuing (links/links.ts calls these in the issuer's transaction) ----

/** Stores a sign-in link's hash for an active citizen of the organisation; "no such citizen" otherwise. */
export async function insertCitizenLink(
  tx: Tx,
  link: { organisationId: string; citizenId: string; createdBy: string; secret: string; expiresAt: Date },
): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into citizen_links (organisation_id, citizen_id, secret_hash, created_by, expires_at)
    select ${link.organisationId}, id, ${hashSecret(link.secret)}, ${link.createdBy}, ${link.expiresAt} from users
    where id = ${link.citizenId} and role = 'citizen' and active
    returning id`;
  if (!row) throw notFound('No such citizen');
  return row.id;
}

/** The join link already issued for a reminder (locked), with the id of the key its secret was derived from. */
export async function reminderLinkOf(tx: Tx, reminderId: string): Promise<{ id: string; keyId: string; revoked: boolean } | undefined> {
  const [row] = await tx<{ id: string; key_id: string; revoked_at: Date | null }[]>`
    select id, key_id, revoked_at from reminder_links where reminder_id = ${reminderId} for update`;
  return row ? { id: row.id, keyId: row.key_id, revoked: row.revoked_at !== null } : undefined;
}

export async function rekeyReminderLink(tx: Tx, linkId: string, link: { secret: string; keyId: string }): Promise<void> {
  await tx`update reminder_links set secret_hash = ${hashSecret(link.secret)}, key_id = ${link.keyId} where id = ${linkId}`;
}

/**
 * Stores a reminder's join link and audits its issue (the dispatcher acts, for no person). It leads to an
 * appointment's session, or (a "ready" message) to one call session, then usually once only (`singleUse`).
 */
export async function recordReminderLink(
  tx: Tx,
  link: {
    organisationId: string; appointmentId: string | null; callSessionId?: string; singleUse?: boolean;
    citizenId: string; reminderId: string; workerId: string; secret: string; keyId: string; expiresAt: Date;
  },
): Promise<void> {
  const [created] = await tx<{ id: string }[]>`
    insert into reminder_links (organisation_id, appointment_id, call_session_id, single_use, citizen_id, reminder_id, secret_hash, key_id, created_by, expires_at)
    values (${link.organisationId}, ${link.appointmentId}, ${link.callSessionId ?? null}, ${link.singleUse ?? false}, ${link.citizenId},
            ${link.reminderId}, ${hashSecret(link.secret)}, ${link.keyId}, ${link.workerId}, ${link.expiresAt})
    returning id`;
  await audit(tx, { organisationId: link.organisationId, userId: null, role: 'dispatcher' }, 'reminder_link.create', link.citizenId, {
    linkId: created!.id, appointmentId: link.appointmentId, reminderId: link.reminderId, ...(link.callSessionId ? { callId: link.callSessionId } : {}),
  });
}

// ---- Citizen sign-in links ----

interface CitizenLinkRow {
  id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  used_at: Date | null;
}

const toCitizenLink = (r: CitizenLinkRow, now = Date.now()): CitizenLink => ({
  id: r.id,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
  usedAt: r.used_at?.toISOString() ?? null,
  status: r.revoked_at ? 'revoked' : r.used_at ? 'used' : r.expires_at.getTime() <= now ? 'expired' : 'active',
});

/** Starts the citizen's sign-in session in the exchange's transaction; returns the session's id. */
export type StartCitizenSession = (tx: Tx, citizen: { id: string; organisationId: string; role: 'citizen' }) => Promise<string>;

// ---- Reminder join links ----

/**
 * A narrow session given by a reminder link: that link, its appointment (or, from a "ready" message, its one call
 * session) and its citizen, nothing else.
 */
export interface JoinContext {
  organisationId: string;
  signInId: string;
  linkId: string;
  /** The booked appointment; null for a "ready" link to an ad hoc session. */
  appointmentId: string | null;
  /** Set for a "ready" link: the one session it leads to. */
  callSessionId: string | null;
  citizenId: string;
}

interface ReminderLinkRow {
  id: string;
  channel: 'sms' | 'email' | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  first_used_at: Date | null;
  last_used_at: Date | null;
  uses: number;
}

const toReminderLink = (r: ReminderLinkRow): ReminderLink => ({
  id: r.id, channel: r.channel, createdAt: r.created_at.toISOString(), expiresAt: r.expires_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null, firstUsedAt: r.first_used_at?.toISOString() ?? null,
  lastUsedAt: r.last_used_at?.toISOString() ?? null, uses: r.uses,
  status: r.revoked_at ? 'revoked' : r.expires_at.getTime() <= Date.now() ? 'expired' : 'active',
});

/**
 * The session a link leads to: a "ready" link's own session; otherwise the appointment's newest session that the
 * citizen takes part in (the worker opens it from their agenda).
 */
async function linkedCall(tx: Tx, link: Pick<JoinContext, 'appointmentId' | 'callSessionId' | 'citizenId'>) {
  const [session] = await tx<{ id: string; status: 'open' | 'ended' }[]>`
    select s.id, s.status from call_sessions s join call_participants p on p.session_id = s.id and p.user_id = ${link.citizenId}
    where ${link.callSessionId ? tx`s.id = ${link.callSessionId}` : tx`s.appointment_id = ${link.appointmentId}`}
    order by (s.status = 'open') desc, s.created_at desc limit 1`;
  return session;
}

async function joinState(tx: Tx, link: Pick<JoinContext, 'appointmentId' | 'callSessionId' | 'citizenId'>, expiresAt: Date): Promise<JoinState> {
  const [a] = link.appointmentId
    ? await tx<{ id: string; starts_at: Date; ends_at: Date; modality: Modality; time_zone: string }[]>`
        select a.id, a.starts_at, a.ends_at, a.modality, o.time_zone
        from appointments a join organisations o on o.id = a.organisation_id where a.id = ${link.appointmentId}`
    : [];
  const session = await linkedCall(tx, link);
  return {
    appointment: a
      ? {
          id: a.id, start: toLocal(a.starts_at, a.time_zone), end: toLocal(a.ends_at, a.time_zone),
          whenText: danishDateTime(a.starts_at, a.time_zone), modality: a.modality,
        }
      : null,
    session: session ?? null,
    expiresAt: expiresAt.toISOString(),
  };
}

export type LinkStore = ReturnType<typeof linkStore>;

export function linkStore(sql: Sql) {
  return {
    /** Stores a new sign-in link for a citizen this staff member may act for; returns its id. */
    /** A staff member with access to the citizen issues them a sign-in link (through links.ts, passed in as `issue`). */
    createCitizenLink<T extends { id: string }>(auth: Auth, citizenId: string, issue: (tx: Tx) => Promise<T>): Promise<T> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        const link = await issue(tx);
        await audit(tx, auth, 'citizen_link.create', citizenId, { linkId: link.id });
        return link;
      });
    },

    /**
     * A sign-in link to be sent to the citizen's own phone or e-mail: issued (through links.ts, passed in as `issue`)
     * only when the citizen has that address, and audited with the channel, in one transaction. Returns the address
     * and language to send with; the address goes to the sender and nowhere else (not to logs, not to the reply).
     */
    issueCitizenLinkToSend<T extends { id: string }>(
      auth: Auth, citizenId: string, channel: 'sms' | 'email', issue: (tx: Tx) => Promise<T>,
    ): Promise<T & { address: string; language: Language }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        const [citizen] = await tx<{ phone: string | null; email: string | null; preferred_language: Language }[]>`
          select phone, email, preferred_language from users where id = ${citizenId} and role = 'citizen' and active`;
        if (!citizen) throw notFound('No such citizen');
        const address = channel === 'sms' ? citizen.phone : citizen.email;
        if (!address) throw new HttpError(409, 'no_address', channel === 'sms' ? 'The citizen has no mobile number' : 'The citizen has no e-mail address');
        const link = await issue(tx);
        await audit(tx, auth, 'citizen_link.send', citizenId, { linkId: link.id, channel });
        return { ...link, address, language: citizen.preferred_language };
      });
    },

    /** A link whose message could not be sent: nobody holds it, so it is withdrawn at once (and the withdrawal audited). */
    withdrawUnsentCitizenLink(auth: Auth, citizenId: string, linkId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await tx`update citizen_links set revoked_at = coalesce(revoked_at, now()) where id = ${linkId}`;
        await audit(tx, auth, 'citizen_link.revoke', citizenId, { linkId, reason: 'not sent' });
      });
    },

    citizenLinks(auth: Auth, citizenId: string): Promise<CitizenLink[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        const rows = await tx<CitizenLinkRow[]>`
          select id, created_at, expires_at, revoked_at, used_at from citizen_links where citizen_id = ${citizenId} order by created_at desc limit 50`;
        await audit(tx, auth, 'citizen_link.list', citizenId);
        return rows.map((r) => toCitizenLink(r));
      });
    },

    revokeCitizenLink(auth: Auth, linkId: string): Promise<CitizenLink> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [link] = await tx<{ citizen_id: string }[]>`select citizen_id from citizen_links where id = ${linkId} for update`;
        if (!link) throw notFound('No such link');
        await assertCitizenAccess(tx, auth, link.citizen_id).catch(() => {
          throw notFound('No such link');
        });
        const [row] = await tx<CitizenLinkRow[]>`
          update citizen_links set revoked_at = coalesce(revoked_at, now()) where id = ${linkId}
          returning id, created_at, expires_at, revoked_at, used_at`;
        await audit(tx, auth, 'citizen_link.revoke', link.citizen_id, { linkId: row!.id });
        return toCitizenLink(row!);
      });
    },

    /** Trades a sign-in link's secret for a session of its citizen. One use per link. */
    async exchangeCitizenLink(secret: string, startSession: StartCitizenSession): Promise<Me> {
      const secretHash = hashSecret(secret);
      const [found] = await sql<{ organisation_id: string | null }[]>`select citizen_link_organisation(${secretHash}) as organisation_id`;
      const invalid = () => new HttpError(404, 'link_invalid', 'This link is not valid. Ask your support worker for a new one.');
      const organisationId = found?.organisation_id;
      if (!organisationId) throw invalid();
      return inOrganisation(sql, organisationId, async (tx) => {
        const [link] = await tx<(CitizenLinkRow & { citizen_id: string; active: boolean; display_name: string; org_name: string; preferred_language: Me['user']['preferredLanguage'] })[]>`
          select l.id, l.created_at, l.expires_at, l.revoked_at, l.used_at, l.citizen_id, u.active, u.display_name, u.preferred_language, o.name as org_name
          from citizen_links l join users u on u.id = l.citizen_id join organisations o on o.id = l.organisation_id
          where l.secret_hash = ${secretHash} for update of l`;
        if (!link || !link.active) throw invalid();
        const status = toCitizenLink(link).status;
        if (status === 'revoked') throw new HttpError(410, 'link_revoked', 'This link has been cancelled. Ask your support worker for a new one.');
        if (status === 'expired') throw new HttpError(410, 'link_expired', 'This link has expired. Ask your support worker for a new one.');
        if (status === 'used') throw new HttpError(410, 'link_used', 'This link has already been used. Ask your support worker for a new one.');
        const sessionId = await startSession(tx, { id: link.citizen_id, organisationId, role: 'citizen' });
        await tx`update citizen_links set used_at = now(), session_id = ${sessionId} where id = ${link.id}`;
        return {
          user: { id: link.citizen_id, role: 'citizen', displayName: link.display_name, preferredLanguage: link.preferred_language },
          organisation: { id: organisationId, name: link.org_name },
        };
      });
    },

    /**
     * Trades a reminder link's secret for a narrow session (a new random token; only its hash is stored) that lasts
     * as long as the link. An appointment's link can be used more than once until it expires; a "ready" link once.
     * Each use is counted and audited.
     */
    async exchangeJoinLink(secret: string): Promise<{ organisationId: string; token: string; expiresAt: Date; state: JoinState }> {
      const secretHash = hashSecret(secret);
      const [found] = await sql<{ organisation_id: string | null }[]>`select reminder_link_organisation(${secretHash}) as organisation_id`;
      const invalid = () => new HttpError(404, 'link_invalid', 'This link is not valid. Open the link in your newest reminder, or ask your support worker.');
      const organisationId = found?.organisation_id;
      if (!organisationId) throw invalid();
      const token = newSecret();
      return inOrganisation(sql, organisationId, async (tx) => {
        const [link] = await tx<{
          id: string; appointment_id: string | null; call_session_id: string | null; single_use: boolean; uses: number;
          citizen_id: string; expires_at: Date; revoked_at: Date | null; appointment_status: string | null; active: boolean;
        }[]>`
          select l.id, l.appointment_id, l.call_session_id, l.single_use, l.uses, l.citizen_id, l.expires_at, l.revoked_at,
                 a.status as appointment_status, u.active
          from reminder_links l left join appointments a on a.id = l.appointment_id join users u on u.id = l.citizen_id
          where l.secret_hash = ${secretHash} for update of l`;
        if (!link || !link.active) throw invalid();
        if (link.revoked_at || link.appointment_status === 'cancelled') {
          throw new HttpError(410, 'link_revoked', 'This appointment has been cancelled or the link withdrawn. Ask your support worker if in doubt.');
        }
        if (link.expires_at.getTime() <= Date.now()) throw new HttpError(410, 'link_expired', 'This appointment is over, so its link no longer works.');
        if (link.single_use && link.uses > 0) throw new HttpError(410, 'link_used', 'This link has already been used. Open the app, or ask your support worker.');
        await tx`
          insert into auth_sessions (organisation_id, user_id, expires_at, reminder_link_id, join_token_hash)
          values (${organisationId}, ${link.citizen_id}, ${link.expires_at}, ${link.id}, ${hashSecret(token)})`;
        await tx`
          update reminder_links set uses = uses + 1, first_used_at = coalesce(first_used_at, now()), last_used_at = now() where id = ${link.id}`;
        // Whoever holds the link is not necessarily the citizen, so the actor is the link, not a person.
        await audit(tx, { organisationId, userId: null, role: 'reminder_link' }, 'reminder_link.use', link.citizen_id,
          { linkId: link.id, appointmentId: link.appointment_id, ...(link.call_session_id ? { callId: link.call_session_id } : {}) });
        const target = { appointmentId: link.appointment_id, callSessionId: link.call_session_id, citizenId: link.citizen_id };
        return { organisationId, token, expiresAt: link.expires_at, state: await joinState(tx, target, link.expires_at) };
      });
    },

    /** The narrow session with this token, if it (its link, its appointment, its citizen) is still good. */
    async joinSession(organisationId: string, token: string): Promise<JoinContext | undefined> {
      const [row] = await inOrganisation(sql, organisationId, (tx) => tx<{
        session_id: string; link_id: string; appointment_id: string | null; call_session_id: string | null; citizen_id: string;
      }[]>`
        select s.id as session_id, l.id as link_id, l.appointment_id, l.call_session_id, l.citizen_id
        from auth_sessions s
        join reminder_links l on l.id = s.reminder_link_id
        left join appointments a on a.id = l.appointment_id
        join users u on u.id = l.citizen_id
        where s.join_token_hash = ${hashSecret(token)} and s.revoked_at is null and s.expires_at > now()
          and l.revoked_at is null and l.expires_at > now() and (a.id is null or a.status <> 'cancelled') and u.active`);
      if (!row) return undefined;
      return {
        organisationId, signInId: row.session_id, linkId: row.link_id, appointmentId: row.appointment_id, callSessionId: row.call_session_id,
        citizenId: row.citizen_id,
      };
    },

    joinState(join: JoinContext): Promise<JoinState> {
      return inOrganisation(sql, join.organisationId, async (tx) => {
        const [link] = await tx<{ expires_at: Date }[]>`select expires_at from reminder_links where id = ${join.linkId}`;
        return joinState(tx, join, link!.expires_at);
      });
    },

    /** The link's open video session the holder may join; refused while not open, once ended, or after removal. */
    joinableCall(join: JoinContext): Promise<string> {
      return inOrganisation(sql, join.organisationId, async (tx) => {
        const session = await linkedCall(tx, join);
        if (!session) throw new HttpError(409, 'not_started', 'Your support worker has not opened the video meeting yet');
        if (session.status !== 'open') throw new HttpError(410, 'session_ended', 'This session has ended');
        if (await wasRemoved(tx, session.id, join.citizenId)) throw new HttpError(410, 'removed', 'You were taken out of this session');
        return session.id;
      });
    },

    /** The reminder links of one appointment, for its worker or a coordinator: issued when, used when, how often. */
    reminderLinks(auth: Auth, appointmentId: string): Promise<ReminderLink[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [appointment] = await tx<{ worker_id: string; citizen_id: string }[]>`
          select worker_id, citizen_id from appointments where id = ${appointmentId}`;
        if (!appointment || (auth.role === 'worker' && appointment.worker_id !== auth.userId)) throw notFound('No such appointment');
        const rows = await tx<ReminderLinkRow[]>`
          select l.id, r.channel, l.created_at, l.expires_at, l.revoked_at, l.first_used_at, l.last_used_at, l.uses
          from reminder_links l left join reminders r on r.id = l.reminder_id
          where l.appointment_id = ${appointmentId} order by l.created_at desc`;
        await audit(tx, auth, 'reminder_link.list', appointment.citizen_id, { appointmentId });
        return rows.map(toReminderLink);
      });
    },

    /** Withdraws a link at once: it, and any session it gave, stop working. Returns the link and whose it was. */
    revokeReminderLink(auth: Auth, linkId: string): Promise<{ link: ReminderLink; citizenId: string }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        // A "ready" link has a call session, and through it a worker, even without an appointment.
        const [link] = await tx<{ citizen_id: string; worker_id: string; appointment_id: string | null }[]>`
          select l.citizen_id, coalesce(a.worker_id, s.worker_id) as worker_id, l.appointment_id
          from reminder_links l left join appointments a on a.id = l.appointment_id left join call_sessions s on s.id = l.call_session_id
          where l.id = ${linkId} for update of l`;
        if (!link || (auth.role === 'worker' && link.worker_id !== auth.userId)) throw notFound('No such link');
        await tx`update reminder_links set revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, ${auth.userId}) where id = ${linkId}`;
        await tx`update auth_sessions set revoked_at = now() where reminder_link_id = ${linkId} and revoked_at is null`;
        await audit(tx, auth, 'reminder_link.revoke', link.citizen_id, { linkId, appointmentId: link.appointment_id });
        const [row] = await tx<ReminderLinkRow[]>`
          select l.id, r.channel, l.created_at, l.expires_at, l.revoked_at, l.first_used_at, l.last_used_at, l.uses
          from reminder_links l left join reminders r on r.id = l.reminder_id where l.id = ${linkId}`;
        return { link: toReminderLink(row!), citizenId: link.citizen_id };
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    links: LinkStore;
  }
}
