/**
 * Zero case data for volunteers, by the database (migration 019): in a volunteer's transaction (inOrganisation runs it
 * as naervaer_volunteer), an unfiltered query on every tenant table — listed from the catalog, so tables added later
 * are covered without editing this file — either is refused with "permission denied" or returns only rows of the
 * volunteer themselves and their active matches. The users' phone, e-mail and password hash are refused.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { asActor } from '../server/db/actor.js';
import { inOrganisation } from '../server/db/database.js';
import { upsertUser } from '../server/people/store.js';
import type { Org } from './support/harness.js';
import { PASSWORD } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h, org } = useHarness();

/** The people of the fixture: volunteer A (the one asking) and B, citizens in every relation to A. */
interface People {
  a: string;
  b: string;
  matched: string;
  unmatched: string;
  proposed: string;
  ended: string;
  other: Org;
}
let p: People;
/** Rows A may see, by table: the fixture's own ids. */
const mine = { sessions: [] as string[], appointments: [] as string[] };
/** Rows A must not see. */
const notMine = { sessions: [] as string[], appointments: [] as string[] };

async function tenantTables(admin: Sql): Promise<string[]> {
  const rows = await admin<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and (c.relname = 'organisations' or exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'organisation_id' and not a.attisdropped))
    order by 1`;
  return rows.map((r) => r.name);
}

/** Columns of a table naervaer_volunteer may read. */
async function readableColumns(admin: Sql, table: string): Promise<string[]> {
  const rows = await admin<{ name: string }[]>`
    select a.attname as name from pg_attribute a
    where a.attrelid = ${`public.${table}`}::regclass and a.attnum > 0 and not a.attisdropped
      and has_column_privilege('naervaer_volunteer', a.attrelid, a.attnum, 'SELECT')
    order by a.attnum`;
  return rows.map((r) => r.name);
}

const day = (offset: number) => new Date(Date.UTC(2091, 0, 1) + Math.floor(Math.random() * 2000) * 86_400_000 + offset * 3600_000);

async function session(admin: Sql, host: string, citizen: string, others: string[] = []): Promise<string> {
  const [call] = await admin<{ id: string }[]>`
    insert into call_sessions (organisation_id, worker_id, citizen_id, kind, status, started_at, ended_at, end_reason)
    values (${org.id}, ${host}, ${citizen}, 'ad_hoc', 'ended', now() - interval '1 hour', now(), 'ended_by_staff') returning id`;
  for (const user of [host, citizen, ...others]) {
    const [participant] = await admin<{ id: string }[]>`
      insert into call_participants (organisation_id, session_id, user_id, role)
      select ${org.id}, ${call!.id}, id, role from users where id = ${user} returning id`;
    await admin`insert into call_segments (organisation_id, participant_id, left_at, leave_reason) values (${org.id}, ${participant!.id}, now(), 'left')`;
  }
  return call!.id;
}

async function appointment(admin: Sql, host: string, citizen: string): Promise<string> {
  const start = day(0);
  const [row] = await admin<{ id: string }[]>`
    insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by, staff_note)
    values (${org.id}, ${host}, ${citizen}, ${start}, ${new Date(start.getTime() + 1800_000)}, 'video', ${org.workerId}, 'Må ikke ses af frivillige') returning id`;
  return row!.id;
}

beforeAll(async () => {
  const admin = h.admin;
  const tag = randomBytes(3).toString('hex');
  const citizen = (name: string) => upsertUser(admin, { organisationId: org.id, role: 'citizen', displayName: name, phone: '+4511223344' });
  p = {
    a: org.volunteerId,
    b: await upsertUser(admin, { organisationId: org.id, role: 'volunteer', displayName: 'Bente Frivillig', email: `b-${tag}@test.dk`, password: PASSWORD }),
    matched: org.citizenId,
    unmatched: org.otherCitizenId,
    proposed: await citizen('Preben Foreslået'),
    ended: await citizen('Erik Afsluttet'),
    other: await h.seedOrganisation('Andetsted'),
  };
  for (const [v, contact] of [[p.a, org.workerId], [p.b, org.workerId]] as const) {
    await admin`insert into volunteer_profiles (volunteer_id, organisation_id, kind, chosen_name, contact_person_id) values (${v}, ${org.id}, 'peer', 'Navn', ${contact})`;
  }
  await admin`insert into volunteer_profiles (volunteer_id, organisation_id, kind, chosen_name) values (${p.other.volunteerId}, ${p.other.id}, 'it_helper', 'Anden')`;
  await admin`
    insert into volunteer_matches (organisation_id, volunteer_id, citizen_id, status, decided_at, ended_at) values
      (${org.id}, ${p.a}, ${p.matched}, 'active', now(), null),
      (${org.id}, ${p.a}, ${p.proposed}, 'proposed', null, null),
      (${org.id}, ${p.a}, ${p.ended}, 'ended', now() - interval '2 days', now() - interval '1 day'),
      (${org.id}, ${p.b}, ${p.unmatched}, 'active', now(), null)`;
  await admin`insert into volunteer_matches (organisation_id, volunteer_id, citizen_id, status, decided_at) values (${p.other.id}, ${p.other.volunteerId}, ${p.other.citizenId}, 'active', now())`;
  await admin`insert into volunteer_wishes (organisation_id, citizen_id, kind) values (${org.id}, ${p.matched}, 'it_helper'), (${org.id}, ${p.unmatched}, 'peer')`;
  await admin`insert into supervision_notes (organisation_id, volunteer_id, author_id, body) values (${org.id}, ${p.a}, ${org.workerId}, 'Går godt'), (${org.id}, ${p.b}, ${org.workerId}, 'Går godt')`;
  for (const user of [p.a, p.b, org.workerId, p.matched, p.unmatched]) {
    await admin`insert into auth_sessions (organisation_id, user_id, expires_at) values (${org.id}, ${user}, now() + interval '1 hour')`;
  }
  // Sessions and appointments: A's own with the matched citizen; a worker's with the matched citizen that A was not
  // in; B's with the unmatched citizen; the ended match's.
  mine.sessions.push(await session(admin, p.a, p.matched));
  notMine.sessions.push(await session(admin, org.workerId, p.matched), await session(admin, p.b, p.unmatched), await session(admin, org.workerId, p.ended));
  mine.appointments.push(await appointment(admin, p.a, p.matched));
  notMine.appointments.push(await appointment(admin, org.workerId, p.matched), await appointment(admin, p.b, p.unmatched), await appointment(admin, org.workerId, p.proposed));
  // Case data about the matched citizen, where the tables exist: a volunteer must not read even their own match's.
  await admin`insert into citizen_settings (organisation_id, citizen_id, preferred_modality) values (${org.id}, ${p.matched}, 'video') on conflict (citizen_id) do nothing`;
  await admin`insert into medication_schedules (organisation_id, citizen_id, times_of_day, weekdays, wording, created_by)
              values (${org.id}, ${p.matched}, '{08:00}', '{1,2,3,4,5,6,7}', 'Husk medicinen', ${org.workerId})`;
  await admin`insert into crisis_plans (organisation_id, citizen_id, current_version) values (${org.id}, ${p.matched}, 0)`;
  await admin`insert into audit_events (organisation_id, actor_id, actor_role, action, subject_id) values (${org.id}, ${org.workerId}, 'worker', 'test.fixture', ${p.matched})`;
});

/** Runs one statement as volunteer A through the application's own path (asActor → inOrganisation). */
function asVolunteer<T extends readonly unknown[]>(query: string): Promise<T> {
  return asActor({ userId: p.a, organisationId: org.id, role: 'volunteer' }, () => inOrganisation(h.sql, org.id, (tx) => tx.unsafe(query) as unknown as Promise<T>));
}

async function outcome(query: string): Promise<{ rows: Record<string, unknown>[] } | { denied: true }> {
  try {
    return { rows: await asVolunteer<Record<string, unknown>[]>(query) };
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return { denied: true };
    throw error;
  }
}

describe('a volunteer’s transaction, on every tenant table (listed from the catalog)', () => {
  it('runs as naervaer_volunteer, and a worker’s does not', async () => {
    const [me] = await asVolunteer<{ who: string }[]>('select current_user::text as who');
    expect(me!.who).toBe('naervaer_volunteer');
    const [worker] = await asActor({ userId: org.workerId, organisationId: org.id, role: 'worker' }, () =>
      inOrganisation(h.sql, org.id, (tx) => tx<{ who: string }[]>`select current_user::text as who`));
    expect(worker!.who).not.toBe('naervaer_volunteer');
  });

  it('an unfiltered select * is refused, or returns only the volunteer’s own rows and their active matches’', async () => {
    const tables = await tenantTables(h.admin);
    expect(tables).toEqual(expect.arrayContaining(['users', 'appointments', 'call_sessions', 'volunteer_matches', 'crisis_plans', 'audit_events']));
    // Nobody A is not matched with now, nor the other volunteer, nor anything of another organisation.
    const strangers = [p.b, p.unmatched, p.proposed, p.ended, p.other.id, p.other.citizenId, p.other.volunteerId, ...notMine.sessions, ...notMine.appointments];
    const readable: string[] = [];
    for (const table of tables) {
      const columns = await readableColumns(h.admin, table);
      const all = await outcome(`select * from ${table}`);
      if (columns.length === 0) {
        expect(all, `${table}: no grant, so refused`).toEqual({ denied: true });
        continue;
      }
      readable.push(table);
      // Where only some columns are granted (users, appointments, call_sessions, …) select * is refused as a whole;
      // the granted columns then show what the rows are.
      const seen = 'rows' in all ? all : await outcome(`select ${columns.map((c) => `"${c}"`).join(', ')} from ${table}`);
      expect('rows' in seen, table).toBe(true);
      const values = JSON.stringify('rows' in seen ? seen.rows : []);
      // (A's own ended match still says that it ended, with the citizen's id and nothing else of them.)
      for (const stranger of strangers.filter((s) => !(table === 'volunteer_matches' && s === p.ended))) {
        expect(values.includes(stranger), `${table} shows ${stranger}`).toBe(false);
      }
    }
    // What a volunteer may read at all, today; a table that joins this list must be one that holds no case data.
    expect(readable).toEqual(expect.arrayContaining(['organisations', 'teams', 'users', 'auth_sessions', 'call_sessions', 'call_participants',
      'call_segments', 'appointments', 'volunteer_profiles', 'volunteer_matches']));
  });

  it('the case data of even their own match is refused, not filtered', async () => {
    const tables = new Set(await tenantTables(h.admin));
    const caseTables = ['notes', 'goals', 'follow_ups', 'crisis_plans', 'crisis_plan_versions', 'crisis_plan_proposals', 'medication_schedules',
      'citizen_settings', 'contact_requests', 'contact_messages', 'reminders', 'reminder_links', 'citizen_links', 'audit_events',
      'push_subscriptions', 'caseloads', 'supervision_notes', 'volunteer_wishes', 'calendar_feeds', 'sign_in_failures', 'device_checks',
      'guest_invitations'].filter((t) => tables.has(t));
    expect(caseTables.length).toBeGreaterThanOrEqual(15);
    for (const table of caseTables) expect(await outcome(`select * from ${table}`), table).toEqual({ denied: true });
  });

  it('users: their own row, the staff and their matched citizen — never phone, e-mail or password hash', async () => {
    const rows = await asVolunteer<{ id: string; display_name: string }[]>('select id, display_name from users');
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([p.a, p.matched, org.workerId, org.coordinatorId]));
    for (const hidden of [p.b, p.unmatched, p.proposed, p.ended]) expect(ids).not.toContain(hidden);
    for (const column of ['phone', 'email', 'password_hash']) {
      expect(await outcome(`select ${column} from users`), column).toEqual({ denied: true });
      expect(await outcome(`select ${column} from users where id = '${p.a}'`), `${column} of their own row`).toEqual({ denied: true });
    }
  });

  it('sessions and appointments: only those they took part in or host; no outcome note, no staff note', async () => {
    const sessions = await asVolunteer<{ id: string }[]>('select id from call_sessions');
    expect(sessions.map((s) => s.id).sort()).toEqual([...mine.sessions].sort());
    const appointments = await asVolunteer<{ id: string }[]>('select id from appointments');
    expect(appointments.map((a) => a.id).sort()).toEqual([...mine.appointments].sort());
    expect(await outcome('select outcome_note from call_sessions')).toEqual({ denied: true });
    expect(await outcome('select staff_note from appointments')).toEqual({ denied: true });
    expect(await outcome('select status_reason from appointments')).toEqual({ denied: true });
    const participants = await asVolunteer<{ user_id: string }[]>('select user_id from call_participants');
    expect(new Set(participants.map((r) => r.user_id))).toEqual(new Set([p.a, p.matched]));
  });

  it('their own profile and matches; a match that ends takes the citizen out of sight', async () => {
    const matches = await asVolunteer<{ citizen_id: string; status: string }[]>('select citizen_id, status from volunteer_matches order by status');
    // The proposal is the citizen's to answer: the volunteer does not see it.
    expect(matches.map((m) => m.citizen_id).sort()).toEqual([p.matched, p.ended].sort());
    const profiles = await asVolunteer<{ volunteer_id: string }[]>('select volunteer_id from volunteer_profiles');
    expect(profiles.map((r) => r.volunteer_id)).toEqual([p.a]);

    await h.admin`update volunteer_matches set status = 'ended', ended_at = now() where volunteer_id = ${p.a} and citizen_id = ${p.matched}`;
    try {
      const rows = await asVolunteer<{ id: string }[]>('select id from users');
      expect(rows.map((r) => r.id)).not.toContain(p.matched);
    } finally {
      await h.admin`update volunteer_matches set status = 'active', ended_at = null where volunteer_id = ${p.a} and citizen_id = ${p.matched}`;
    }
  });

  it('cannot write what is not theirs: another person’s password, a match of someone else', async () => {
    const changed = await asVolunteer(`update users set updated_at = now() where id = '${org.workerId}' returning id`).catch((e: { code?: string }) => e.code);
    // The worker's row is readable (a name) but not the volunteer's to change: no row is updated.
    expect(changed).toEqual([]);
    const others = await asVolunteer(`update volunteer_matches set ended_at = now(), status = 'ended' where volunteer_id = '${p.b}' returning id`);
    expect(others).toEqual([]);
    expect(await outcome(`insert into volunteer_matches (organisation_id, volunteer_id, citizen_id, status) values ('${org.id}', '${p.a}', '${p.unmatched}', 'proposed') returning id`)).toEqual({ denied: true });
    // Their own ended match cannot be brought back: that would show them the citizen again.
    expect(await outcome(`update volunteer_matches set status = 'active', ended_at = null, ended_by = null where volunteer_id = '${p.a}' and citizen_id = '${p.ended}' returning id`)).toEqual({ denied: true });
    expect(await h.admin`select status from volunteer_matches where volunteer_id = ${p.a} and citizen_id = ${p.ended}`).toEqual([{ status: 'ended' }]);
  });
});
