import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from '../server/reminders/dispatcher.js';
import type { Socket as ClientSocket } from 'socket.io-client';
import { citizenCookie, disconnection, nextEvent, openSignal, send } from './support/calls.js';
import { useHarness } from './support/use-harness.js';
import { useOutbound } from './support/use-channels.js';

/**
 * Issue 7, item 9: the link in a video appointment's reminder lets its holder join that appointment's session until
 * shortly after it ends, and nothing else.
 */

const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] }); // listening, for the signalling test
const outbound = useOutbound(h);
const { gateway, mails } = outbound;
let worker: string;
let dispatcher: Dispatcher;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  worker = cookies.worker;
  ({ dispatcher } = outbound);
  await h.admin`update users set email = 'carl@example.dk' where id = ${org.citizenId}`;
  const settings = await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: worker, body: { smsReminders: true, emailReminders: true } });
  expect(settings.statusCode).toBe(200);
});
afterAll(() => sockets.forEach((socket) => socket.disconnect()));

const nextYear = new Date().getUTCFullYear() + 1;
let day = 1;
/** Books a video appointment of its own (a day no other test uses) and makes its 24-hour reminders due now. */
async function bookAndMakeDue(due = true): Promise<{ id: string; startsAt: string }> {
  const response = await h.request('POST', '/api/appointments', { cookie: worker, body: { citizenId: org.citizenId, modality: 'video', start: `${nextYear}-10-${String(day++).padStart(2, '0')}T10:00` } });
  expect(response.statusCode).toBe(201);
  const appointment = response.json()[0];
  if (due) await h.admin`update reminders set next_attempt_at = now() - interval '1 second' where appointment_id = ${appointment.id} and due_at = (select min(due_at) from reminders where appointment_id = ${appointment.id})`;
  return appointment;
}

const JOIN_URL = /http:\/\/naervaer\.test\/join#([A-Za-z0-9_-]{43})/;
/** The appointment's reminders go out; returns the secret of the join link in the e-mail and in the SMS. */
async function remind(appointmentId: string): Promise<{ mail: string; sms: string }> {
  await dispatcher.drain();
  const sent = await h.admin`select count(*)::int as n from reminders where appointment_id = ${appointmentId} and status = 'sent'`;
  expect(sent[0]!.n).toBe(2);
  const mail = JOIN_URL.exec(mails.at(-1)?.text ?? '')?.[1];
  const sms = JOIN_URL.exec(gateway.delivered.at(-1)?.message ?? '')?.[1];
  expect(mail).toBeDefined();
  expect(sms).toBeDefined();
  return { mail: mail!, sms: sms! };
}

const exchange = (secret: string) => h.request('POST', '/api/join/exchange', { body: { secret } });
const joinCookie = (response: { cookies: { name: string; value: string }[] }) => `naervaer_join=${response.cookies.find((c) => c.name === 'naervaer_join')!.value}`;

describe('reminder join links', () => {
  it('the reminder carries a link bound to the appointment, not a sign-in: only its hash is stored, its issue audited', async () => {
    const before = (await h.admin`select count(*)::int as n from citizen_links`)[0]!.n;
    const appointment = await bookAndMakeDue();
    const { mail, sms } = await remind(appointment.id);
    expect(mail).not.toBe(sms); // one link per reminder (per message)
    expect((await h.admin`select count(*)::int as n from citizen_links`)[0]!.n).toBe(before);

    const links = await h.admin<{ secret_hash: Buffer; appointment_id: string; citizen_id: string; created_by: string; expires_at: Date }[]>`
      select secret_hash, appointment_id, citizen_id, created_by, expires_at from reminder_links where appointment_id = ${appointment.id}`;
    expect(links).toHaveLength(2);
    const hashes = links.map((l) => Buffer.from(l.secret_hash).toString('hex')).sort();
    expect(hashes).toEqual([mail, sms].map((s) => createHash('sha256').update(s).digest('hex')).sort());
    expect(JSON.stringify(await h.admin`select * from reminder_links`)).not.toContain(mail);
    for (const l of links) {
      expect(l).toMatchObject({ citizen_id: org.citizenId, created_by: org.workerId });
      // until half an hour after the appointment's end (20 minutes long)
      expect(l.expires_at.getTime()).toBe(new Date(appointment.startsAt).getTime() + 50 * 60_000);
    }
    const audited = await h.admin`select actor_id, actor_role, detail from audit_events where action = 'reminder_link.create' and detail->>'appointmentId' = ${appointment.id}`;
    expect(audited).toHaveLength(2);
    expect(audited[0]).toMatchObject({ actor_id: null, actor_role: 'dispatcher' });
  });

  it('exchanging it gives a narrow session: that appointment and its call, but not the citizen’s appointments, settings or profile', async () => {
    const appointment = await bookAndMakeDue();
    const { sms } = await remind(appointment.id);
    const exchanged = await exchange(sms);
    expect(exchanged.statusCode).toBe(200);
    expect(exchanged.json()).toMatchObject({ appointment: { id: appointment.id, modality: 'video', whenText: expect.stringMatching(/kl\. 10\.00$/) }, session: null });
    expect(exchanged.json().appointment).not.toHaveProperty('workerName');
    // no sign-in cookie; the join cookie is for the join routes only, unreadable by scripts, never sent cross-site
    expect(exchanged.cookies.map((c) => c.name)).toEqual(['naervaer_join']);
    expect(exchanged.cookies[0]).toMatchObject({ path: '/api/join', httpOnly: true, sameSite: 'Strict' });
    const join = joinCookie(exchanged);

    const state = await h.request('GET', '/api/join', { cookie: join });
    expect(state.statusCode).toBe(200);
    expect(state.json().appointment.id).toBe(appointment.id);

    // everything a signed-in citizen may do is refused, with the join cookie and with its value as a session cookie
    const asSession = join.replace('naervaer_join=', 'naervaer_session=');
    for (const cookie of [join, asSession, `${join}; ${asSession}`]) {
      for (const [method, url, body] of [
        ['GET', '/api/my/appointments'], ['GET', '/api/my/settings'], ['PUT', '/api/my/settings', { smsReminders: false }],
        ['GET', '/api/me'], ['GET', '/api/calls/open'], [`GET`, `/api/my/appointments/${appointment.id}/ics`],
      ] as const) {
        const response = await h.request(method, url, { cookie, ...(body ? { body } : {}) });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(response.json().error.code).toBe('unauthorized');
      }
    }
    expect((await h.admin`select sms_reminders from citizen_settings where citizen_id = ${org.citizenId}`)[0]!.sms_reminders).toBe(true);

    // the use is recorded and audited (the holder is not necessarily the citizen: the actor is the link)
    const [link] = await h.admin`select uses, first_used_at from reminder_links where secret_hash = ${createHash('sha256').update(sms).digest()}`;
    expect(link!.uses).toBe(1);
    expect(link!.first_used_at).not.toBeNull();
    const used = await h.admin`select actor_id, actor_role, subject_id from audit_events where action = 'reminder_link.use' and detail->>'appointmentId' = ${appointment.id}`;
    expect(used).toEqual([{ actor_id: null, actor_role: 'reminder_link', subject_id: org.citizenId }]);
  });

  it('joins that appointment’s video session once the worker opens it, and no other', async () => {
    const appointment = await bookAndMakeDue();
    const other = await bookAndMakeDue(false);
    const { sms } = await remind(appointment.id);
    const join = joinCookie(await exchange(sms));

    const early = await h.request('POST', '/api/join/token', { cookie: join });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('not_started');

    // the worker opens the other appointment's session: still nothing for this link
    const otherCall = await h.request('POST', '/api/calls', { cookie: worker, body: { citizenId: org.citizenId, appointmentId: other.id } });
    expect(otherCall.statusCode).toBe(201);
    expect((await h.request('GET', '/api/join', { cookie: join })).json().session).toBeNull();
    expect((await h.request('POST', '/api/join/token', { cookie: join })).statusCode).toBe(409);
    await h.request('POST', `/api/calls/${otherCall.json().id}/end`, { cookie: worker });

    const call = await h.request('POST', '/api/calls', { cookie: worker, body: { citizenId: org.citizenId, appointmentId: appointment.id } });
    expect(call.statusCode).toBe(201);
    expect((await h.request('GET', '/api/join', { cookie: join })).json().session).toEqual({ id: call.json().id, status: 'open' });
    const token = await h.request('POST', '/api/join/token', { cookie: join });
    expect(token.statusCode).toBe(200);
    const claims = await h.tokens.verify(token.json().token, 'signal');
    expect(claims).toMatchObject({ sub: org.citizenId, org: org.id, role: 'citizen', call: call.json().id });
    // the token is bound to the narrow session the link gave, not to any sign-in of the citizen
    expect((await h.admin`select reminder_link_id from auth_sessions where id = ${claims!.sid}`)[0]!.reminder_link_id).not.toBeNull();

    // the holder really joins the call: into the waiting room, where the worker lets them in
    const socket = await openSignal(h.baseUrl, token.json().token, sockets);
    expect(await send(socket, 'join', { audioOnly: true })).toMatchObject({ ok: true, data: { state: 'waiting' } });

    // withdrawing the link closes that door too: a new connection with a token from before is refused
    const links = await h.request('GET', `/api/appointments/${appointment.id}/reminder-links`, { cookie: worker });
    const smsLink = (links.json() as { id: string; channel: string }[]).find((l) => l.channel === 'sms')!;
    const fresh = (await h.request('POST', '/api/join/token', { cookie: join })).json().token as string;
    const takenOut = nextEvent<{ reason: string }>(socket, 'removed');
    const gone = disconnection(socket);
    expect((await h.request('POST', `/api/reminder-links/${smsLink.id}/revoke`, { cookie: worker })).statusCode).toBe(200);
    // the holder who is in the waiting room right now is taken out at once, and told why
    expect(await takenOut).toEqual({ reason: 'signed_out' });
    await gone;
    await expect(openSignal(h.baseUrl, fresh, sockets)).rejects.toMatchObject({ code: 'not_found' });
    expect((await h.request('POST', '/api/join/token', { cookie: join })).statusCode).toBe(401);
    await h.request('POST', `/api/calls/${call.json().id}/end`, { cookie: worker });
  });

  it('a session that ended answers 410 to the token request', async () => {
    const appointment = await bookAndMakeDue();
    const { sms } = await remind(appointment.id);
    const join = joinCookie(await exchange(sms));
    const call = await h.request('POST', '/api/calls', { cookie: worker, body: { citizenId: org.citizenId, appointmentId: appointment.id } });
    expect(call.statusCode).toBe(201);
    await h.request('POST', `/api/calls/${call.json().id}/end`, { cookie: worker });
    const ended = await h.request('POST', '/api/join/token', { cookie: join });
    expect(ended.statusCode).toBe(410);
    expect(ended.json().error.code).toBe('session_ended');
  });

  it('is the same link on every attempt of one reminder, however often sending is retried', async () => {
    const appointment = await bookAndMakeDue();
    const first = await remind(appointment.id);
    // as after a crash between "sent" and "marked sent": the reminders are pending again and go out once more
    await h.admin`update reminders set status = 'pending', next_attempt_at = now() - interval '1 second' where appointment_id = ${appointment.id} and status = 'sent'`;
    const second = await remind(appointment.id);
    expect(mails).toHaveLength(2); // SMTP has no idempotency: the e-mail really went twice, with the same text
    expect(mails[1]!.text).toBe(mails[0]!.text);
    expect(second).toEqual(first);
    expect((await h.admin`select count(*)::int as n from reminder_links where appointment_id = ${appointment.id}`)[0]!.n).toBe(2);
    expect((await exchange(second.mail)).statusCode).toBe(200);
  });

  it('stops working when the appointment is cancelled, and says why', async () => {
    const appointment = await bookAndMakeDue();
    const { sms, mail } = await remind(appointment.id);
    const join = joinCookie(await exchange(sms));
    const cancelled = await h.request('POST', `/api/appointments/${appointment.id}/cancel`, { cookie: worker, body: { reason: 'Syg' } });
    expect(cancelled.statusCode).toBe(200);
    const state = await h.request('GET', '/api/join', { cookie: join });
    expect(state.statusCode).toBe(401);
    expect(state.json().error.code).toBe('unauthorized');
    for (const secret of [sms, mail]) {
      const again = await exchange(secret);
      expect(again.statusCode).toBe(410);
      expect(again.json().error.code).toBe('link_revoked');
      expect(again.cookies).toHaveLength(0);
    }
    expect(await h.admin`select count(*)::int as n from reminder_links where appointment_id = ${appointment.id} and revoked_at is null`).toEqual([{ n: 0 }]);
  });

  it('expires shortly after the appointment ends, and moves with it when it is rescheduled', async () => {
    const appointment = await bookAndMakeDue();
    const { sms, mail } = await remind(appointment.id);
    const join = joinCookie(await exchange(sms));

    const moved = await h.request('POST', `/api/appointments/${appointment.id}/reschedule`, { cookie: worker, body: { start: `${nextYear}-11-20T13:00`, reason: 'Flyttet' } });
    expect(moved.statusCode).toBe(200);
    const [link] = await h.admin<{ expires_at: Date }[]>`select expires_at from reminder_links where secret_hash = ${createHash('sha256').update(sms).digest()}`;
    expect(link!.expires_at.toISOString()).toBe(new Date(new Date(moved.json().endsAt).getTime() + 30 * 60_000).toISOString());
    expect((await h.request('GET', '/api/join', { cookie: join })).statusCode).toBe(200);

    await h.admin`update reminder_links set created_at = now() - interval '2 days', expires_at = now() - interval '1 second' where appointment_id = ${appointment.id}`;
    expect((await h.request('GET', '/api/join', { cookie: join })).statusCode).toBe(401);
    const late = await exchange(mail);
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('link_expired');
  });

  it('staff see when links were issued and used, and can withdraw one at once (audited)', async () => {
    const appointment = await bookAndMakeDue();
    const { sms } = await remind(appointment.id);
    const join = joinCookie(await exchange(sms));
    const list = await h.request('GET', `/api/appointments/${appointment.id}/reminder-links`, { cookie: worker });
    expect(list.statusCode).toBe(200);
    const links = list.json() as { id: string; channel: string; uses: number; status: string }[];
    expect(links.map((l) => `${l.channel}:${l.uses}:${l.status}`).sort()).toEqual(['email:0:active', 'sms:1:active']);

    const citizen = await citizenCookie(h, org, worker);
    const byCitizen = await h.request('POST', `/api/reminder-links/${links[0]!.id}/revoke`, { cookie: citizen });
    expect(byCitizen.statusCode).toBe(403);

    const revoked = await h.request('POST', `/api/reminder-links/${links.find((l) => l.channel === 'sms')!.id}/revoke`, { cookie: worker });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().status).toBe('revoked');
    expect((await h.request('GET', '/api/join', { cookie: join })).statusCode).toBe(401);
    expect((await exchange(sms)).json().error.code).toBe('link_revoked');
    const actions = await h.admin`
      select action from audit_events where actor_id = ${org.workerId} and action like 'reminder_link.%' and detail->>'appointmentId' = ${appointment.id} order by id`;
    expect(actions.map((a) => a.action)).toEqual(['reminder_link.list', 'reminder_link.revoke']);

    // another worker's appointment is not found
    const coordinator = await h.login(org.coordinatorEmail);
    const [otherWorker] = await h.admin<{ id: string }[]>`
      insert into users (organisation_id, role, display_name, email, password_hash) values (${org.id}, 'worker', 'Anden', ${`anden-${Date.now()}@x.dk`}, 'x') returning id`;
    await h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${otherWorker!.id}, ${org.otherCitizenId})`;
    const theirs = await h.request('POST', '/api/appointments', { cookie: coordinator, body: { citizenId: org.otherCitizenId, workerId: otherWorker!.id, modality: 'video', start: `${nextYear}-12-01T10:00` } });
    expect(theirs.statusCode).toBe(201);
    const foreign = await h.request('GET', `/api/appointments/${theirs.json()[0].id}/reminder-links`, { cookie: worker });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('not_found');
  });

  it('refuses unknown, malformed and missing secrets and cookies with the error shape', async () => {
    const unknown = await exchange('B'.repeat(43));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('link_invalid');
    const malformed = await exchange('short');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('validation');
    for (const cookie of [undefined, 'naervaer_join=nonsense', `naervaer_join=${org.id}.${'A'.repeat(43)}`, `naervaer_join=not-a-uuid-at-all-not-a-uuid-at-all1.${'A'.repeat(43)}`]) {
      for (const [method, url] of [['GET', '/api/join'], ['POST', '/api/join/token']] as const) {
        const response = await h.request(method, url, cookie ? { cookie } : {});
        expect(response.statusCode, `${method} ${url} ${cookie}`).toBe(401);
        expect(response.json().error.code).toBe('unauthorized');
      }
    }
  });
});
