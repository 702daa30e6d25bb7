import { beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from '../server/reminders/dispatcher.js';
import { citizenCookie } from './support/calls.js';
import { useHarness } from './support/use-harness.js';
import { useOutbound } from './support/use-channels.js';

const { h, org, cookies } = useHarness({ signIn: ['worker'] });
const outbound = useOutbound(h);
const { gateway, mails } = outbound;
let worker: string;
let dispatcher: Dispatcher;
beforeAll(async () => {
  worker = cookies.worker;
  ({ dispatcher } = outbound);
  await h.admin`update users set email = 'carl@example.dk' where id = ${org.citizenId}`;
  const settings = await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: worker, body: { smsReminders: true, emailReminders: true } });
  expect(settings.statusCode).toBe(200);
});


const nextYear = new Date().getUTCFullYear() + 1;
let day = 1;
async function bookAndMakeDue(modality = 'video'): Promise<{ id: string; startsAt: string }> {
  const response = await h.request('POST', '/api/appointments', { cookie: worker, body: { citizenId: org.citizenId, modality, start: `${nextYear}-09-${String(day++).padStart(2, '0')}T10:00` } });
  expect(response.statusCode).toBe(201);
  const appointment = response.json()[0];
  // make its 24-hour reminders due now (the 1-hour ones stay in the future)
  await h.admin`update reminders set next_attempt_at = now() - interval '1 second' where appointment_id = ${appointment.id} and due_at = (select min(due_at) from reminders where appointment_id = ${appointment.id})`;
  return appointment;
}
const statuses = (appointmentId: string) => h.admin<{ channel: string; status: string; attempts: number; last_error: string | null }[]>`
  select channel, status, attempts, last_error from reminders where appointment_id = ${appointmentId} and next_attempt_at < now() + interval '1 hour' order by channel`;

describe('reminders', () => {
  it('sends a video appointment reminder by e-mail and SMS: local time, a join link, nothing sensitive', async () => {
    const appointment = await bookAndMakeDue('video');
    expect(await dispatcher.drain()).toBe(2);
    expect((await statuses(appointment.id)).map((r) => `${r.channel}:${r.status}`)).toEqual(['email:sent', 'sms:sent']);

    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.from?.text).toBe('paamindelse@kommune.dk');
    expect((mail.to as { text: string }).text).toBe('carl@example.dk');
    expect(mail.subject).toBe('Påmindelse om din aftale');
    expect(mail.messageId).toMatch(/@naervaer>$/);
    const when = new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(appointment.startsAt));
    expect(mail.text).toContain(`${when} kl. 10.00`);
    const link = /http:\/\/naervaer\.test\/join#([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
    expect(link).not.toBeNull();

    const sms = gateway.delivered[0]!;
    expect(sms.msisdn).toBe(4512345678);
    expect(sms.sender).toBe('Naervaer');
    expect(sms.message).toContain('kl. 10.00');
    for (const text of [sms.message, mail.text ?? '']) {
      expect(text).not.toMatch(/Bo Bostøtte|bostøtte|psykiatri|Carl|Testkommune/i);
    }
    // the link in the reminder joins this appointment (tests/join-link.test.ts: and nothing else)
    const exchange = await h.request('POST', '/api/join/exchange', { body: { secret: link![1] } });
    expect(exchange.statusCode).toBe(200);
    expect(exchange.json().appointment.id).toBe(appointment.id);
  });

  it('retries 429 and 5xx with backoff and the same idempotency key; a permanent refusal is shown to the worker', async () => {
    const appointment = await bookAndMakeDue('phone');
    await h.admin`update reminders set status = 'cancelled' where appointment_id = ${appointment.id} and channel = 'email'`;
    gateway.failNext(429, 503);
    // The wait before the next attempt: 15 s, then 30 s (each ±20 % jitter), so it grows between attempts. Measured
    // from the database clock before and after the attempt, so a slow machine cannot make the bounds flaky:
    // the retry was planned at some moment between the two.
    const clock = async () => (await h.admin<{ at: Date }[]>`select clock_timestamp() as at`)[0]!.at.getTime();
    const nextAttempt = async () => (await h.admin<{ at: Date }[]>`
      select next_attempt_at as at from reminders where appointment_id = ${appointment.id} and channel = 'sms' and status = 'pending'`)[0]!.at.getTime();
    const plannedWait = async (attempt: () => Promise<void>) => {
      const before = await clock();
      await attempt();
      const after = await clock();
      const next = await nextAttempt();
      return { atLeast: (next - after) / 1000, atMost: (next - before) / 1000 };
    };
    const first = await plannedWait(async () => void (await dispatcher.drain()));
    let [sms] = await statuses(appointment.id).then((r) => r.filter((x) => x.channel === 'sms'));
    expect(sms).toMatchObject({ status: 'pending', attempts: 1, last_error: 'SMS gateway answered 429' });
    expect(first.atMost).toBeGreaterThanOrEqual(15 * 0.8);
    expect(first.atLeast).toBeLessThanOrEqual(15 * 1.2);
    const again = async () => {
      await h.admin`update reminders set next_attempt_at = now() where appointment_id = ${appointment.id} and status = 'pending' and attempts > 0`;
      await dispatcher.drain();
    };
    const second = await plannedWait(again);
    [sms] = (await statuses(appointment.id)).filter((x) => x.channel === 'sms');
    expect(sms).toMatchObject({ status: 'pending', attempts: 2, last_error: 'SMS gateway answered 503' });
    expect(second.atMost).toBeGreaterThanOrEqual(30 * 0.8);
    expect(second.atLeast).toBeLessThanOrEqual(30 * 1.2);
    // 30 s × 0.8 = 24 s > 15 s × 1.2 = 18 s: whatever the jitter, the second wait is longer than the first.
    expect(second.atMost).toBeGreaterThan(first.atLeast);
    await again();
    [sms] = (await statuses(appointment.id)).filter((x) => x.channel === 'sms');
    expect(sms).toMatchObject({ status: 'sent', attempts: 3 });
    expect(gateway.delivered).toHaveLength(1);
    expect(gateway.delivered[0]!.message).toContain('Vi ringer til dig.');

    const refused = await bookAndMakeDue('phone');
    await h.admin`update reminders set status = 'cancelled' where appointment_id = ${refused.id} and channel = 'email'`;
    gateway.failNext(400);
    await dispatcher.drain();
    expect((await statuses(refused.id)).find((x) => x.channel === 'sms')).toMatchObject({ status: 'failed', last_error: 'SMS gateway answered 400' });
    const list = await h.request('GET', `/api/appointments?from=${nextYear}-09-01&days=30`, { cookie: worker });
    const shown = (list.json() as { id: string; reminders: { status: string; lastError: string | null; channel: string }[] }[]).find((a) => a.id === refused.id)!;
    expect(shown.reminders.find((r) => r.status === 'failed')).toMatchObject({ channel: 'sms', lastError: 'SMS gateway answered 400' });
  });

  it('never sends the reminder of a cancelled appointment', async () => {
    const appointment = await bookAndMakeDue('video');
    await h.request('POST', `/api/appointments/${appointment.id}/cancel`, { cookie: worker, body: { reason: 'Syg' } });
    await dispatcher.drain();
    expect(gateway.delivered).toHaveLength(0);
    expect(mails).toHaveLength(0);
  });

  it('sends medication reminders in the wording agreed, at the local time chosen', async () => {
    const schedule = await h.request('POST', `/api/citizens/${org.citizenId}/medication-schedules`, {
      cookie: worker, body: { timesOfDay: ['08:00', '20:00'], weekdays: [1, 2, 3, 4, 5, 6, 7], wording: 'Husk dine piller' },
    });
    expect(schedule.statusCode).toBe(201);
    await h.admin`select plan_medication_reminders(now(), now() + interval '48 hours')`;
    const planned = await h.admin<{ due_at: Date; channel: string }[]>`select due_at, channel from reminders where kind = 'medication' order by due_at, channel`;
    expect(planned.length).toBeGreaterThanOrEqual(6);
    const local = new Set(planned.map((p) => new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', hour: '2-digit', minute: '2-digit' }).format(p.due_at)));
    expect(local).toEqual(new Set(['08.00', '20.00']));
    await h.admin`update reminders set next_attempt_at = now() - interval '1 second' where kind = 'medication' and due_at = ${planned[0]!.due_at}`;
    await dispatcher.drain();
    expect(gateway.delivered.map((d) => d.message)).toEqual([expect.stringMatching(/^Husk dine piller \(kl\. (08|20)\.00\)$/)]);
    // planning again adds nothing
    expect((await h.admin`select plan_medication_reminders(now(), now() + interval '48 hours') as n`)[0]!.n).toBe(0);
  });

  it('states the local time right across the autumn DST change', async () => {
    const lastSundayOfOctober = (() => { const d = new Date(Date.UTC(nextYear, 9, 31)); d.setUTCDate(31 - d.getUTCDay()); return d; })();
    const monday = new Date(lastSundayOfOctober.getTime() + 86_400_000).toISOString().slice(0, 10);
    const response = await h.request('POST', '/api/appointments', { cookie: worker, body: { citizenId: org.citizenId, modality: 'phone', start: `${monday}T10:00` } });
    const appointment = response.json()[0];
    expect(appointment.startsAt).toBe(`${monday}T09:00:00.000Z`); // winter time again: UTC+1
    // the 24-hour reminder falls on the Sunday of the change, still at 10:00 local
    const [reminder] = await h.admin<{ due_at: Date }[]>`select due_at from reminders where appointment_id = ${appointment.id} and channel = 'sms' order by due_at limit 1`;
    expect(reminder!.due_at.toISOString()).toBe(`${lastSundayOfOctober.toISOString().slice(0, 10)}T09:00:00.000Z`);
    await h.admin`update reminders set next_attempt_at = now() - interval '1 second' where appointment_id = ${appointment.id} and due_at = ${reminder!.due_at}`;
    await dispatcher.drain();
    const text = gateway.delivered.find((d) => d.message.includes('mandag'))!.message;
    expect(text).toMatch(/^Påmindelse: Du har en aftale mandag \d+\. (oktober|november) kl\. 10\.00\./);
  });

  it('refuses SMS reminders for a citizen without a mobile number, changing nothing', async () => {
    await h.admin`update users set phone = null where id = ${org.otherCitizenId}`;
    const coordinator = await h.login(org.coordinatorEmail);
    const response = await h.request('PUT', `/api/citizens/${org.otherCitizenId}/settings`, { cookie: coordinator, body: { smsReminders: true } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/mobile number/);
    expect(await h.admin`select count(*)::int as n from citizen_settings where citizen_id = ${org.otherCitizenId}`).toEqual([{ n: 0 }]);
  });

  it('a change of settings keeps pending medication reminders; a channel switched off and on again brings its own back', async () => {
    // a citizen of this test's own, so that no other test's schedules or settings count
    const [citizen] = await h.admin<{ id: string }[]>`
      insert into users (organisation_id, role, display_name, phone, email) values (${org.id}, 'citizen', 'Eva Borger', '+4587654321', 'eva@example.dk') returning id`;
    const citizenId = citizen!.id;
    await h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${org.workerId}, ${citizenId})`;
    const put = async (body: Record<string, unknown>) => {
      const response = await h.request('PUT', `/api/citizens/${citizenId}/settings`, { cookie: worker, body });
      expect(response.statusCode).toBe(200);
    };
    await put({ smsReminders: true, emailReminders: true });
    const schedule = await h.request('POST', `/api/citizens/${citizenId}/medication-schedules`, {
      cookie: worker, body: { timesOfDay: ['07:30', '13:00', '19:30'], weekdays: [1, 2, 3, 4, 5, 6, 7], wording: 'Husk medicinen' },
    });
    expect(schedule.statusCode).toBe(201);
    const plan = () => h.admin`select plan_medication_reminders(now(), now() + interval '48 hours')`;
    const pending = async () => (await h.admin<{ id: string; channel: string }[]>`
      select id, channel from reminders where citizen_id = ${citizenId} and kind = 'medication' and status = 'pending' order by due_at, channel`);
    await plan();
    const planned = await pending();
    expect(planned.length).toBeGreaterThanOrEqual(10); // 3 a day for two days, by SMS and e-mail (fewer near the edges)

    await put({ preferredModality: 'phone' });
    expect(await pending()).toEqual(planned);
    await plan();
    expect(await pending()).toEqual(planned);

    await put({ smsReminders: false });
    expect(await pending()).toEqual(planned.filter((r) => r.channel === 'email'));
    await put({ smsReminders: true });
    expect(await pending()).toEqual(planned); // at once, the same rows: not at the dispatcher's next round
    await plan();
    expect(await pending()).toEqual(planned);
  });

  it('the citizen chooses channels; turning SMS off cancels what is pending', async () => {
    const citizen = await citizenCookie(h, org, worker);
    const appointment = await bookAndMakeDue('chat');
    const off = await h.request('PUT', '/api/my/settings', { cookie: citizen, body: { smsReminders: false } });
    expect(off.json()).toMatchObject({ smsReminders: false, emailReminders: true });
    const pendingSms = await h.admin`select count(*)::int as n from reminders where appointment_id = ${appointment.id} and channel = 'sms' and status = 'pending'`;
    expect(pendingSms[0]!.n).toBe(0);
    const bad = await h.request('PUT', '/api/my/settings', { cookie: citizen, body: { smsReminders: 'yes' } });
    expect(bad.statusCode).toBe(400);
    await h.request('PUT', '/api/my/settings', { cookie: citizen, body: { smsReminders: true } });
  });
});
