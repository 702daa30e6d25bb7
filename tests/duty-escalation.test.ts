/**
 * Escalation (issue 10): a request in the duty queue that no one takes within the organisation's limit sends one SMS
 * to the duty phone of each shift covering the citizen (the shift's own, else its team's), and to the coordinators'
 * mobiles when the organisation wants that — through the reminder outbox, at the local SMS gateway stand-in, exactly
 * once: with two ticks at once, and with two dispatcher processes of which one is killed mid-batch. The SMS names no
 * one. "The limit passed" is made by moving the request's deadline into the past, not by waiting.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DUTY_ESCALATION_TEXT } from '../server/reminders/dispatcher.js';
import { upsertUser } from '../server/people/store.js';
import { citizenCookie } from './support/calls.js';
import { PASSWORD } from './support/harness.js';
import { useHarness } from './support/use-harness.js';
import { useDispatcherProcesses } from './support/dispatcher-processes.js';
import { useOutbound } from './support/use-channels.js';

const { h, org, cookies } = useHarness({ signIn: ['worker', 'coordinator'] });
const out = useOutbound(h);

let citizen: string;
let nightTeam: string;
let nina: { id: string; cookie: string };
let shiftId: string;

const ask = async () => {
  const reply = await h.request('POST', '/api/my/contact-requests', { cookie: citizen, body: { way: 'video' } });
  expect(reply.json().request.answerer).toBe('duty');
  return reply.json().request.id as string;
};
const limitPassed = (requestId: string) => h.admin`update contact_requests set answer_by = now() - interval '1 second' where id = ${requestId}`;
const clear = async () => {
  await h.admin`update contact_requests set status = 'cancelled', ended_at = now() where status in ('waiting', 'claimed')`;
  await h.admin`update call_sessions set status = 'ended', ended_at = now(), end_reason = 'ended_by_staff' where status = 'open'`;
};

beforeAll(async () => {
  citizen = await citizenCookie(h, org, cookies.worker);
  const [day] = await h.admin<{ id: string }[]>`insert into teams (organisation_id, name) values (${org.id}, 'Bostøtte') returning id`;
  const [night] = await h.admin<{ id: string }[]>`insert into teams (organisation_id, name, duty_phone) values (${org.id}, 'Nattevagt', '+4520000009') returning id`;
  nightTeam = night!.id;
  await h.admin`update users set team_id = ${day!.id} where id = ${org.workerId}`;
  await h.admin`insert into duty_team_coverage (organisation_id, team_id, covered_team_id) values (${org.id}, ${nightTeam}, ${day!.id})`;
  const id = await upsertUser(h.admin, { organisationId: org.id, role: 'worker', displayName: 'Nina Nattevagt', email: 'nina@test.naervaer.dk', password: PASSWORD });
  nina = { id, cookie: await h.login('nina@test.naervaer.dk') };
  const [shift] = await h.admin<{ id: string }[]>`
    insert into duty_shifts (organisation_id, team_id, worker_id, worker_role, starts_at, ends_at, duty_phone)
    values (${org.id}, ${nightTeam}, ${id}, 'worker', now() - interval '1 hour', now() + interval '6 hours', '+4520000001') returning id`;
  shiftId = shift!.id;
});

describe('escalation of an unanswered request', () => {
  it('sends exactly one SMS to the shift’s duty phone, naming no one, however often the tick runs; an audit row records it', async () => {
    const requestId = await ask();
    await limitPassed(requestId);
    await Promise.all([h.app.dutyNotifier.tick(), h.app.dutyNotifier.tick(), h.app.dutyNotifier.tick()]);
    await out.dispatcher.drain();
    await h.app.dutyNotifier.tick();
    await out.dispatcher.drain();
    expect(out.gateway.delivered.map((d) => [d.msisdn, d.message])).toEqual([[4520000001, DUTY_ESCALATION_TEXT]]);
    expect(DUTY_ESCALATION_TEXT).not.toMatch(/Carl|Borger|Nina/);
    const audits = await h.admin<{ subject_id: string; detail: { sms: number } }[]>`
      select subject_id, detail from audit_events where action = 'duty.escalate' and detail->>'requestId' = ${requestId}`;
    expect(audits).toEqual([{ subject_id: org.citizenId, detail: { requestId, sms: 1 } }]);
    // still waiting: the duty worker can take it
    expect((await h.request('POST', `/api/contact-requests/${requestId}/claim`, { cookie: nina.cookie })).statusCode).toBe(200);
    await clear();
  });

  it('goes to the team’s duty phone when the shift has none, and to coordinators’ mobiles when the organisation says so', async () => {
    await h.admin`update duty_shifts set duty_phone = null where id = ${shiftId}`;
    await h.admin`update users set phone = '+4520000077' where id = ${org.coordinatorId}`;
    await h.request('PATCH', '/api/duty/settings', { cookie: cookies.coordinator, body: { escalateToCoordinators: true } });
    const requestId = await ask();
    await limitPassed(requestId);
    await h.app.dutyNotifier.tick();
    await out.dispatcher.drain();
    expect(out.gateway.delivered.map((d) => d.msisdn).sort()).toEqual([4520000009, 4520000077]);
    await h.request('PATCH', '/api/duty/settings', { cookie: cookies.coordinator, body: { escalateToCoordinators: false } });
    await h.admin`update duty_shifts set duty_phone = '+4520000001' where id = ${shiftId}`;
    await clear();
  });

  it('is not sent when someone takes the request before the dispatcher gets to it', async () => {
    const requestId = await ask();
    await limitPassed(requestId);
    await h.app.dutyNotifier.tick();
    expect((await h.request('POST', `/api/contact-requests/${requestId}/claim`, { cookie: nina.cookie })).statusCode).toBe(200);
    await out.dispatcher.drain();
    expect(out.gateway.delivered).toEqual([]);
    const [row] = await h.admin<{ status: string }[]>`select status from reminders where contact_request_id = ${requestId}`;
    expect(row!.status).toBe('cancelled');
    await clear();
  });

  it('a request still within its limit, or already taken, is not escalated', async () => {
    const requestId = await ask();
    await h.app.dutyNotifier.tick();
    await out.dispatcher.drain();
    expect(out.gateway.delivered).toEqual([]);
    const [row] = await h.admin<{ escalated_at: Date | null }[]>`select escalated_at from contact_requests where id = ${requestId}`;
    expect(row!.escalated_at).toBeNull();
    await clear();
  });
});

describe('exactly once with dispatchers as processes', () => {
  const { gateway, start: dispatcherProcess } = useDispatcherProcesses(h);

  it('two dispatchers, one killed mid-batch with SIGKILL: each escalation SMS arrives once, none lost', async () => {
    const COUNT = 60;
    // Sixty citizens of the covered unit, each with a request in the duty queue past its limit.
    const [day] = await h.admin<{ id: string }[]>`select id from teams where name = 'Bostøtte'`;
    const citizens = await h.admin<{ id: string }[]>`
      insert into users (organisation_id, role, display_name, team_id)
      select ${org.id}, 'citizen', 'Borger ' || n, ${day!.id} from generate_series(1, ${COUNT}) n returning id`;
    await h.admin`
      insert into contact_requests (organisation_id, citizen_id, way, answerer, answer_by)
      select ${org.id}, c, 'chat', 'duty', now() - interval '1 second' from unnest(${h.admin.array(citizens.map((c) => c.id))}::uuid[]) c`;
    const changed = await h.app.dutyNotifier.tick();
    expect(changed.filter((c) => c.action === 'escalated')).toHaveLength(COUNT);

    gateway.delayMs = 50; // slow enough that a batch is in flight when the kill comes
    const first = dispatcherProcess();
    const second = dispatcherProcess();
    await expect.poll(() => gateway.delivered.length, { timeout: 30_000, interval: 10 }).toBeGreaterThan(5);
    first.kill('SIGKILL');
    const [atKill] = await h.admin<{ n: number }[]>`select count(*)::int as n from reminders where kind = 'duty_escalation' and status = 'sent'`;
    expect(atKill!.n).toBeLessThan(COUNT);
    const ours = h.admin.array(citizens.map((c) => c.id));
    await expect.poll(async () => (await h.admin`select count(*)::int as n from reminders where kind = 'duty_escalation' and status = 'sent' and citizen_id = any(${ours}::uuid[])`)[0]!.n,
      { timeout: 60_000, interval: 200 }).toBe(COUNT);
    second.kill('SIGTERM');
    gateway.delayMs = 0;

    const requestIds = await h.admin<{ id: string }[]>`select id from contact_requests where citizen_id = any(${h.admin.array(citizens.map((c) => c.id))}::uuid[])`;
    expect(gateway.delivered.map((d) => d.key).sort()).toEqual(requestIds.map((r) => `duty_escalation:${r.id}:+4520000001`).sort());
    expect(new Set(gateway.delivered.map((d) => d.msisdn))).toEqual(new Set([4520000001]));
    const [leased] = await h.admin<{ n: number }[]>`select count(leased_until)::int as n from reminders where kind = 'duty_escalation'`;
    expect(leased!.n).toBe(0);
  });
});
