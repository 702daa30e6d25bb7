import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { pino } from 'pino';
import { createLogger } from '../server/log.js';
import { upsertUser } from '../server/people/store.js';
import { createDispatcher } from '../server/reminders/setup.js';
import { retentionStore } from '../server/retention/store.js';
import type { Org } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h } = useHarness({ organisation: false });
let a: Org;
let b: Org;
let oldA: Aged;
let oldB: Aged;

/** Rows of every kind retention looks at, one just past the default limit and one well inside it. */
interface Aged {
  oldCitizen: string;
  recentCitizen: string;
  oldAppointment: string;
  oldSchedule: string;
  links: { old: string; recent: string };
  reminderLinks: { old: string; recent: string };
  sessions: { old: string; recent: string };
  feeds: { old: string; live: string };
  reminders: { old: string; recent: string; pending: string };
  calls: { old: string; recent: string };
  audit: { old: string; recent: string };
}

const hash = () => randomBytes(32);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function seedAged(admin: Sql, org: Org): Promise<Aged> {
  const tag = randomBytes(3).toString('hex');
  const oldCitizen = await upsertUser(admin, { organisationId: org.id, role: 'citizen', displayName: 'Gammel Borger', phone: '+4511111111', email: `gammel-${tag}@example.dk` });
  const recentCitizen = await upsertUser(admin, { organisationId: org.id, role: 'citizen', displayName: 'Ny Borger', phone: '+4522222222' });
  return admin.begin(async (tx) => {
    await tx`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${org.workerId}, ${oldCitizen})`;
    await tx`insert into citizen_settings (organisation_id, citizen_id, preferred_modality, sms_reminders, consent_recorded_at, consent_recorded_by)
             values (${org.id}, ${oldCitizen}, 'phone', true, now(), ${org.workerId})`;
    const [appointment] = await tx`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, status, staff_note, status_reason, created_by)
      values (${org.id}, ${org.workerId}, ${oldCitizen}, ${daysAgo(120)}, ${new Date(daysAgo(120).getTime() + 1800_000)}, 'video', 'held',
              'Talte om medicin og søvn', 'Borgeren var glad', ${org.workerId}) returning id`;
    const [schedule] = await tx`insert into medication_schedules (organisation_id, citizen_id, times_of_day, weekdays, wording, created_by)
                                values (${org.id}, ${oldCitizen}, '{08:00}', '{1}', 'Tag lithium', ${org.workerId}) returning id`;
    const link = async (days: number) => (await tx`
      insert into citizen_links (organisation_id, citizen_id, secret_hash, created_by, created_at, expires_at)
      values (${org.id}, ${org.citizenId}, ${hash()}, ${org.workerId}, ${daysAgo(days + 3)}, ${daysAgo(days)}) returning id`)[0]!.id as string;
    const session = async (days: number) => (await tx`
      insert into auth_sessions (organisation_id, user_id, created_at, expires_at) values (${org.id}, ${org.workerId}, ${daysAgo(days + 1)}, ${daysAgo(days)}) returning id`)[0]!.id as string;
    const reminder = async (status: string, days: number) => (await tx`
      insert into reminders (organisation_id, citizen_id, appointment_id, kind, channel, due_at, status, next_attempt_at, sent_at, idempotency_key)
      values (${org.id}, ${org.citizenId}, ${appointment!.id}, 'appointment', 'sms', ${daysAgo(days)}, ${status}, ${status === 'pending' ? daysAgo(-30) : daysAgo(days)},
              ${status === 'sent' ? daysAgo(days) : null}, ${`retention:${tag}:${status}:${days}`}) returning id`)[0]!.id as string;
    const reminderLink = async (days: number) => (await tx`
      insert into reminder_links (organisation_id, appointment_id, citizen_id, secret_hash, key_id, created_by, created_at, expires_at)
      values (${org.id}, ${appointment!.id}, ${org.citizenId}, ${hash()}, 'k', ${org.workerId}, ${daysAgo(days + 2)}, ${daysAgo(days)}) returning id`)[0]!.id as string;
    const call = async (days: number) => {
      const [c] = await tx`
        insert into call_sessions (organisation_id, worker_id, citizen_id, kind, status, created_at, started_at, ended_at, end_reason)
        values (${org.id}, ${org.workerId}, ${org.citizenId}, 'ad_hoc', 'ended', ${daysAgo(days)}, ${daysAgo(days)}, ${daysAgo(days)}, 'ended_by_staff') returning id`;
      const [p] = await tx`insert into call_participants (organisation_id, session_id, user_id, role) values (${org.id}, ${c!.id}, ${org.citizenId}, 'citizen') returning id`;
      await tx`insert into call_segments (organisation_id, participant_id, joined_at, left_at, leave_reason) values (${org.id}, ${p!.id}, ${daysAgo(days)}, ${daysAgo(days)}, 'left')`;
      return c!.id as string;
    };
    const auditEvent = async (days: number) => (await tx`
      insert into audit_events (organisation_id, actor_id, actor_role, action, at) values (${org.id}, ${org.workerId}, 'worker', 'test.aged', ${daysAgo(days)}) returning id`)[0]!.id as string;
    const [oldFeed] = await tx`insert into calendar_feeds (organisation_id, worker_id, token_hash, created_at, revoked_at) values (${org.id}, ${org.workerId}, ${hash()}, ${daysAgo(60)}, ${daysAgo(40)}) returning id`;
    const [liveFeed] = await tx`insert into calendar_feeds (organisation_id, worker_id, token_hash) values (${org.id}, ${org.workerId}, ${hash()}) returning id`;
    // A link of the citizen's still valid: anonymising the citizen removes it whatever its age.
    await tx`insert into citizen_links (organisation_id, citizen_id, secret_hash, created_by, expires_at) values (${org.id}, ${oldCitizen}, ${hash()}, ${org.workerId}, now() + interval '1 day')`;

    // Deactivations: the trigger stamps them now; move the stamps back in time.
    await tx`update users set active = false where id in (${oldCitizen}, ${recentCitizen})`;
    await tx`update users set deactivated_at = ${daysAgo(100)} where id = ${oldCitizen}`;
    await tx`update users set deactivated_at = ${daysAgo(10)} where id = ${recentCitizen}`;

    return {
      oldCitizen, recentCitizen, oldAppointment: appointment!.id, oldSchedule: schedule!.id,
      links: { old: await link(40), recent: await link(5) },
      reminderLinks: { old: await reminderLink(40), recent: await reminderLink(5) },
      sessions: { old: await session(40), recent: await session(5) },
      feeds: { old: oldFeed!.id, live: liveFeed!.id },
      reminders: { old: await reminder('sent', 100), recent: await reminder('sent', 10), pending: await reminder('pending', -30) },
      calls: { old: await call(800), recent: await call(10) },
      audit: { old: await auditEvent(6 * 365), recent: await auditEvent(365) },
    };
  });
}

async function exists(table: string, id: string): Promise<boolean> {
  const rows = await h.admin.unsafe(`select 1 from ${table} where id = $1`, [id]);
  return rows.length === 1;
}

/** Everything of one organisation, as the owner sees it: to show that a run left it exactly as it was. */
async function snapshot(orgId: string): Promise<Record<string, unknown[]>> {
  const tables = ['users', 'citizen_settings', 'appointments', 'medication_schedules', 'citizen_links', 'reminder_links', 'auth_sessions', 'calendar_feeds', 'reminders', 'call_sessions', 'call_participants', 'call_segments', 'caseloads'];
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = await h.admin.unsafe(`select to_jsonb(x)::text as row from ${t} x where organisation_id = $1 order by 1`, [orgId]);
  out.audit_events = await h.admin.unsafe(`select to_jsonb(x)::text as row from audit_events x where organisation_id = $1 and action <> 'organisation.update' order by 1`, [orgId]);
  return out;
}

beforeAll(async () => {
  a = await h.seedOrganisation('Aabenraa');
  b = await h.seedOrganisation('Brøndby');
  oldA = await seedAged(h.admin, a);
  oldB = await seedAged(h.admin, b);
});

describe('retention settings', () => {
  it('have documented defaults, and a coordinator can change them within bounds', async () => {
    const coordinator = await h.login(b.coordinatorEmail);
    const read = await h.request('GET', '/api/organisation', { cookie: coordinator });
    expect(read.statusCode).toBe(200);
    expect(read.json().retention).toEqual({ citizenDays: 90, linkDays: 30, reminderDays: 90, callLogDays: 730, auditDays: 1825 });

    for (const retention of [{ citizenDays: 5 }, { auditDays: 30 }, { linkDays: 0 }, { callLogDays: 99999 }, { citizenDays: 'many' }, { forever: true }, {}]) {
      const refused = await h.request('PATCH', '/api/organisation', { cookie: coordinator, body: { retention } });
      expect(refused.statusCode, JSON.stringify(retention)).toBe(400);
      expect(refused.json().error.code).toBe('validation');
    }
    const longest = { citizenDays: 3650, linkDays: 365, reminderDays: 3650, callLogDays: 3650, auditDays: 3650 };
    const changed = await h.request('PATCH', '/api/organisation', { cookie: coordinator, body: { retention: longest } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().retention).toEqual(longest);
    const [row] = await h.admin`select retention_citizen_days, retention_audit_days from organisations where id = ${b.id}`;
    expect(row).toEqual({ retention_citizen_days: 3650, retention_audit_days: 3650 });
    const [event] = await h.admin`select detail from audit_events where organisation_id = ${b.id} and action = 'organisation.update' order by id desc limit 1`;
    expect(event!.detail).toEqual({ fields: 'retention.auditDays,retention.callLogDays,retention.citizenDays,retention.linkDays,retention.reminderDays' });

    // Another organisation's settings are untouched.
    const other = await h.request('GET', '/api/organisation', { cookie: await h.login(a.coordinatorEmail) });
    expect(other.json().retention).toEqual({ citizenDays: 90, linkDays: 30, reminderDays: 90, callLogDays: 730, auditDays: 1825 });
  });
});

describe('retention, run by the dispatcher on its schedule', () => {
  let beforeB: Record<string, unknown[]>;

  it('removes what is past the limits and keeps what is inside them, in one organisation only', async () => {
    beforeB = await snapshot(b.id);
    const logs: string[] = [];
    const write = (line: string) => {
      const { level, msg } = JSON.parse(line) as { level: number; msg: string };
      logs.push(`${pino.levels.labels[level]} ${msg}`);
    };
    const dispatcher = createDispatcher(h.config, h.sql, createLogger({ level: 'info', stream: { write } }), {
      retention: { firstRunMs: 0, intervalMs: 3600_000 },
    });
    dispatcher.start();
    try {
      await expect.poll(async () => (await h.admin`select 1 from audit_events where organisation_id = ${a.id} and action = 'retention.apply'`).length, { timeout: 15_000 }).toBe(1);
    } finally {
      await dispatcher.stop();
    }
    expect(logs.some((l) => l.startsWith('info retention applied'))).toBe(true);

    // The long-deactivated citizen: the row stays (statistics), who they were is gone.
    const [citizen] = await h.admin`select display_name, email, phone, password_hash, active, anonymised_at is not null as anonymised from users where id = ${oldA.oldCitizen}`;
    expect(citizen).toEqual({ display_name: 'Anonymiseret borger', email: null, phone: null, password_hash: null, active: false, anonymised: true });
    const [settings] = await h.admin`select preferred_modality, sms_reminders, email_reminders, consent_recorded_at, consent_recorded_by from citizen_settings where citizen_id = ${oldA.oldCitizen}`;
    expect(settings).toEqual({ preferred_modality: 'phone', sms_reminders: false, email_reminders: false, consent_recorded_at: null, consent_recorded_by: null });
    const [appointment] = await h.admin`select status, modality, staff_note, status_reason from appointments where id = ${oldA.oldAppointment}`;
    expect(appointment).toEqual({ status: 'held', modality: 'video', staff_note: null, status_reason: null });
    const [schedule] = await h.admin`select wording, active from medication_schedules where id = ${oldA.oldSchedule}`;
    expect(schedule).toEqual({ wording: '-', active: false });
    expect(await h.admin`select 1 from citizen_links where citizen_id = ${oldA.oldCitizen}`).toHaveLength(0);
    expect(await h.admin`select 1 from caseloads where citizen_id = ${oldA.oldCitizen}`).toHaveLength(0);
    // Deactivated recently: untouched.
    const [recent] = await h.admin`select display_name, phone, anonymised_at from users where id = ${oldA.recentCitizen}`;
    expect(recent).toEqual({ display_name: 'Ny Borger', phone: '+4522222222', anonymised_at: null });

    // Past the limits: gone. Inside them: kept.
    expect(await exists('citizen_links', oldA.links.old)).toBe(false);
    expect(await exists('citizen_links', oldA.links.recent)).toBe(true);
    expect(await exists('reminder_links', oldA.reminderLinks.old)).toBe(false);
    expect(await exists('reminder_links', oldA.reminderLinks.recent)).toBe(true);
    expect(await exists('auth_sessions', oldA.sessions.old)).toBe(false);
    expect(await exists('auth_sessions', oldA.sessions.recent)).toBe(true);
    expect(await exists('calendar_feeds', oldA.feeds.old)).toBe(false);
    expect(await exists('calendar_feeds', oldA.feeds.live)).toBe(true);
    expect(await exists('reminders', oldA.reminders.old)).toBe(false);
    expect(await exists('reminders', oldA.reminders.recent)).toBe(true);
    expect(await exists('reminders', oldA.reminders.pending)).toBe(true);
    expect(await exists('call_sessions', oldA.calls.old)).toBe(false);
    expect(await h.admin`select 1 from call_participants where session_id = ${oldA.calls.old}`).toHaveLength(0);
    expect(await exists('call_sessions', oldA.calls.recent)).toBe(true);
    expect(await h.admin`select 1 from call_participants where session_id = ${oldA.calls.recent}`).toHaveLength(1);
    expect(await exists('audit_events', oldA.audit.old)).toBe(false);
    expect(await exists('audit_events', oldA.audit.recent)).toBe(true);

    // What it did is on the record, as counts.
    const [record] = await h.admin`select actor_id, detail from audit_events where organisation_id = ${a.id} and action = 'retention.apply'`;
    expect(record).toEqual({
      actor_id: null,
      detail: { citizens_anonymised: 1, links_deleted: 1, reminder_links_deleted: 1, sign_ins_deleted: 1, calendar_feeds_deleted: 1, reminders_deleted: 1, call_logs_deleted: 1, audit_events_deleted: 1 },
    });

    // The other organisation keeps everything: its own (longest) settings cover all of its rows.
    expect(await snapshot(b.id)).toEqual(beforeB);
    const [citizenB] = await h.admin`select display_name, phone from users where id = ${oldB.oldCitizen}`;
    expect(citizenB).toEqual({ display_name: 'Gammel Borger', phone: '+4511111111' });
  });

  it('a second run finds nothing more to do', async () => {
    expect(await retentionStore(h.sql).apply()).toEqual([]);
    expect(await h.admin`select 1 from audit_events where organisation_id = ${a.id} and action = 'retention.apply'`).toHaveLength(1);
  });

  it('the application login may ask for it but cannot do its deleting itself', async () => {
    await expect(h.sql.begin(async (tx) => {
      await tx`select set_config('app.org_id', ${b.id}, true)`;
      await tx`delete from audit_events where id = ${oldB.audit.old}`;
    })).rejects.toMatchObject({ code: '42501' });
    expect(await exists('audit_events', oldB.audit.old)).toBe(true);
  });

  it('`npm run retention` applies it once from the command line', async () => {
    await h.admin`update organisations set retention_call_log_days = 90 where id = ${b.id}`;
    const dataDir = `${h.dataDir}/cli`;
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'retention'], {
      env: { ...process.env, DATABASE_URL: h.databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ organisations: 1, totals: { call_logs_deleted: 1 } });
    expect(await exists('call_sessions', oldB.calls.old)).toBe(false);
    expect(await exists('call_sessions', oldB.calls.recent)).toBe(true);
  });
});
