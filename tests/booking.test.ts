import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { citizenCookie } from './support/calls.js';
import { count } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h, org, cookies } = useHarness({ signIn: ['worker'] });
let worker: string;

beforeAll(async () => {
  worker = cookies.worker;
  await h.admin`update users set email = 'carl@example.dk' where id = ${org.citizenId}`;
});

const nextYear = new Date().getUTCFullYear() + 1;
const book = (body: Record<string, unknown>, cookie = worker) => h.request('POST', '/api/appointments', { cookie, body: { citizenId: org.citizenId, modality: 'video', ...body } });
/** Books and returns the appointments; each test books what it needs, on days no other test uses. */
async function booked(body: Record<string, unknown>): Promise<{ id: string; startsAt: string; endsAt: string; start: string }[]> {
  const response = await book(body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}
/** The citizen's SMS and e-mail reminders on, with consent recorded (tests that look at reminders start here). */
async function remindersOn(): Promise<void> {
  const settings = await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: worker, body: { smsReminders: true, emailReminders: true } });
  expect(settings.statusCode).toBe(200);
  expect(settings.json().consentRecordedAt).not.toBeNull();
}

describe('booking', () => {
  it('books 20 minutes by default, entered and shown in Copenhagen time', async () => {
    const response = await book({ start: `${nextYear}-01-12T10:00` });
    expect(response.statusCode).toBe(201);
    const [a] = response.json();
    expect(a).toMatchObject({ start: `${nextYear}-01-12T10:00`, end: `${nextYear}-01-12T10:20`, startsAt: `${nextYear}-01-12T09:00:00.000Z`, status: 'booked', modality: 'video' });
    const summer = (await book({ start: `${nextYear}-07-13T10:00`, durationMinutes: 30 })).json()[0];
    expect(summer).toMatchObject({ startsAt: `${nextYear}-07-13T08:00:00.000Z`, end: `${nextYear}-07-13T10:30` });
  });

  it('refuses a double booking with 409 naming the conflicting time, for the worker and for the citizen', async () => {
    await booked({ start: `${nextYear}-01-19T10:00` });
    const response = await book({ start: `${nextYear}-01-19T10:10` });
    expect(response.statusCode).toBe(409);
    // The time is a field of its own, so the screen never has to read it out of the (English) message.
    expect(response.json().error).toEqual({
      code: 'overlap',
      message: `Overlaps another appointment of the worker: ${nextYear}-01-19 10:00–10:20`,
      overlapsWith: { start: `${nextYear}-01-19T10:00`, end: `${nextYear}-01-19T10:20` },
    });
    // back-to-back is fine
    expect((await book({ start: `${nextYear}-01-19T10:20` })).statusCode).toBe(201);
    // the citizen is busy even with another worker (a coordinator books for a colleague)
    const coordinator = await h.login(org.coordinatorEmail);
    const [other] = await h.admin<{ id: string }[]>`
      insert into users (organisation_id, role, display_name, email, password_hash) values (${org.id}, 'worker', 'Anden', ${`anden-${Date.now()}@x.dk`}, 'x') returning id`;
    await h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${other!.id}, ${org.citizenId})`;
    const clash = await book({ start: `${nextYear}-01-19T10:05`, workerId: other!.id }, coordinator);
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.message).toMatch(/of the citizen: .* 10:00–10:20/);
  });

  it('under concurrency exactly one of many overlapping bookings wins', async () => {
    const attempts = await Promise.all(Array.from({ length: 12 }, (_, i) => book({ start: `${nextYear}-02-02T09:${String(i).padStart(2, '0')}` })));
    const statuses = attempts.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
  });

  it('books a weekly series at the same local time across the DST changes, all or nothing', async () => {
    const series = await book({ start: `${nextYear}-03-12T14:00`, repeatWeeks: 4 });
    expect(series.statusCode).toBe(201);
    const list = series.json() as { start: string; startsAt: string; seriesId: string }[];
    expect(list.map((a) => a.start.slice(11))).toEqual(['14:00', '14:00', '14:00', '14:00']);
    const offsets = list.map((a) => Number(a.start.slice(11, 13)) - new Date(a.startsAt).getUTCHours());
    expect(offsets).toContain(1);
    expect(offsets).toContain(2);
    expect(new Set(list.map((a) => a.seriesId)).size).toBe(1);
    // one week of a new series collides → nothing of it is written
    const before = await count(h.admin, 'appointments');
    const clash = await book({ start: `${nextYear}-02-26T14:05`, repeatWeeks: 3 });
    expect(clash.statusCode).toBe(409);
    expect(await count(h.admin, 'appointments')).toBe(before);
  });

  it('refuses a local time that does not exist on the spring DST day', async () => {
    const lastSundayOfMarch = (() => { const d = new Date(Date.UTC(nextYear, 2, 31)); d.setUTCDate(31 - d.getUTCDay()); return d.toISOString().slice(0, 10); })();
    const response = await book({ start: `${lastSundayOfMarch}T02:30` });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/does not exist/);
  });

  it('refuses bad input and writes nothing', async () => {
    const before = await count(h.admin, 'appointments');
    const cases: [Record<string, unknown>, number][] = [
      [{ start: '2020-01-01T10:00' }, 400],
      [{ start: `${nextYear}-01-01T10:00`, durationMinutes: 0 }, 400],
      [{ start: `${nextYear}-01-01T10:00`, durationMinutes: 600 }, 400],
      [{ start: `${nextYear}-13-01T10:00` }, 400],
      [{ start: `${nextYear}-01-01 10:00` }, 400],
      [{ start: `${nextYear}-01-01T10:00`, repeatWeeks: 1 }, 400],
      [{ start: `${nextYear}-01-01T10:00`, repeatWeeks: 'weekly' }, 400],
      [{ start: `${nextYear}-01-01T10:00`, modality: 'telepathy' }, 400],
      [{ start: `${nextYear}-01-01T10:00`, citizenId: org.otherCitizenId }, 404],
      [{ start: `${nextYear}-01-01T10:00`, citizenId: '5f0c3c2e-0000-4000-8000-000000000000' }, 404],
    ];
    for (const [body, status] of cases) {
      const response = await book(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.json().error.code).toEqual(expect.any(String));
    }
    expect(await count(h.admin, 'appointments')).toBe(before);
  });

  it('cancels and reschedules with a reason; the outbox follows in the same transaction', async () => {
    await remindersOn();
    const [a] = await booked({ start: `${nextYear}-05-04T11:00` });
    const reminders = await h.admin`select channel, status, due_at from reminders where appointment_id = ${a!.id} order by due_at, channel`;
    expect(reminders.map((r) => `${r.channel}:${r.status}`)).toEqual(['email:pending', 'sms:pending', 'email:pending', 'sms:pending']);
    expect(reminders.map((r) => (new Date(a!.startsAt).getTime() - r.due_at.getTime()) / 60_000)).toEqual([1440, 1440, 60, 60]);

    const moved = await h.request('POST', `/api/appointments/${a!.id}/reschedule`, { cookie: worker, body: { start: `${nextYear}-05-05T11:00`, reason: 'Borger bad om det' } });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ start: `${nextYear}-05-05T11:00`, statusReason: 'Borger bad om det' });
    const after = await h.admin`select status, count(*)::int as n from reminders where appointment_id = ${a!.id} group by status order by status`;
    expect(after).toEqual([{ status: 'cancelled', n: 4 }, { status: 'pending', n: 4 }]);

    const cancelled = await h.request('POST', `/api/appointments/${a!.id}/cancel`, { cookie: worker, body: { reason: 'Syg' } });
    expect(cancelled.json().status).toBe('cancelled');
    expect(await h.admin`select count(*)::int as n from reminders where appointment_id = ${a!.id} and status = 'pending'`).toEqual([{ n: 0 }]);
    // the slot is free again
    expect((await book({ start: `${nextYear}-05-05T11:00` })).statusCode).toBe(201);
  });

  it('keeps SMS out of the quiet hours unless the citizen chose otherwise', async () => {
    await remindersOn();
    const [a] = await booked({ start: `${nextYear}-06-10T08:30` });
    const sms = await h.admin<{ due_at: Date }[]>`select due_at from reminders where appointment_id = ${a!.id} and channel = 'sms' order by due_at`;
    const local = sms.map((r) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen', dateStyle: 'short', timeStyle: 'short' }).format(r.due_at));
    // 24 h before is 08:30 the day before (fine); 1 h before would be 07:30 (quiet) → 08:00, still before the appointment
    expect(local).toEqual([`${nextYear}-06-09 08:30`, `${nextYear}-06-10 08:00`]);
  });

  it('the citizen sees "Mine aftaler", asks for a home visit, the worker decides', async () => {
    const [first] = await booked({ start: `${nextYear}-09-07T10:00`, staffNote: 'Kun for personalet' });
    const [second] = await booked({ start: `${nextYear}-09-08T10:00` });
    const citizen = await citizenCookie(h, org, worker);
    const mine = await h.request('GET', '/api/my/appointments', { cookie: citizen });
    expect(mine.statusCode).toBe(200);
    const list = mine.json() as { id: string; whenText: string; workerName: string }[];
    const shown = list.find((x) => x.id === first!.id)!;
    expect(list.map((x) => x.id)).toEqual(expect.arrayContaining([first!.id, second!.id]));
    expect(shown.whenText).toMatch(/^\w+ \d+\. \w+ kl\. 10\.00$/);
    expect(shown.workerName).toBe('Bo Bostøtte');
    expect(shown).not.toHaveProperty('staffNote');
    expect(mine.body).not.toContain('Kun for personalet');
    const asked = await h.request('POST', `/api/my/appointments/${first!.id}/requests`, { cookie: citizen, body: { kind: 'modality', modality: 'home_visit' } });
    expect(asked.statusCode).toBe(201);
    expect((await h.request('POST', `/api/my/appointments/${first!.id}/requests`, { cookie: citizen, body: { kind: 'cancel' } })).statusCode).toBe(409);
    const day = await h.request('GET', `/api/appointments?from=${nextYear}-09-07&days=1`, { cookie: worker });
    const seen = (day.json() as { id: string; openRequest: { id: string; requestedModality: string } | null }[]).find((x) => x.id === first!.id)!;
    expect(seen.openRequest).toMatchObject({ kind: 'modality', requestedModality: 'home_visit' });
    const decided = await h.request('POST', `/api/change-requests/${seen.openRequest!.id}/decide`, { cookie: worker, body: { accept: true } });
    expect(decided.json()).toMatchObject({ modality: 'home_visit', openRequest: null });

    const ics = await h.request('GET', `/api/my/appointments/${second!.id}/ics`, { cookie: citizen });
    expect(ics.headers['content-type']).toMatch(/text\/calendar/);
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics.body)).getFirstSubcomponent('vevent')!);
    expect(event.summary).toBe('Aftale');
  });

  it('starts a video session from a booked appointment (planned) and refuses someone else’s appointment', async () => {
    const a = (await book({ start: `${nextYear}-08-03T09:00` })).json()[0];
    const call = await h.request('POST', '/api/calls', { cookie: worker, body: { citizenId: org.citizenId, appointmentId: a.id } });
    expect(call.statusCode).toBe(201);
    expect(call.json().kind).toBe('planned');
    expect((await h.admin`select appointment_id from call_sessions where id = ${call.json().id}`)[0]!.appointment_id).toBe(a.id);
    await h.request('POST', `/api/calls/${call.json().id}/end`, { cookie: worker });
    const wrong = await h.request('POST', '/api/calls', { cookie: worker, body: { citizenId: org.citizenId, appointmentId: '5f0c3c2e-0000-4000-8000-000000000000' } });
    expect(wrong.statusCode).toBe(404);
  });

  it('lets the coordinator set reminder offsets, quiet hours and calendar titles for the organisation', async () => {
    await remindersOn();
    const coordinator = await h.login(org.coordinatorEmail);
    const changed = await h.request('PATCH', '/api/organisation', { cookie: coordinator, body: { reminderOffsetsMinutes: [120], calendarTitles: 'initials' } });
    expect(changed.json()).toMatchObject({ reminderOffsetsMinutes: [120], calendarTitles: 'initials', quietHoursStart: '21:00', timeZone: 'Europe/Copenhagen' });
    const a = (await book({ start: `${nextYear}-08-04T13:00` })).json()[0];
    const due = await h.admin<{ due_at: Date }[]>`select distinct due_at from reminders where appointment_id = ${a.id}`;
    expect(due.map((d) => (new Date(a.startsAt).getTime() - d.due_at.getTime()) / 60_000)).toEqual([120]);
    expect((await h.request('PATCH', '/api/organisation', { cookie: coordinator, body: { quietHoursStart: '25:00' } })).statusCode).toBe(400);
    expect((await h.request('PATCH', '/api/organisation', { cookie: coordinator, body: { reminderOffsetsMinutes: [1440, 60], calendarTitles: 'neutral' } })).statusCode).toBe(200);
  });

  it('publishes a worker calendar feed with neutral titles and correct times across DST, revocable', async () => {
    // a weekly series at 16:00 local over the spring change (UTC+1 → UTC+2)
    const series = await booked({ start: `${nextYear}-03-13T16:00`, repeatWeeks: 4 });
    const created = await h.request('POST', '/api/calendar-feeds', { cookie: worker });
    const url = new URL(created.json().url);
    const feed = await h.request('GET', url.pathname);
    expect(feed.statusCode).toBe(200);
    const events = new ICAL.Component(ICAL.parse(feed.body)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const ours = events.filter((e) => series.some((a) => e.uid.startsWith(`${a.id}@`)));
    expect(ours).toHaveLength(4);
    expect(ours.map((e) => e.startDate.toJSDate().toISOString()).sort()).toEqual(series.map((a) => a.startsAt).sort());
    expect(new Set(ours.map((e) => e.startDate.toJSDate().getUTCHours()))).toEqual(new Set([15, 14]));
    for (const e of ours) {
      expect(e.summary).toBe('Aftale');
      expect(new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', hour: '2-digit', minute: '2-digit' }).format(e.startDate.toJSDate())).toBe('16.00');
    }
    expect(feed.body).not.toContain('Carl');
    expect((await h.request('POST', '/api/calendar-feeds/revoke', { cookie: worker })).statusCode).toBe(204);
    expect((await h.request('GET', url.pathname)).statusCode).toBe(404);
  });
});
