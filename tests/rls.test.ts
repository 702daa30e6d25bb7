import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { connectApp, inOrganisation } from '../server/db/database.js';
import type { Org } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h } = useHarness({ organisation: false });
let a: Org;
let b: Org;
let tables: TenantTable[];

interface TenantTable {
  name: string;
  /** The column that says whose row it is: organisation_id, or id for organisations itself. */
  org: string;
  /** Columns an INSERT may name (generated columns excluded). */
  columns: string[];
  /** Has a GENERATED ALWAYS identity column, so a copied row needs OVERRIDING SYSTEM VALUE. */
  identityAlways: boolean;
}

/**
 * The tenant tables as the catalog lists them — every table in public with an organisation_id column, plus
 * organisations — so a table added by a later migration is checked here without anyone editing this list.
 */
async function tenantTables(admin: Sql): Promise<TenantTable[]> {
  const rows = await admin<{ name: string; columns: string[]; identity_always: boolean }[]>`
    select c.relname as name, array_agg(a.attname::text order by a.attnum) filter (where a.attgenerated = '') as columns,
           bool_or(a.attidentity = 'a') as identity_always
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    group by c.relname
    having c.relname = 'organisations' or bool_or(a.attname = 'organisation_id')
    order by c.relname`;
  return rows.map((r) => ({ name: r.name, org: r.name === 'organisations' ? 'id' : 'organisation_id', columns: r.columns, identityAlways: r.identity_always }));
}

const hash = () => randomBytes(32);

/**
 * One row or more of this organisation in every tenant table. A table added later needs its rows here: the first
 * test fails, naming it, until it has some (an empty table would make every check below pass without meaning).
 */
async function seedEveryTable(admin: Sql, org: Org): Promise<void> {
  const tag = randomBytes(4).toString('hex');
  // Far in the future, one day per organisation: the seeded appointments never meet other tests' bookings.
  const day = new Date(Date.UTC(2090, 0, 1) + Math.floor(Math.random() * 3000) * 86_400_000);
  await admin.begin(async (tx) => {
    await tx`insert into teams (organisation_id, name) values (${org.id}, ${`Team ${tag}`})`;
    const [session] = await tx`insert into auth_sessions (organisation_id, user_id, expires_at) values (${org.id}, ${org.workerId}, now() + interval '1 hour') returning id`;
    await tx`insert into citizen_links (organisation_id, citizen_id, secret_hash, created_by, expires_at, used_at, session_id)
             values (${org.id}, ${org.citizenId}, ${hash()}, ${org.workerId}, now() + interval '1 hour', now(), ${session!.id})`;
    await tx`insert into audit_events (organisation_id, actor_id, actor_role, action) values (${org.id}, ${org.workerId}, 'worker', 'test.fixture')`;
    const [call] = await tx`
      insert into call_sessions (organisation_id, worker_id, citizen_id, kind, status, started_at, ended_at, end_reason)
      values (${org.id}, ${org.workerId}, ${org.citizenId}, 'ad_hoc', 'ended', now() - interval '1 hour', now(), 'ended_by_staff') returning id`;
    const [participant] = await tx`insert into call_participants (organisation_id, session_id, user_id, role) values (${org.id}, ${call!.id}, ${org.citizenId}, 'citizen') returning id`;
    await tx`insert into call_segments (organisation_id, participant_id, left_at, leave_reason) values (${org.id}, ${participant!.id}, now(), 'left')`;
    await tx`insert into citizen_settings (organisation_id, citizen_id, preferred_modality) values (${org.id}, ${org.citizenId}, 'video') on conflict (citizen_id) do nothing`;
    const [series] = await tx`insert into appointment_series (organisation_id, weeks) values (${org.id}, 2) returning id`;
    const [appointment] = await tx`
      insert into appointments (organisation_id, worker_id, citizen_id, series_id, starts_at, ends_at, modality, created_by)
      values (${org.id}, ${org.workerId}, ${org.citizenId}, ${series!.id}, ${day}, ${new Date(day.getTime() + 1800_000)}, 'video', ${org.workerId}) returning id`;
    await tx`insert into change_requests (organisation_id, appointment_id, kind) values (${org.id}, ${appointment!.id}, 'cancel')`;
    // The figures' monthly summaries (migration 018) fill from a held video appointment and a participant's quality.
    await tx`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, status, created_by)
      values (${org.id}, ${org.workerId}, ${org.citizenId}, ${new Date(day.getTime() + 7200_000)}, ${new Date(day.getTime() + 9000_000)}, 'video', 'held', ${org.workerId})`;
    await tx`update call_participants set quality_samples = 1, rtt_ms_avg = 50, packet_loss_pct_avg = 1 where id = ${participant!.id}`;
    await tx`insert into medication_schedules (organisation_id, citizen_id, times_of_day, weekdays, wording, created_by)
             values (${org.id}, ${org.citizenId}, '{08:00}', '{1,2,3,4,5,6,7}', 'Husk medicinen', ${org.workerId})`;
    const [reminder] = await tx`
      insert into reminders (organisation_id, citizen_id, appointment_id, kind, channel, due_at, status, next_attempt_at, idempotency_key)
      values (${org.id}, ${org.citizenId}, ${appointment!.id}, 'appointment', 'sms', now(), 'cancelled', now(), ${`fixture:${tag}`}) returning id`;
    await tx`insert into calendar_feeds (organisation_id, worker_id, token_hash) values (${org.id}, ${org.workerId}, ${hash()})`;
    await tx`insert into sign_in_failures (organisation_id, user_id, failures) values (${org.id}, ${org.workerId}, 1)`;
    await tx`insert into reminder_links (organisation_id, appointment_id, citizen_id, reminder_id, secret_hash, key_id, created_by, expires_at)
             values (${org.id}, ${appointment!.id}, ${org.citizenId}, ${reminder!.id}, ${hash()}, 'fixture', ${org.workerId}, ${new Date(day.getTime() + 7200_000)})`;
    const [citizenSession] = await tx`insert into auth_sessions (organisation_id, user_id, expires_at) values (${org.id}, ${org.citizenId}, now() + interval '1 hour') returning id`;
    await tx`insert into push_subscriptions (organisation_id, user_id, auth_session_id, endpoint, p256dh, auth)
             values (${org.id}, ${org.citizenId}, ${citizenSession!.id}, ${`https://fcm.googleapis.com/fcm/send/${tag}`}, ${randomBytes(65).toString('base64url')}, ${randomBytes(16).toString('base64url')})`;
    // The crisis plan (migration 014): the plan, a version and an open proposal.
    await tx`insert into crisis_plans (organisation_id, citizen_id, current_version) values (${org.id}, ${org.citizenId}, 1)`;
    await tx`insert into crisis_plan_versions (organisation_id, citizen_id, version, warning_signs, what_helps, what_i_do, contacts, staff_should, do_not_want, changed_by)
             values (${org.id}, ${org.citizenId}, 1, 'Søvnløs', 'Musik', 'Går en tur', '[]', 'Ring', 'Indlæggelse', ${org.workerId})`;
    await tx`insert into crisis_plan_proposals (organisation_id, citizen_id, warning_signs, what_helps, what_i_do, contacts, staff_should, do_not_want)
             values (${org.id}, ${org.citizenId}, 'Søvnløs', 'Musik og kaffe', 'Går en tur', '[]', 'Ring', 'Indlæggelse')`;
    // Duty (migration 013): working hours, coverage between two teams, a shift, a request and its chat message.
    await tx`insert into working_hours (organisation_id, worker_id, weekday, start_minute, end_minute) values (${org.id}, ${org.workerId}, 1, 480, 930)`;
    const [dutyTeam, coveredTeam] = await tx`insert into teams (organisation_id, name) values (${org.id}, ${`Vagt ${tag}`}), (${org.id}, ${`Dækket ${tag}`}) returning id`;
    await tx`insert into duty_team_coverage (organisation_id, team_id, covered_team_id) values (${org.id}, ${dutyTeam!.id}, ${coveredTeam!.id})`;
    // Volunteers' sessions (migration 020): a volunteer's regular time, a citizen's device check, a guest invitation.
    await tx`insert into volunteer_availability (organisation_id, volunteer_id, weekday, start_minute, end_minute, slot_minutes, active_from)
             values (${org.id}, ${org.volunteerId}, 2, 600, 720, 30, current_date)`;
    await tx`insert into device_checks (organisation_id, citizen_id, result) values (${org.id}, ${org.citizenId}, 'video')`;
    // Volunteers (migration 019): a profile, an active match, a citizen's wish and a supervision note.
    await tx`insert into volunteer_profiles (organisation_id, volunteer_id, kind, chosen_name, contact_person_id) values (${org.id}, ${org.volunteerId}, 'peer', 'Frida', ${org.workerId})`;
    const [match] = await tx`insert into volunteer_matches (organisation_id, volunteer_id, citizen_id, status, proposed_by, decided_at)
             values (${org.id}, ${org.volunteerId}, ${org.citizenId}, 'active', ${org.workerId}, now()) returning id`;
    await tx`insert into volunteer_wishes (organisation_id, citizen_id, kind, status, answered_at, answered_by, match_id)
             values (${org.id}, ${org.citizenId}, 'peer', 'answered', now(), ${org.workerId}, ${match!.id})`;
    await tx`insert into supervision_notes (organisation_id, volunteer_id, author_id, body) values (${org.id}, ${org.volunteerId}, ${org.workerId}, 'Går godt')`;
    await tx`insert into guest_invitations (organisation_id, citizen_id, appointment_id, guest_name, expires_at)
             values (${org.id}, ${org.citizenId}, ${appointment!.id}, 'Mor', ${new Date(day.getTime() + 7200_000)})`;
    await tx`insert into duty_shifts (organisation_id, team_id, worker_id, worker_role, starts_at, ends_at) values (${org.id}, ${dutyTeam!.id}, ${org.workerId}, 'worker', ${day}, ${new Date(day.getTime() + 3600_000)})`;
    const [request] = await tx`insert into contact_requests (organisation_id, citizen_id, way, answerer, answer_by) values (${org.id}, ${org.citizenId}, 'chat', 'duty', now()) returning id`;
    await tx`insert into contact_messages (organisation_id, request_id, author_id, body) values (${org.id}, ${request!.id}, ${org.citizenId}, 'Hej')`;
    // Notes and goals (migration 016): a goal, a note tied to it, and the citizen's answer after the session.
    const [goal] = await tx`insert into citizen_goals (organisation_id, citizen_id, title, created_by) values (${org.id}, ${org.citizenId}, 'Handle ind selv', ${org.workerId}) returning id`;
    const [note] = await tx`insert into session_notes (organisation_id, citizen_id, author_id, way, topics) values (${org.id}, ${org.citizenId}, ${org.workerId}, 'phone', 'Ugen') returning id`;
    await tx`insert into session_note_goals (organisation_id, note_id, goal_id) values (${org.id}, ${note!.id}, ${goal!.id})`;
    await tx`insert into citizen_feedback (organisation_id, citizen_id, call_session_id, mood) values (${org.id}, ${org.citizenId}, ${call!.id}, 'good')`;
    // The morning check and the follow-up after a no-show (migration 017): a sent check and its answer, two follow-ups
    // (one with an action) and the coordinators' alert of the two in a row.
    const [check] = await tx`
      insert into reminders (organisation_id, citizen_id, appointment_id, kind, channel, due_at, status, next_attempt_at, idempotency_key, sent_at)
      values (${org.id}, ${org.citizenId}, ${appointment!.id}, 'attendance_check', 'sms', now(), 'sent', now(), ${`fixture-check:${tag}`}, now()) returning id`;
    await tx`insert into attendance_replies (organisation_id, reminder_id, appointment_id, citizen_id, answer, provider_message_id)
             values (${org.id}, ${check!.id}, ${appointment!.id}, ${org.citizenId}, 'yes', ${tag})`;
    const [first, second] = await tx`
      insert into follow_ups (organisation_id, citizen_id, worker_id, call_session_id, cause_at, due_at)
      values (${org.id}, ${org.citizenId}, ${org.workerId}, ${call!.id}, now() - interval '2 days', now()), (${org.id}, ${org.citizenId}, ${org.workerId}, null, now() - interval '1 day', now())
      returning id`;
    await tx`insert into follow_up_actions (organisation_id, follow_up_id, kind, due_at, created_by) values (${org.id}, ${first!.id}, 'call', now(), ${org.workerId})`;
    await tx`insert into follow_up_alerts (organisation_id, citizen_id, follow_up_id, previous_follow_up_id) values (${org.id}, ${org.citizenId}, ${second!.id}, ${first!.id})`;
  });
}

/** Resolves to the error code of a statement that fails, or 'ok:<row count>' when it runs. */
async function outcome(run: () => Promise<readonly unknown[]>): Promise<string> {
  try {
    return `ok:${(await run()).length}`;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

beforeAll(async () => {
  a = await h.seedOrganisation('Aarhus');
  b = await h.seedOrganisation('Billund');
  await seedEveryTable(h.admin, a);
  await seedEveryTable(h.admin, b);
  tables = await tenantTables(h.admin);
});

describe('row-level security on every tenant table (listed from the catalog)', () => {
  it('finds the tenant tables, and every one has rows of both organisations to test with', async () => {
    expect(tables.length).toBeGreaterThanOrEqual(19);
    for (const t of tables) {
      const orgs = await h.admin.unsafe<{ org: string }[]>(`select distinct ${t.org}::text as org from ${t.name}`);
      expect(new Set(orgs.map((r) => r.org)), `${t.name}: add rows for it to seedEveryTable`).toEqual(new Set([a.id, b.id]));
    }
  });

  it('has RLS enabled and forced, and every permissive policy limited to the current organisation', async () => {
    for (const t of tables) {
      const [c] = await h.admin<{ enabled: boolean; forced: boolean }[]>`
        select relrowsecurity as enabled, relforcerowsecurity as forced from pg_class where oid = ${`public.${t.name}`}::regclass`;
      expect(c, t.name).toEqual({ enabled: true, forced: true });
      const policies = await h.admin<{ name: string; permissive: boolean; using: string | null; check: string | null }[]>`
        select polname as name, polpermissive as permissive, pg_get_expr(polqual, polrelid) as using, pg_get_expr(polwithcheck, polrelid) as check
        from pg_policy where polrelid = ${`public.${t.name}`}::regclass`;
      expect(policies.length, `${t.name} has no policy`).toBeGreaterThan(0);
      for (const p of policies.filter((p) => p.permissive)) {
        expect(p.using ?? p.check, `${t.name}.${p.name}`).toBeTruthy();
        for (const expression of [p.using, p.check]) {
          if (expression !== null) expect(expression, `${t.name}.${p.name}`).toContain('app_current_org()');
        }
      }
    }
  });

  it('an unfiltered query in one organisation sees that organisation’s rows and none of another’s', async () => {
    for (const t of tables) {
      const seen = await inOrganisation(h.sql, a.id, (tx) => tx.unsafe<{ org: string }[]>(`select ${t.org}::text as org from ${t.name}`));
      expect(seen.length, t.name).toBeGreaterThan(0);
      expect(new Set(seen.map((r) => r.org)), t.name).toEqual(new Set([a.id]));
    }
  });

  it('without an organisation set, the application sees nothing', async () => {
    for (const t of tables) {
      expect(await h.sql.unsafe(`select * from ${t.name}`), t.name).toHaveLength(0);
    }
  });

  it('cannot insert, change, move or delete another organisation’s rows', async () => {
    for (const t of tables) {
      const [theirs] = await h.admin.unsafe<{ row: string }[]>(`select to_jsonb(x)::text as row from ${t.name} x where ${t.org} = $1 limit 1`, [b.id]);
      const columns = t.columns.map((c) => `"${c}"`).join(', ');
      const before = await h.admin.unsafe<{ n: number }[]>(`select count(*)::int as n from ${t.name} where ${t.org} = $1`, [b.id]);

      // A copy of their row, from inside our organisation: refused by the policy (or by missing privileges) —
      // before any unique constraint could answer instead.
      const insert = await outcome(() => inOrganisation(h.sql, a.id, (tx) =>
        tx.unsafe(`insert into ${t.name} (${columns}) ${t.identityAlways ? 'overriding system value' : ''} select ${columns} from jsonb_populate_record(null::${t.name}, $1::text::jsonb)`, [theirs!.row])));
      expect(insert, `insert into ${t.name}`).toBe('42501');

      const update = await outcome(() => inOrganisation(h.sql, a.id, (tx) =>
        tx.unsafe(`update ${t.name} set ${t.org} = ${t.org} where ${t.org} = $1 returning 1`, [b.id])));
      expect(['ok:0', '42501'], `update ${t.name}: ${update}`).toContain(update);

      const remove = await outcome(() => inOrganisation(h.sql, a.id, (tx) =>
        tx.unsafe(`delete from ${t.name} where ${t.org} = $1 returning 1`, [b.id])));
      expect(['ok:0', '42501'], `delete from ${t.name}: ${remove}`).toContain(remove);

      // Moving one of our own rows over to them is refused as well.
      const move = await outcome(() => inOrganisation(h.sql, a.id, (tx) =>
        tx.unsafe(`update ${t.name} set ${t.org} = $1 where ${t.org} = $2 returning 1`, [b.id, a.id])));
      expect(move, `move a row of ${t.name}`).toBe('42501');

      const after = await h.admin.unsafe<{ n: number }[]>(`select count(*)::int as n from ${t.name} where ${t.org} = $1`, [b.id]);
      expect(after[0]!.n, t.name).toBe(before[0]!.n);
    }
  });

  it('binds a table’s owner too (FORCE): only superusers and BYPASSRLS roles are exempt, and the app is neither', async () => {
    const owner = `naervaer_test_owner_${randomBytes(4).toString('hex')}`;
    const rollback = new Error('rollback');
    const seen = new Map<string, Set<string>>();
    await h.admin.begin(async (tx) => {
      await tx.unsafe(`create role ${owner} nologin`);
      for (const t of tables) await tx.unsafe(`alter table ${t.name} owner to ${owner}`);
      await tx.unsafe(`set local role ${owner}`);
      await tx`select set_config('app.org_id', ${a.id}, true)`;
      for (const t of tables) {
        const rows = await tx.unsafe<{ org: string }[]>(`select ${t.org}::text as org from ${t.name}`);
        seen.set(t.name, new Set(rows.map((r) => r.org)));
      }
      throw rollback;
    }).catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
    for (const t of tables) expect(seen.get(t.name), t.name).toEqual(new Set([a.id]));
  });
});

describe('the application’s database login', () => {
  it('is not a superuser, cannot bypass RLS, create databases or roles, and is not the schema owner', async () => {
    const [me] = await h.sql`
      select current_user = session_user as same, r.rolsuper, r.rolbypassrls, r.rolcreatedb, r.rolcreaterole, r.rolreplication,
             pg_has_role(current_user, 'naervaer_app', 'usage') as member,
             (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and pg_has_role(current_user, c.relowner, 'usage')) as owns
      from pg_roles r where r.rolname = current_user`;
    expect(me).toEqual({ same: true, rolsuper: false, rolbypassrls: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, member: true, owns: 0 });
  });

  it('cannot leave row-level security: SET ROLE NONE, RESET ROLE, SET SESSION AUTHORIZATION end where it started', async () => {
    const [owner] = await h.admin<{ name: string }[]>`select current_user as name`;
    const connection = await h.sql.reserve();
    try {
      const escapes = ['set role none', 'reset role', 'set session authorization default', 'reset session authorization', `set role ${owner!.name}`, `set session authorization ${owner!.name}`, 'set row_security = off'];
      for (const escape of escapes) {
        const result = await outcome(() => connection.unsafe(escape));
        expect(['ok:0', '42501'], `${escape}: ${result}`).toContain(result);
        const [role] = await connection<{ rolsuper: boolean; rolbypassrls: boolean }[]>`
          select bool_or(rolsuper) as rolsuper, bool_or(rolbypassrls) as rolbypassrls from pg_roles where rolname in (current_user, session_user)`;
        expect(role, escape).toEqual({ rolsuper: false, rolbypassrls: false });
        await connection`select set_config('app.org_id', ${a.id}, false)`;
        const users = await outcome(() => connection`select organisation_id from users where organisation_id <> ${a.id}`);
        // Either nothing of theirs is visible, or (row_security = off) the query is refused rather than unfiltered.
        expect(['ok:0', '42501'], `${escape}: ${users}`).toContain(users);
        const mine = await connection<{ n: number }[]>`select count(*)::int as n from users`.catch(() => [{ n: -1 }]);
        expect(mine[0]!.n, escape).not.toBe(0);
        await connection`select set_config('app.org_id', '', false)`;
        expect(await connection`select id from users`.catch(() => []), escape).toHaveLength(0);
      }
    } finally {
      await connection.unsafe('reset all').catch(() => {});
      connection.release();
    }
  });

  it('cannot create objects in public (so it cannot plant a function there)', async () => {
    expect(await outcome(() => h.sql`create table public.planted (id int)`)).toBe('42501');
    expect(await outcome(() => h.sql`create function public.generate_series(date, date, interval) returns setof timestamp language sql as 'select null::timestamp where false'`)).toBe('42501');
  });

  it('cannot read the table that holds its own password', async () => {
    expect(await outcome(() => h.sql`select * from naervaer_app_login`)).toBe('42501');
  });

  it('the audit trail is append-only for the application', async () => {
    await expect(inOrganisation(h.sql, a.id, (tx) => tx`delete from audit_events`)).rejects.toMatchObject({ code: '42501' });
    await expect(inOrganisation(h.sql, a.id, (tx) => tx`update audit_events set action = 'x.y'`)).rejects.toMatchObject({ code: '42501' });
  });

  it('sign-in lookup crosses organisations but returns only what sign-in needs', async () => {
    const rows = await h.sql`select * from sign_in_lookup(${b.workerEmail})`;
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(['active', 'organisation_id', 'password_hash', 'user_id']);
    // citizens are never found by it
    expect(await h.sql`select * from sign_in_lookup('')`).toHaveLength(0);
  });
});

describe('SECURITY DEFINER functions', () => {
  it('every one pins search_path to pg_catalog, pg_temp (listed from the catalog)', async () => {
    const functions = await h.admin<{ name: string; config: string[] | null }[]>`
      select p.oid::regprocedure::text as name, p.proconfig as config
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef and n.nspname = 'public'`;
    expect(functions.length).toBeGreaterThanOrEqual(6);
    for (const f of functions) expect(f.config, f.name).toContain('search_path=pg_catalog, pg_temp');
  });

  it('a function planted in public changes nothing they do', async () => {
    await h.admin`update citizen_settings set sms_reminders = true, consent_recorded_at = now(), consent_recorded_by = ${a.workerId} where citizen_id = ${a.citizenId}`;
    await h.admin`insert into medication_schedules (organisation_id, citizen_id, times_of_day, weekdays, wording, created_by)
                  values (${a.id}, ${a.citizenId}, '{00:30,06:30,12:30,18:30}', '{1,2,3,4,5,6,7}', 'Husk medicinen', ${a.workerId})`;
    // One reminder due now, for claim_due_reminders to lease.
    const [appointment] = await h.admin<{ id: string }[]>`select id from appointments where organisation_id = ${a.id} limit 1`;
    await h.admin`insert into reminders (organisation_id, citizen_id, appointment_id, kind, channel, due_at, next_attempt_at, idempotency_key)
                  values (${a.id}, ${a.citizenId}, ${appointment!.id}, 'appointment', 'sms', now(), now() - interval '1 minute', ${`due:${Date.now()}`})`;
    const rollback = new Error('rollback');
    // Each run on a connection of its own: a connection that already ran a function may keep its parsed body.
    const plan = async () => {
      let result: { planned: number; claimed: number; leasedAhead: boolean | null } | undefined;
      const app = await connectApp(h.admin, h.databaseUrl, { max: 1 });
      await app.begin(async (tx) => {
        const [row] = await tx<{ n: number }[]>`select plan_medication_reminders(now(), now() + interval '48 hours') as n`;
        const planned = row!.n;
        const claimed = await tx<{ reminder_id: string }[]>`select * from claim_due_reminders(100, 60)`;
        await tx`select set_config('app.org_id', ${a.id}, true)`;
        const [lease] = await tx<{ ahead: boolean | null }[]>`
          select bool_and(leased_until > now() + interval '30 seconds') as ahead from reminders where id = any(${tx.array(claimed.map((c) => c.reminder_id))}::uuid[])`;
        result = { planned, claimed: claimed.length, leasedAhead: lease!.ahead };
        throw rollback;
      }).catch((error: unknown) => {
        if (error !== rollback) throw error;
      }).finally(() => app.end({ timeout: 1 }));
      return result!;
    };
    const honest = await plan();
    expect(honest).toEqual({ planned: expect.any(Number), claimed: 1, leasedAhead: true });
    expect(honest.planned).toBeGreaterThanOrEqual(8);

    // What an attacker with CREATE on public (everyone, before PostgreSQL 15) could plant: better matches for the
    // argument types than the built-ins, so a function with public on its search path would call them.
    await h.admin.unsafe(`
      create function public.generate_series(date, date, interval) returns setof timestamp language sql
        as 'select null::timestamp where false';
      create function public.make_interval(secs integer) returns interval language sql as $$ select interval '-1 day' $$;`);
    try {
      expect(await plan()).toEqual(honest);
    } finally {
      await h.admin.unsafe('drop function public.generate_series(date, date, interval); drop function public.make_interval(integer)');
    }
  });

  it('plan_medication_reminders plans at most a week ahead and nothing in the past, whatever range it is asked for', async () => {
    const rollback = new Error('rollback');
    let range: { first: Date | null; last: Date | null; n: number; now: Date } | undefined;
    await h.admin.begin(async (tx) => {
      await tx`update citizen_settings set sms_reminders = true, consent_recorded_at = now(), consent_recorded_by = ${a.workerId} where citizen_id = ${a.citizenId}`;
      await tx`delete from reminders where kind = 'medication'`;
      await tx`select plan_medication_reminders(now() - interval '10 years', now() + interval '100 years')`;
      [range] = await tx<{ first: Date | null; last: Date | null; n: number; now: Date }[]>`
        select min(due_at) as first, max(due_at) as last, count(*)::int as n, now() as now from reminders where kind = 'medication'`;
      throw rollback;
    }).catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
    expect(range!.n).toBeGreaterThan(0);
    expect(range!.first!.getTime()).toBeGreaterThanOrEqual(range!.now.getTime());
    expect(range!.last!.getTime()).toBeLessThanOrEqual(range!.now.getTime() + 7 * 86_400_000);
  });
});

describe('the HTTP API across organisations', () => {
  it('answers 404 for another organisation’s ids and changes nothing', async () => {
    const coordinatorA = await h.login(a.coordinatorEmail);
    const before = await h.admin`select count(*)::int as n from caseloads`;
    const responses = await Promise.all([
      h.request('GET', `/api/users/${b.citizenId}`, { cookie: coordinatorA }),
      h.request('PATCH', `/api/users/${b.citizenId}`, { cookie: coordinatorA, body: { displayName: 'X' } }),
      h.request('POST', `/api/users/${b.workerId}/deactivate`, { cookie: coordinatorA }),
      h.request('PUT', `/api/workers/${a.workerId}/caseload/${b.citizenId}`, { cookie: coordinatorA }),
      h.request('PUT', `/api/workers/${b.workerId}/caseload/${a.citizenId}`, { cookie: coordinatorA }),
      h.request('POST', `/api/citizens/${b.citizenId}/links`, { cookie: coordinatorA }),
      h.request('GET', `/api/citizens/${b.citizenId}/links`, { cookie: coordinatorA }),
      h.request('GET', `/api/workers/${b.workerId}/caseload`, { cookie: coordinatorA }),
    ]);
    for (const response of responses) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    const after = await h.admin`select count(*)::int as n from caseloads`;
    expect(after[0]!.n).toBe(before[0]!.n);
    const [b1] = await h.admin`select display_name, active from users where id = ${b.citizenId}`;
    expect(b1).toEqual({ display_name: 'Carl Borger', active: true });
    const listed = await h.request('GET', '/api/users', { cookie: coordinatorA });
    expect(listed.json().map((u: { id: string }) => u.id)).not.toContain(b.citizenId);
  });
});
