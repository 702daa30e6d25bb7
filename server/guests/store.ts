/**
 * Guest invitations in the database: the citizen's invitations of a relative or helper to one of their video
 * appointments, the one-time link an approved one gets, and the narrow guest session that link gives. Only hashes of
 * the link's secret and of the session's token are stored. A link is found by its hash through a SECURITY DEFINER
 * function that names only its organisation (guest_link_organisation); everything else runs inside that organisation.
 *
 * The guest has no account. To take part in a call they need an identity the call log can name, so using the link
 * makes a `users` row of role 'guest' (the name the citizen wrote; no e-mail, phone or password) and a sign-in row
 * the call's connection is bound to. No signed-in person's transaction ever sees that row (migration 020), and it
 * loses its name when the session ends.
 */
import type { Sql } from 'postgres';
import type { GuestInvitation, GuestState, NewGuestInvitationBody } from '../../protocol/guests.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import { wasRemoved } from '../calls/store.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { conflict, HttpError, notFound } from '../http/errors.js';
import { danishDateTime, toLocal } from '../time.js';

/** A link still works this long after its appointment's end, for a call that runs over (as reminder links do). */
const GRACE_AFTER_END = '30 minutes';

/** The narrow session a used guest link gave: one guest, one appointment. */
export interface GuestContext {
  organisationId: string;
  invitationId: string;
  guestUserId: string;
  /** The sign-in row the guest's call connection is bound to. */
  signInId: string;
  appointmentId: string;
  citizenId: string;
}

interface InvitationRow {
  id: string;
  appointment_id: string;
  guest_name: string;
  starts_at: Date;
  time_zone: string;
  approved_at: Date | null;
  used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date;
}

const statusOf = (r: Pick<InvitationRow, 'approved_at' | 'used_at' | 'revoked_at' | 'expires_at'>): GuestInvitation['status'] =>
  r.revoked_at ? 'revoked' : r.expires_at.getTime() <= Date.now() ? 'expired' : r.used_at ? 'used' : r.approved_at ? 'approved' : 'draft';

const invitationOf = (r: InvitationRow): GuestInvitation => ({
  id: r.id, appointmentId: r.appointment_id, guestName: r.guest_name, start: toLocal(r.starts_at, r.time_zone),
  whenText: danishDateTime(r.starts_at, r.time_zone), status: statusOf(r), expiresAt: r.expires_at.toISOString(),
});

const invitationColumns = (tx: Tx) => tx`
  g.id, g.appointment_id, g.guest_name, a.starts_at, o.time_zone, g.approved_at, g.used_at, g.revoked_at, g.expires_at`;

/** The citizen's own invitation, locked for the transaction. */
async function ownInvitation(tx: Tx, auth: Auth, id: string): Promise<InvitationRow & { guest_user_id: string | null }> {
  const [row] = await tx<(InvitationRow & { guest_user_id: string | null })[]>`
    select ${invitationColumns(tx)}, g.guest_user_id
    from guest_invitations g join appointments a on a.id = g.appointment_id join organisations o on o.id = g.organisation_id
    where g.id = ${id} and g.citizen_id = ${auth.userId} for update of g`;
  if (!row) throw notFound('No such invitation');
  return row;
}

/** The appointment's session the guest may join: the newest, an open one first. */
async function appointmentCall(tx: Tx, appointmentId: string) {
  const [session] = await tx<{ id: string; status: 'open' | 'ended' }[]>`
    select s.id, s.status from call_sessions s where s.appointment_id = ${appointmentId}
    order by (s.status = 'open') desc, s.created_at desc limit 1`;
  return session;
}

async function guestState(tx: Tx, invitationId: string): Promise<GuestState> {
  // The host as the citizen knows them: a volunteer by their chosen name only.
  const [row] = await tx<{ guest_name: string; host_name: string; starts_at: Date; time_zone: string; expires_at: Date; appointment_id: string }[]>`
    select g.guest_name, coalesce(vp.chosen_name, w.display_name) as host_name, a.starts_at, o.time_zone, g.expires_at, g.appointment_id
    from guest_invitations g
    join appointments a on a.id = g.appointment_id
    join users w on w.id = a.worker_id
    left join volunteer_profiles vp on vp.volunteer_id = a.worker_id
    join organisations o on o.id = g.organisation_id
    where g.id = ${invitationId}`;
  const r = row!;
  const session = await appointmentCall(tx, r.appointment_id);
  return {
    guestName: r.guest_name, hostName: r.host_name.trim().split(/\s+/)[0] ?? r.host_name, start: toLocal(r.starts_at, r.time_zone),
    whenText: danishDateTime(r.starts_at, r.time_zone), session: session ?? null, expiresAt: r.expires_at.toISOString(),
  };
}

export type GuestStore = ReturnType<typeof guestStore>;

export function guestStore(sql: Sql) {
  return {
    // ——— The citizen ———

    /** The citizen's invitations for appointments that have not ended, soonest first. */
    list(auth: Auth): Promise<GuestInvitation[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<InvitationRow[]>`
          select ${invitationColumns(tx)}
          from guest_invitations g join appointments a on a.id = g.appointment_id join organisations o on o.id = g.organisation_id
          where g.citizen_id = ${auth.userId} and g.expires_at > now() order by a.starts_at, g.created_at`;
        return rows.map(invitationOf);
      });
    },

    /** An invitation (not yet a link) for one of the citizen's own coming, booked video appointments. */
    create(auth: Auth, body: NewGuestInvitationBody): Promise<GuestInvitation> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [appointment] = await tx<{ id: string; modality: string }[]>`
          select id, modality from appointments
          where id = ${body.appointmentId} and citizen_id = ${auth.userId} and status = 'booked' and ends_at > now()`;
        if (!appointment) throw notFound('No such coming appointment');
        if (appointment.modality !== 'video') throw conflict('Guests can join video meetings only');
        const [row] = await tx<{ id: string }[]>`
          insert into guest_invitations (organisation_id, citizen_id, appointment_id, guest_name, expires_at)
          select ${auth.organisationId}, ${auth.userId}, a.id, ${body.guestName.trim()}, a.ends_at + ${GRACE_AFTER_END}::interval
          from appointments a where a.id = ${appointment.id}
          returning id`;
        return invitationOf(await ownInvitation(tx, auth, row!.id));
      });
    },

    /** The citizen approves: the one-time link's secret is made here and returned once; only its hash stays. */
    approve(auth: Auth, id: string): Promise<{ id: string; secret: string; expiresAt: Date }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const invitation = await ownInvitation(tx, auth, id);
        const status = statusOf(invitation);
        if (status !== 'draft') throw conflict(status === 'approved' || status === 'used' ? 'This invitation is already approved' : `This invitation is ${status}`);
        const secret = newSecret();
        await tx`update guest_invitations set approved_at = now(), secret_hash = ${hashSecret(secret)} where id = ${id}`;
        return { id, secret, expiresAt: invitation.expires_at };
      });
    },

    /** Withdraws the invitation: its link, and the session it gave, stop working. Returns the guest, if one came. */
    revoke(auth: Auth, id: string): Promise<{ guestUserId: string | null }> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const invitation = await ownInvitation(tx, auth, id);
        if (invitation.revoked_at) return { guestUserId: invitation.guest_user_id };
        await tx`update guest_invitations set revoked_at = now() where id = ${id}`;
        if (invitation.guest_user_id) {
          await tx`update auth_sessions set revoked_at = now() where user_id = ${invitation.guest_user_id} and revoked_at is null`;
        }
        return { guestUserId: invitation.guest_user_id };
      });
    },

    // ——— The guest (no sign-in: the link, then the narrow session it gave) ———

    /**
     * Trades the link's secret for a guest session, once: the guest's identity and sign-in row are made, the link is
     * spent. A second use is refused with `link_used`, whoever tries it.
     */
    async exchange(secret: string): Promise<{ organisationId: string; token: string; expiresAt: Date; state: GuestState }> {
      const secretHash = hashSecret(secret);
      const [found] = await sql<{ organisation_id: string | null }[]>`select guest_link_organisation(${secretHash}) as organisation_id`;
      const invalid = () => new HttpError(404, 'link_invalid', 'This link is not valid. Ask the person who sent it for a new one.');
      const organisationId = found?.organisation_id;
      if (!organisationId) throw invalid();
      const token = newSecret();
      return inOrganisation(sql, organisationId, async (tx) => {
        const [link] = await tx<{ id: string; citizen_id: string; guest_name: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null; appointment_status: string }[]>`
          select g.id, g.citizen_id, g.guest_name, g.expires_at, g.used_at, g.revoked_at, a.status as appointment_status
          from guest_invitations g join appointments a on a.id = g.appointment_id
          where g.secret_hash = ${secretHash} for update of g`;
        if (!link) throw invalid();
        if (link.revoked_at || link.appointment_status === 'cancelled') throw new HttpError(410, 'link_revoked', 'This invitation has been withdrawn.');
        if (link.expires_at.getTime() <= Date.now()) throw new HttpError(410, 'link_expired', 'This meeting is over, so its link no longer works.');
        if (link.used_at) throw new HttpError(410, 'link_used', 'This link has already been used. A guest link works once.');
        const [guest] = await tx<{ id: string }[]>`
          insert into users (organisation_id, role, display_name) values (${organisationId}, 'guest', ${link.guest_name}) returning id`;
        const [signIn] = await tx<{ id: string }[]>`
          insert into auth_sessions (organisation_id, user_id, expires_at) values (${organisationId}, ${guest!.id}, ${link.expires_at}) returning id`;
        await tx`
          update guest_invitations set used_at = now(), guest_user_id = ${guest!.id}, session_token_hash = ${hashSecret(token)}
          where id = ${link.id}`;
        // Whoever opened the link is not a known person: the actor is the link.
        await audit(tx, { organisationId, userId: null, role: 'guest_link' }, 'guest_link.use', link.citizen_id, { invitationId: link.id, signInId: signIn!.id });
        return { organisationId, token, expiresAt: link.expires_at, state: await guestState(tx, link.id) };
      });
    },

    /** The guest session with this token, if it (its invitation, its appointment, its sign-in) still holds. */
    async session(organisationId: string, token: string): Promise<GuestContext | undefined> {
      const [row] = await inOrganisation(sql, organisationId, (tx) => tx<{
        id: string; guest_user_id: string; sign_in_id: string; appointment_id: string; citizen_id: string;
      }[]>`
        select g.id, g.guest_user_id, s.id as sign_in_id, g.appointment_id, g.citizen_id
        from guest_invitations g
        join appointments a on a.id = g.appointment_id and a.status <> 'cancelled'
        join users u on u.id = g.guest_user_id and u.active
        join auth_sessions s on s.user_id = g.guest_user_id and s.revoked_at is null and s.expires_at > now()
        where g.session_token_hash = ${hashSecret(token)} and g.revoked_at is null and g.expires_at > now()`);
      if (!row) return undefined;
      return {
        organisationId, invitationId: row.id, guestUserId: row.guest_user_id, signInId: row.sign_in_id,
        appointmentId: row.appointment_id, citizenId: row.citizen_id,
      };
    },

    state(guest: GuestContext): Promise<GuestState> {
      return inOrganisation(sql, guest.organisationId, (tx) => guestState(tx, guest.invitationId));
    },

    /**
     * The appointment's open session, with the guest made its participant (they then wait until the host lets them
     * in); refused while not open, once ended, or after the host took them out.
     */
    joinableCall(guest: GuestContext): Promise<string> {
      return inOrganisation(sql, guest.organisationId, async (tx) => {
        const session = await appointmentCall(tx, guest.appointmentId);
        if (!session) throw new HttpError(409, 'not_started', 'The meeting has not been opened yet');
        if (session.status !== 'open') throw new HttpError(410, 'session_ended', 'This session has ended');
        if (await wasRemoved(tx, session.id, guest.guestUserId)) throw new HttpError(410, 'removed', 'You were taken out of this session');
        await tx`
          insert into call_participants (organisation_id, session_id, user_id, role, invited_by)
          values (${guest.organisationId}, ${session.id}, ${guest.guestUserId}, 'guest', ${guest.citizenId})
          on conflict (session_id, user_id) do nothing`;
        return session.id;
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    guests: GuestStore;
  }
}
