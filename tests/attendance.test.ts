import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { upsertUser } from '../server/people/store.js';
import { composeAttendanceCheck } from '../server/reminders/compose.js';
import { fromLocal } from '../server/time.js';
import { TEST_WEBHOOK_SECRET } from './support/sms-gateway.js';
import { useHarness } from './support/use-harness.js';
import { useOutbound } from './support/use-channels.js';

/**
 * Issue 11, the morning attendance check: a home visit or phone appointment asks the citizen by SMS on the morning of
 * the day ("Passer det stadig i dag kl. 13.00? Svar JA, VIDEO eller NEJ."), sent by the real dispatcher to the local
 * SMS contract server; the answer comes back through GatewayAPI's incoming-message webhook, signed with a JWT.
 */

const { h, org, cookies } = useHarness({ serve: true, env: { SMS_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET }, signIn: ['worker'] });
const outbound = useOutbound(h);
const ZONE = 'Europe/Copenhagen';
const nextYear = new Date().getUTCFullYear() + 1;
let webhook: string;

beforeAll(async () => {
  webhook = `${h.baseUrl}/api/sms/incoming`;
});

/** A citizen of the worker's caseload with a mobile number, SMS consent and a language. */
async function citizen(language: 'da' | 'en' | 'sv' = 'da'): Promise<{ id: string; phone: string }> {
  const phone = `+4540${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}`;
  const id = await upsertUser(h.admin, { organisationId: org.id, role: 'citizen', displayName: 'Else Borger', phone });
  await h.admin`update users set preferred_language = ${language} where id = ${id}`;
  await h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${org.workerId}, ${id})`;
  const settings = await h.request('PUT', `/api/citizens/${id}/settings`, { cookie: cookies.worker, body: { smsReminders: true } });
  expect(settings.statusCode).toBe(200);
  return { id, phone };
}

async function book(citizenId: string, start: string, modality = 'home_visit', attendanceCheck = true): Promise<string> {
  const response = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId, start, modality, attendanceCheck, durationMinutes: 45 } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json()[0].id;
}

const checks = (appointmentId: string) => h.admin<{ due_at: Date; status: string; channel: string }[]>`
  select due_at, status, channel from reminders where appointment_id = ${appointmentId} and kind = 'attendance_check' order by created_at`;

/** Books, and makes its check due now and sends it through the dispatcher: what the citizen's phone received. */
async function sentCheck(who: { id: string; phone: string }, start: string, modality = 'home_visit'): Promise<{ appointmentId: string; message: string }> {
  const appointmentId = await book(who.id, start, modality);
  await h.admin`update reminders set next_attempt_at = now() - interval '1 second' where appointment_id = ${appointmentId} and kind = 'attendance_check'`;
  await outbound.dispatcher.drain();
  const sms = outbound.gateway.delivered.filter((d) => d.msisdn === Number(who.phone.slice(1)));
  expect(sms).toHaveLength(1);
  expect((await checks(appointmentId)).map((c) => c.status)).toEqual(['sent']);
  return { appointmentId, message: sms[0]!.message };
}

const reply = (from: string, text: string, options = {}) => outbound.gateway.deliverIncoming(webhook, from, text, options);
const appointment = async (id: string) =>
  (await h.admin<{ status: string; modality: string }[]>`select status, modality from appointments where id = ${id}`)[0]!;
const replies = (appointmentId: string) => h.admin<{ answer: string; reply_text: string | null }[]>`
  select answer, reply_text from attendance_replies where appointment_id = ${appointmentId}`;
const dayView = async (day: string) => {
  const response = await h.request('GET', `/api/attendance-checks?from=${day}`, { cookie: cookies.worker });
  expect(response.statusCode).toBe(200);
  return response.json() as { appointmentId: string; state: string; replyText: string | null }[];
};
const stateOf = async (appointmentId: string, day: string) => (await dayView(day)).find((c) => c.appointmentId === appointmentId)?.state;

/** The last Sunday of a month of next year: the clocks change that night in the EU. */
function lastSunday(month: number): string {
  const last = new Date(Date.UTC(nextYear, month, 0));
  last.setUTCDate(last.getUTCDate() - last.getUTCDay());
  return last.toISOString().slice(0, 10);
}

describe('planning the morning check', () => {
  it('goes at the morning hour in the organisation\'s zone, also on the days the clocks change', async () => {
    // Quiet hours end before the morning hour here, so 07:30 stands.
    await h.admin`update organisations set quiet_hours_start = '22:00', quiet_hours_end = '07:00', attendance_check_time = '07:30' where id = ${org.id}`;
    const who = await citizen();
    for (const day of [`${nextYear}-09-14`, lastSunday(3), lastSunday(10), `${nextYear}-01-14`]) {
      const id = await book(who.id, `${day}T13:00`);
      const [check] = await checks(id);
      expect(check, day).toMatchObject({ status: 'pending', channel: 'sms' });
      expect(check!.due_at.toISOString(), day).toBe(fromLocal(`${day}T07:30`, ZONE)!.toISOString());
    }
    // Summer time (UTC+2) on the Sunday the clocks go forward, winter time (UTC+1) on the one they go back.
    const [spring] = await checks(await book(who.id, `${lastSunday(3)}T16:00`));
    expect(spring!.due_at.toISOString()).toBe(`${lastSunday(3)}T05:30:00.000Z`);
    const [autumn] = await checks(await book(who.id, `${lastSunday(10)}T16:00`));
    expect(autumn!.due_at.toISOString()).toBe(`${lastSunday(10)}T06:30:00.000Z`);
  });

  it('never before the SMS quiet hours end; not without consent, not for video, and off when switched off', async () => {
    await h.admin`update organisations set quiet_hours_start = '21:00', quiet_hours_end = '08:00', attendance_check_time = '07:30' where id = ${org.id}`;
    const who = await citizen();
    const id = await book(who.id, `${nextYear}-09-15T13:00`, 'phone');
    expect((await checks(id))[0]!.due_at.toISOString()).toBe(fromLocal(`${nextYear}-09-15T08:00`, ZONE)!.toISOString());

    // a video appointment has none, asked or not
    const video = await book(who.id, `${nextYear}-09-16T13:00`, 'video');
    expect(await checks(video)).toEqual([]);
    const refused = await h.request('PUT', `/api/appointments/${video}/attendance-check`, { cookie: cookies.worker, body: { on: true } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('bad_request');

    // switched off: not sent; on again: planned again
    const off = await h.request('PUT', `/api/appointments/${id}/attendance-check`, { cookie: cookies.worker, body: { on: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ appointmentId: id, state: 'not_sent' });
    expect((await checks(id)).map((c) => c.status)).toEqual(['cancelled']);
    const on = await h.request('PUT', `/api/appointments/${id}/attendance-check`, { cookie: cookies.worker, body: { on: true } });
    expect(on.json()).toMatchObject({ appointmentId: id, state: 'planned' });
    expect((await checks(id)).map((c) => c.status)).toEqual(['pending']);

    // without SMS consent there is nothing to plan
    await h.request('PUT', `/api/citizens/${who.id}/settings`, { cookie: cookies.worker, body: { smsReminders: false } });
    const noConsent = await book(who.id, `${nextYear}-09-17T13:00`, 'phone');
    expect(await checks(noConsent)).toEqual([]);
    expect(await stateOf(noConsent, `${nextYear}-09-17`)).toBe('not_sent');
  });
});

describe('sending it', () => {
  it('goes through the dispatcher to the SMS gateway with the exact text, in the citizen\'s language, naming no one', async () => {
    const da = await sentCheck(await citizen('da'), `${nextYear}-10-05T13:00`);
    expect(da.message).toBe('Passer det stadig i dag kl. 13.00? Svar JA, VIDEO eller NEJ.');
    const en = await sentCheck(await citizen('en'), `${nextYear}-10-05T14:30`, 'phone');
    expect(en.message).toBe('Does today at 14:30 still suit you? Reply YES, VIDEO or NO.');
    const sv = await sentCheck(await citizen('sv'), `${nextYear}-10-05T09:15`);
    expect(sv.message).toBe('Passar det fortfarande i dag kl. 09:15? Svara JA, VIDEO eller NEJ.');
    for (const text of [da.message, en.message, sv.message]) expect(text).not.toMatch(/Else|Bo Bostøtte|Testkommune|hjem|home/i);
    expect(await stateOf(da.appointmentId, `${nextYear}-10-05`)).toBe('unanswered');
    expect(composeAttendanceCheck('da', ZONE, new Date(`${nextYear}-06-01T07:05:00Z`))).toBe('Passer det stadig i dag kl. 09.05? Svar JA, VIDEO eller NEJ.');
  });
});

describe('the citizen\'s answer by SMS', () => {
  it('VIDEO makes it a video session and plans its reminders again, with the join link', async () => {
    const who = await citizen();
    const { appointmentId } = await sentCheck(who, `${nextYear}-10-06T13:00`, 'phone');
    const before = await h.admin<{ kind: string; status: string }[]>`select kind, status from reminders where appointment_id = ${appointmentId} and kind = 'appointment' order by due_at`;
    expect(before).toEqual([{ kind: 'appointment', status: 'pending' }, { kind: 'appointment', status: 'pending' }]);

    const answer = await reply(who.phone, 'Video tak');
    expect(answer).toEqual({ status: 200, body: { received: true } });
    expect(await appointment(appointmentId)).toEqual({ status: 'booked', modality: 'video' });
    expect(await replies(appointmentId)).toEqual([{ answer: 'video', reply_text: null }]);
    // the reminders were cancelled and planned again for the video session: the same two, pending
    const after = await h.admin<{ status: string }[]>`select status from reminders where appointment_id = ${appointmentId} and kind = 'appointment' order by due_at`;
    expect(after.map((r) => r.status)).toEqual(['pending', 'pending']);
    // …and the next one to go says video and carries the join link
    outbound.gateway.delivered.length = 0;
    await h.admin`update reminders set next_attempt_at = now() - interval '1 second' where appointment_id = ${appointmentId} and kind = 'appointment'`;
    await outbound.dispatcher.drain();
    const sent = outbound.gateway.delivered.filter((d) => d.msisdn === Number(who.phone.slice(1)));
    expect(sent).toHaveLength(2);
    for (const sms of sent) expect(sms.message).toMatch(/Det er en videosamtale\. Deltag her:\nhttp:\/\/naervaer\.test\/join#[A-Za-z0-9_-]{43}$/);
    expect(await stateOf(appointmentId, `${nextYear}-10-06`)).toBe('video');
    const [audit] = await h.admin`select actor_id, actor_role, detail from audit_events where action = 'attendance.reply' and subject_id = ${who.id}`;
    expect(audit).toEqual({ actor_id: null, actor_role: 'sms_gateway', detail: { appointmentId, answer: 'video' } });
  });

  it('JA confirms; NEJ asks the worker to cancel; anything else is kept for the worker to read', async () => {
    const yes = await citizen();
    const confirmed = await sentCheck(yes, `${nextYear}-10-07T10:00`);
    expect((await reply(yes.phone, 'ja')).status).toBe(200);
    expect(await appointment(confirmed.appointmentId)).toEqual({ status: 'booked', modality: 'home_visit' });
    expect(await stateOf(confirmed.appointmentId, `${nextYear}-10-07`)).toBe('confirmed');

    const no = await citizen();
    const cancelled = await sentCheck(no, `${nextYear}-10-07T12:00`);
    expect((await reply(no.phone, 'Nej, jeg er syg')).status).toBe(200);
    // the appointment stands until the worker decides, as for a cancellation asked in the app
    expect(await appointment(cancelled.appointmentId)).toEqual({ status: 'booked', modality: 'home_visit' });
    const day = await h.request('GET', `/api/appointments?from=${nextYear}-10-07`, { cookie: cookies.worker });
    expect(day.json().find((a: { id: string }) => a.id === cancelled.appointmentId).openRequest).toMatchObject({ kind: 'cancel' });
    expect(await stateOf(cancelled.appointmentId, `${nextYear}-10-07`)).toBe('cancel_requested');

    const other = await citizen();
    const unclear = await sentCheck(other, `${nextYear}-10-07T14:00`);
    expect((await reply(other.phone, 'Hvem er det?')).status).toBe(200);
    const [row] = (await dayView(`${nextYear}-10-07`)).filter((c) => c.appointmentId === unclear.appointmentId);
    expect(row).toMatchObject({ state: 'unclear', replyText: 'Hvem er det?' });
    expect(await appointment(unclear.appointmentId)).toEqual({ status: 'booked', modality: 'home_visit' });
  });

  it('a second answer, an unknown number and a number without a check today change nothing', async () => {
    const who = await citizen();
    const { appointmentId } = await sentCheck(who, `${nextYear}-10-08T13:00`, 'phone');
    expect((await reply(who.phone, 'JA')).status).toBe(200);
    const second = await reply(who.phone, 'VIDEO');
    expect(second).toEqual({ status: 200, body: { received: true } });
    expect(await appointment(appointmentId)).toEqual({ status: 'booked', modality: 'phone' });
    expect(await replies(appointmentId)).toEqual([{ answer: 'yes', reply_text: null }]);

    const before = await h.admin`select count(*)::int as n from attendance_replies`;
    // unknown: the same answer as for a known number, so the webhook tells nobody which numbers exist
    expect(await reply('+4599999999', 'NEJ')).toEqual({ status: 200, body: { received: true } });
    // a citizen without a check sent today
    const quiet = await citizen();
    await book(quiet.id, `${nextYear}-10-08T15:00`);
    expect(await reply(quiet.phone, 'NEJ')).toEqual({ status: 200, body: { received: true } });
    expect(await h.admin`select count(*)::int as n from attendance_replies`).toEqual(before);
    expect(await h.admin`select count(*)::int as n from change_requests where appointment_id in (select id from appointments where citizen_id = ${quiet.id})`).toEqual([{ n: 0 }]);
  });

  it('a number two citizens share (a couple, a housing unit\'s phone) answers neither: nothing is cancelled or moved', async () => {
    const first = await citizen();
    const second = await citizen();
    const a = await sentCheck(first, `${nextYear}-10-10T10:00`);
    const b = await sentCheck(second, `${nextYear}-10-10T13:00`, 'phone');
    await h.admin`update users set phone = ${first.phone} where id = ${second.id}`;
    expect(await reply(first.phone, 'NEJ')).toEqual({ status: 200, body: { received: true } });
    expect(await reply(first.phone, 'VIDEO')).toEqual({ status: 200, body: { received: true } });
    expect(await appointment(a.appointmentId)).toEqual({ status: 'booked', modality: 'home_visit' });
    expect(await appointment(b.appointmentId)).toEqual({ status: 'booked', modality: 'phone' });
    expect(await replies(a.appointmentId)).toEqual([]);
    expect(await replies(b.appointmentId)).toEqual([]);
    expect(await h.admin`select count(*)::int as n from change_requests where appointment_id in (${a.appointmentId}, ${b.appointmentId})`).toEqual([{ n: 0 }]);
  });

  it('refuses a missing, forged, expired or mismatched signature and bad input, in the error shape; nothing changes', async () => {
    const who = await citizen();
    const { appointmentId } = await sentCheck(who, `${nextYear}-10-09T13:00`);
    const now = Math.floor(Date.now() / 1000);
    const refusals: [string, object, number, string][] = [
      ['no signature', { unsigned: true }, 401, 'unauthorized'],
      ['another secret', { secret: 'not-the-webhook-secret-at-all' }, 401, 'unauthorized'],
      ['another algorithm', { algorithm: 'HS512' }, 401, 'unauthorized'],
      ['expired token', { iat: now - 3600, exp: now - 1800 }, 401, 'unauthorized'],
      ['issued two days ago, no expiry', { iat: now - 2 * 86_400 }, 401, 'unauthorized'],
      ['body changed after signing', { signedClaims: { msisdn: 4599999999 } }, 401, 'unauthorized'],
      ['text changed after signing', { signedClaims: { message: 'JA' } }, 401, 'unauthorized'],
      ['malformed JSON', { rawBody: '{"id": 1, "msisdn": ' }, 400, 'bad_json'],
      ['wrong types', { rawBody: JSON.stringify({ id: 'x', msisdn: who.phone, receiver: 1, message: 'JA', senttime: now }) }, 400, 'validation'],
    ];
    for (const [what, options, status, code] of refusals) {
      const answer = await reply(who.phone, 'NEJ', options);
      expect(answer.status, what).toBe(status);
      expect(answer.body, what).toEqual({ error: { code, message: expect.any(String) } });
    }
    expect(await replies(appointmentId)).toEqual([]);
    expect(await h.admin`select count(*)::int as n from change_requests where appointment_id = ${appointmentId}`).toEqual([{ n: 0 }]);
    expect(await stateOf(appointmentId, `${nextYear}-10-09`)).toBe('unanswered');
    // the genuine one still counts afterwards
    expect((await reply(who.phone, 'JA')).status).toBe(200);
    expect(await stateOf(appointmentId, `${nextYear}-10-09`)).toBe('confirmed');
  });
});
