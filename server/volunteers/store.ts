/**
 * Volunteers in the database: profiles (coordinator), matches with the citizen's consent, the citizen's wishes,
 * follow-up (activity and hours, never content) and supervision notes. Staff reads of a citizen's matches or wishes
 * are audited in the same transaction. A volunteer's own reads run as naervaer_volunteer (migration 019), so what
 * they see here is also all the database would give them.
 */
import type { Sql } from 'postgres';
import type {
  CitizenVolunteers, MatchStatus, MyVolunteering, MyVolunteers, StaffMatch, SupervisionNote, VolunteerActivity, VolunteerCard,
  VolunteerFollowUp, VolunteerHoursRow, VolunteerKind, VolunteerLanguage, VolunteerProfile, VolunteerProfileBody, VolunteerWish,
} from '../../protocol/volunteers.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { assertCitizenAccess } from '../people/store.js';

/** How long an ended match stays on the citizen's and the volunteer's home ("… er ikke længere din frivillige"). */
export const ENDED_SHOWN_DAYS = 14;

interface ProfileRow {
  volunteer_id: string;
  display_name: string;
  active: boolean;
  current: boolean;
  kind: VolunteerKind;
  chosen_name: string;
  presentation: string;
  languages: VolunteerLanguage[];
  task_description: string;
  contact_person_id: string | null;
  contact_person_name: string | null;
  active_from: string;
  active_until: string | null;
  active_matches: number;
}

const toProfile = (r: ProfileRow): VolunteerProfile => ({
  volunteerId: r.volunteer_id, displayName: r.display_name, active: r.active, current: r.current, kind: r.kind, chosenName: r.chosen_name,
  presentation: r.presentation, languages: r.languages, taskDescription: r.task_description, contactPersonId: r.contact_person_id,
  contactPersonName: r.contact_person_name, activeFrom: r.active_from, activeUntil: r.active_until, activeMatches: r.active_matches,
});

/** Profiles with what the lists show: all, or one volunteer's. */
async function profiles(tx: Tx, volunteerId: string | null): Promise<VolunteerProfile[]> {
  const rows = await tx<ProfileRow[]>`
    select p.volunteer_id, u.display_name, u.active, p.kind, p.chosen_name, p.presentation, p.languages, p.task_description,
           p.contact_person_id, c.display_name as contact_person_name,
           p.active_from::text, p.active_until::text,
           (u.active and p.active_from <= d.today and (p.active_until is null or p.active_until >= d.today)) as current,
           (select count(*)::int from volunteer_matches m where m.volunteer_id = p.volunteer_id and m.status = 'active') as active_matches
    from volunteer_profiles p
    join users u on u.id = p.volunteer_id
    left join users c on c.id = p.contact_person_id
    cross join lateral (select (now() at time zone o.time_zone)::date as today from organisations o where o.id = p.organisation_id) d
    where ${volunteerId}::uuid is null or p.volunteer_id = ${volunteerId}
    order by u.active desc, p.chosen_name, u.display_name`;
  return rows.map(toProfile);
}

interface MatchRow {
  id: string;
  volunteer_id: string;
  citizen_id: string;
  chosen_name: string;
  kind: VolunteerKind;
  status: MatchStatus;
  created_at: Date;
  decided_at: Date | null;
  ended_at: Date | null;
}

const toStaffMatch = (r: MatchRow): StaffMatch => ({
  id: r.id, volunteerId: r.volunteer_id, chosenName: r.chosen_name, kind: r.kind, status: r.status, createdAt: r.created_at.toISOString(),
  decidedAt: r.decided_at?.toISOString() ?? null, endedAt: r.ended_at?.toISOString() ?? null,
});

async function citizenVolunteers(tx: Tx, citizenId: string): Promise<CitizenVolunteers> {
  const matches = await tx<MatchRow[]>`
    select m.id, m.volunteer_id, m.citizen_id, p.chosen_name, p.kind, m.status, m.created_at, m.decided_at, m.ended_at
    from volunteer_matches m join volunteer_profiles p on p.volunteer_id = m.volunteer_id
    where m.citizen_id = ${citizenId}
    order by (m.status in ('proposed', 'active')) desc, m.created_at desc`;
  const wishes = await openWishes(tx, citizenId);
  return { matches: matches.map(toStaffMatch), wishes };
}

async function openWishes(tx: Tx, citizenId: string | null, workerId: string | null = null): Promise<VolunteerWish[]> {
  const rows = await tx<{ id: string; citizen_id: string; citizen_name: string; kind: VolunteerKind; created_at: Date }[]>`
    select w.id, w.citizen_id, u.display_name as citizen_name, w.kind, w.created_at
    from volunteer_wishes w join users u on u.id = w.citizen_id
    where w.status = 'open'
      and (${citizenId}::uuid is null or w.citizen_id = ${citizenId})
      and (${workerId}::uuid is null or exists (select 1 from caseloads c where c.worker_id = ${workerId} and c.citizen_id = w.citizen_id))
    order by w.created_at`;
  return rows.map((r) => ({ id: r.id, citizenId: r.citizen_id, citizenName: r.citizen_name, kind: r.kind, createdAt: r.created_at.toISOString() }));
}

async function myVolunteers(tx: Tx, citizenId: string): Promise<MyVolunteers> {
  const rows = await tx<{ id: string; status: MatchStatus; chosen_name: string; kind: VolunteerKind; presentation: string; languages: VolunteerLanguage[]; ended_at: Date | null }[]>`
    select m.id, m.status, p.chosen_name, p.kind, p.presentation, p.languages, m.ended_at
    from volunteer_matches m join volunteer_profiles p on p.volunteer_id = m.volunteer_id
    where m.citizen_id = ${citizenId}
      and (m.status in ('proposed', 'active')
           -- ended after it was active (a proposal withdrawn before the citizen answered was never theirs: nothing to say)
           or (m.status = 'ended' and m.decided_at < m.ended_at and m.ended_at > now() - make_interval(days => ${ENDED_SHOWN_DAYS})))
    order by m.created_at`;
  const card = (r: (typeof rows)[number]): VolunteerCard => ({ matchId: r.id, chosenName: r.chosen_name, kind: r.kind, presentation: r.presentation, languages: r.languages });
  const wishes = await tx<{ kind: VolunteerKind }[]>`select kind from volunteer_wishes where citizen_id = ${citizenId} and status = 'open' order by kind`;
  return {
    proposals: rows.filter((r) => r.status === 'proposed').map(card),
    active: rows.filter((r) => r.status === 'active').map(card),
    ended: rows.filter((r) => r.status === 'ended').map((r) => ({ matchId: r.id, chosenName: r.chosen_name, endedAt: r.ended_at!.toISOString() })),
    wishes: wishes.map((w) => w.kind),
  };
}

async function myVolunteering(tx: Tx, volunteerId: string): Promise<MyVolunteering> {
  const [profile] = await tx<{ kind: VolunteerKind; chosen_name: string; presentation: string; task_description: string; active_from: string; active_until: string | null; contact_person_name: string | null }[]>`
    select p.kind, p.chosen_name, p.presentation, p.task_description, p.active_from::text, p.active_until::text, c.display_name as contact_person_name
    from volunteer_profiles p left join users c on c.id = p.contact_person_id
    where p.volunteer_id = ${volunteerId}`;
  // The citizen's name comes from users, which shows a volunteer a citizen only while their match is active; and the
  // first name only: a volunteer is not staff and gets no more of a citizen than they need to say hello (DESIGN.md).
  const matches = await tx<{ id: string; citizen_name: string | null; decided_at: Date }[]>`
    select m.id, split_part(btrim(u.display_name), ' ', 1) as citizen_name, m.decided_at
    from volunteer_matches m left join users u on u.id = m.citizen_id
    where m.volunteer_id = ${volunteerId} and m.status = 'active'
    order by m.decided_at`;
  const ended = await tx<{ id: string; ended_at: Date }[]>`
    select id, ended_at from volunteer_matches
    where volunteer_id = ${volunteerId} and status = 'ended' and decided_at < ended_at
      and ended_at > now() - make_interval(days => ${ENDED_SHOWN_DAYS})
    order by ended_at desc`;
  return {
    profile: profile
      ? { kind: profile.kind, chosenName: profile.chosen_name, presentation: profile.presentation, taskDescription: profile.task_description, activeFrom: profile.active_from, activeUntil: profile.active_until }
      : null,
    contactPersonName: profile?.contact_person_name ?? null,
    matches: matches.filter((m) => m.citizen_name !== null).map((m) => ({ matchId: m.id, citizenName: m.citizen_name!, since: m.decided_at.toISOString() })),
    ended: ended.map((m) => ({ matchId: m.id, endedAt: m.ended_at.toISOString() })),
  };
}

/**
 * What a volunteer hosted, as durations only: video sessions they ran (from start to end), and held appointments they
 * hosted that had no such session (a phone call, a walk: their booked length). Months in the organisation's zone.
 */
const activities = (tx: Tx) => tx`
  select s.worker_id as volunteer_id, s.citizen_id, s.started_at as at, extract(epoch from s.ended_at - s.started_at) as seconds, 'session' as kind
  from call_sessions s join volunteer_profiles p on p.volunteer_id = s.worker_id
  where s.started_at is not null and s.ended_at is not null
  union all
  select a.worker_id, a.citizen_id, a.starts_at, extract(epoch from a.ends_at - a.starts_at), 'appointment'
  from appointments a join volunteer_profiles p on p.volunteer_id = a.worker_id
  where a.status = 'held'
    and not exists (select 1 from call_sessions s where s.appointment_id = a.id and s.started_at is not null and s.ended_at is not null)`;

/** The volunteer's contact person, or a coordinator; to anyone else the volunteer's follow-up does not exist. */
async function assertFollowsUp(tx: Tx, auth: Auth, volunteerId: string): Promise<{ chosen_name: string; display_name: string }> {
  const [row] = await tx<{ chosen_name: string; display_name: string }[]>`
    select p.chosen_name, u.display_name from volunteer_profiles p join users u on u.id = p.volunteer_id
    where p.volunteer_id = ${volunteerId} and (${auth.role} = 'coordinator' or p.contact_person_id = ${auth.userId})`;
  if (!row) throw notFound('No such volunteer');
  return row;
}

/** Loads a match for an update and locks it; someone else's looks like none at all. */
async function lockMatch(tx: Tx, matchId: string): Promise<{ id: string; volunteer_id: string; citizen_id: string; status: MatchStatus } | undefined> {
  const [row] = await tx<{ id: string; volunteer_id: string; citizen_id: string; status: MatchStatus }[]>`
    select id, volunteer_id, citizen_id, status from volunteer_matches where id = ${matchId} for update`;
  return row;
}

async function endMatch(tx: Tx, auth: Auth, matchId: string): Promise<void> {
  await tx`
    update volunteer_matches
    set status = 'ended', ended_at = now(), ended_by = ${auth.userId}, decided_at = coalesce(decided_at, now())
    where id = ${matchId}`;
}

export type VolunteerStore = ReturnType<typeof volunteerStore>;

export function volunteerStore(sql: Sql) {
  return {
    // --- Profiles (coordinator; workers read the list to propose from it) ---

    list(auth: Auth): Promise<VolunteerProfile[]> {
      return inOrganisation(sql, auth.organisationId, (tx) => profiles(tx, null));
    },

    saveProfile(auth: Auth, volunteerId: string, body: VolunteerProfileBody): Promise<VolunteerProfile> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [volunteer] = await tx`select 1 from users where id = ${volunteerId} and role = 'volunteer'`;
        if (!volunteer) throw notFound('No such volunteer');
        if (body.contactPersonId) {
          const [contact] = await tx`select 1 from users where id = ${body.contactPersonId} and role in ('worker', 'coordinator') and active`;
          if (!contact) throw badRequest('The contact person must be an active worker or coordinator');
        }
        if (body.activeUntil !== null && body.activeUntil < body.activeFrom) throw badRequest('The active period ends before it starts');
        await tx`
          insert into volunteer_profiles (volunteer_id, organisation_id, kind, chosen_name, presentation, languages, task_description,
                                          contact_person_id, active_from, active_until)
          values (${volunteerId}, ${auth.organisationId}, ${body.kind}, ${body.chosenName.trim()}, ${body.presentation}, ${tx.array(body.languages)}::text[],
                  ${body.taskDescription}, ${body.contactPersonId}, ${body.activeFrom}, ${body.activeUntil})
          on conflict (volunteer_id) do update set
            kind = excluded.kind, chosen_name = excluded.chosen_name, presentation = excluded.presentation, languages = excluded.languages,
            task_description = excluded.task_description, contact_person_id = excluded.contact_person_id,
            active_from = excluded.active_from, active_until = excluded.active_until, updated_at = now()`;
        await audit(tx, auth, 'volunteer.profile_save', volunteerId);
        return (await profiles(tx, volunteerId))[0]!;
      });
    },

    // --- Follow-up ---

    followUp(auth: Auth, volunteerId: string): Promise<VolunteerFollowUp> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const who = await assertFollowsUp(tx, auth, volunteerId);
        const rows = await tx<{ kind: VolunteerActivity['kind']; at: Date; seconds: string }[]>`
          select kind, at, seconds from (${activities(tx)}) a where a.volunteer_id = ${volunteerId} order by at desc limit 200`;
        const notes = await tx<{ id: string; body: string; author_name: string; created_at: Date }[]>`
          select n.id, n.body, u.display_name as author_name, n.created_at
          from supervision_notes n join users u on u.id = n.author_id
          where n.volunteer_id = ${volunteerId} order by n.created_at desc`;
        const list = rows.map((r) => ({ kind: r.kind, startedAt: r.at.toISOString(), minutes: Math.round(Number(r.seconds) / 60) }));
        return {
          volunteerId, chosenName: who.chosen_name, displayName: who.display_name, activities: list,
          totalMinutes: Math.round(rows.reduce((sum, r) => sum + Number(r.seconds), 0) / 60),
          notes: notes.map((n) => ({ id: n.id, body: n.body, authorName: n.author_name, createdAt: n.created_at.toISOString() })),
        };
      });
    },

    addSupervisionNote(auth: Auth, volunteerId: string, body: string): Promise<SupervisionNote> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertFollowsUp(tx, auth, volunteerId);
        const [row] = await tx<{ id: string; created_at: Date; author_name: string }[]>`
          insert into supervision_notes (organisation_id, volunteer_id, author_id, body)
          values (${auth.organisationId}, ${volunteerId}, ${auth.userId}, ${body.trim()})
          returning id, created_at, (select display_name from users where id = ${auth.userId}) as author_name`;
        return { id: row!.id, body: body.trim(), authorName: row!.author_name, createdAt: row!.created_at.toISOString() };
      });
    },

    /** Hours and contacts per volunteer per local month, `from` to `to` inclusive (YYYY-MM). */
    hours(auth: Auth, from: string, to: string): Promise<VolunteerHoursRow[]> {
      if (from > to) return Promise.reject(badRequest('The period ends before it starts'));
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<{ month: string; volunteer_id: string; display_name: string; chosen_name: string; kind: VolunteerKind; contacts: number; citizens: number; seconds: string }[]>`
          select a.month, p.volunteer_id, u.display_name, p.chosen_name, p.kind,
                 count(*)::int as contacts, count(distinct a.citizen_id)::int as citizens, sum(a.seconds) as seconds
          from (
            select x.*, to_char(x.at at time zone o.time_zone, 'YYYY-MM') as month
            from (${activities(tx)}) x cross join organisations o where o.id = ${auth.organisationId}
          ) a
          join volunteer_profiles p on p.volunteer_id = a.volunteer_id
          join users u on u.id = p.volunteer_id
          where a.month between ${from} and ${to}
          group by a.month, p.volunteer_id, u.display_name, p.chosen_name, p.kind
          order by a.month, u.display_name`;
        return rows.map((r) => ({
          month: r.month, volunteerId: r.volunteer_id, displayName: r.display_name, chosenName: r.chosen_name, kind: r.kind,
          contacts: r.contacts, citizens: r.citizens, minutes: Math.round(Number(r.seconds) / 60),
        }));
      });
    },

    // --- Matching, staff side ---

    ofCitizen(auth: Auth, citizenId: string): Promise<CitizenVolunteers> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        await audit(tx, auth, 'citizen.volunteers_read', citizenId);
        return citizenVolunteers(tx, citizenId);
      });
    },

    propose(auth: Auth, citizenId: string, volunteerId: string): Promise<CitizenVolunteers> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertCitizenAccess(tx, auth, citizenId);
        const [volunteer] = await tx<{ kind: VolunteerKind }[]>`
          select p.kind from volunteer_profiles p join users u on u.id = p.volunteer_id
          cross join lateral (select (now() at time zone o.time_zone)::date as today from organisations o where o.id = p.organisation_id) d
          where p.volunteer_id = ${volunteerId} and u.active and p.active_from <= d.today and (p.active_until is null or p.active_until >= d.today)`;
        if (!volunteer) throw notFound('No such volunteer, or not active now');
        const [open] = await tx`select 1 from volunteer_matches where volunteer_id = ${volunteerId} and citizen_id = ${citizenId} and status in ('proposed', 'active')`;
        if (open) throw conflict('This volunteer is already proposed to or matched with this citizen');
        const [match] = await tx<{ id: string }[]>`
          insert into volunteer_matches (organisation_id, volunteer_id, citizen_id, status, proposed_by)
          values (${auth.organisationId}, ${volunteerId}, ${citizenId}, 'proposed', ${auth.userId}) returning id`;
        // Proposing a volunteer of the kind the citizen asked for answers that wish.
        await tx`
          update volunteer_wishes set status = 'answered', answered_at = now(), answered_by = ${auth.userId}, match_id = ${match!.id}
          where citizen_id = ${citizenId} and kind = ${volunteer.kind} and status = 'open'`;
        await audit(tx, auth, 'citizen.volunteer_propose', citizenId, { matchId: match!.id });
        return citizenVolunteers(tx, citizenId);
      });
    },

    endByStaff(auth: Auth, matchId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const match = await lockMatch(tx, matchId);
        if (!match) throw notFound('No such match');
        await assertCitizenAccess(tx, auth, match.citizen_id);
        if (match.status !== 'proposed' && match.status !== 'active') throw conflict('This match has already ended');
        await endMatch(tx, auth, matchId);
        await audit(tx, auth, 'citizen.volunteer_end', match.citizen_id, { matchId });
      });
    },

    wishes(auth: Auth): Promise<VolunteerWish[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const wishes = await openWishes(tx, null, auth.role === 'coordinator' ? null : auth.userId);
        await audit(tx, auth, 'citizen.list', [...new Set(wishes.map((w) => w.citizenId))], { via: 'volunteer_wishes' });
        return wishes;
      });
    },

    // --- The citizen ---

    mine(auth: Auth): Promise<MyVolunteers> {
      return inOrganisation(sql, auth.organisationId, (tx) => myVolunteers(tx, auth.userId));
    },

    decide(auth: Auth, matchId: string, accept: boolean): Promise<MyVolunteers> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const match = await lockMatch(tx, matchId);
        if (!match || match.citizen_id !== auth.userId) throw notFound('No such proposal');
        if (match.status !== 'proposed') throw conflict('This proposal has already been answered');
        await tx`update volunteer_matches set status = ${accept ? 'active' : 'declined'}, decided_at = now() where id = ${matchId}`;
        return myVolunteers(tx, auth.userId);
      });
    },

    endByCitizen(auth: Auth, matchId: string): Promise<MyVolunteers> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const match = await lockMatch(tx, matchId);
        if (!match || match.citizen_id !== auth.userId) throw notFound('No such match');
        if (match.status !== 'active') throw conflict('This match is not active');
        await endMatch(tx, auth, matchId);
        return myVolunteers(tx, auth.userId);
      });
    },

    wish(auth: Auth, kind: VolunteerKind): Promise<MyVolunteers> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        // Asking again is the same wish.
        await tx`
          insert into volunteer_wishes (organisation_id, citizen_id, kind) values (${auth.organisationId}, ${auth.userId}, ${kind})
          on conflict (citizen_id, kind) where status = 'open' do nothing`;
        return myVolunteers(tx, auth.userId);
      });
    },

    // --- The volunteer (runs as naervaer_volunteer) ---

    volunteering(auth: Auth): Promise<MyVolunteering> {
      return inOrganisation(sql, auth.organisationId, (tx) => myVolunteering(tx, auth.userId));
    },

    endByVolunteer(auth: Auth, matchId: string): Promise<MyVolunteering> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const match = await lockMatch(tx, matchId);
        if (!match || match.volunteer_id !== auth.userId) throw notFound('No such match');
        if (match.status !== 'active') throw conflict('This match is not active');
        await endMatch(tx, auth, matchId);
        return myVolunteering(tx, auth.userId);
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    volunteers: VolunteerStore;
  }
}
