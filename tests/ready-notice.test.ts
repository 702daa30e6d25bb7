/**
 * Issue 9, "Notify the citizen when the worker is ready": a worker opens a video session and the citizen is told once
 * — here without a push subscription, so by SMS or e-mail with a one-time link that joins that session — as their
 * consent and the organisation's quiet hours allow; the worker's reply says how (or why not).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from '../server/reminders/dispatcher.js';
import { setQuietHours } from './support/quiet-hours.js';
import { useHarness } from './support/use-harness.js';
import { useOutbound } from './support/use-channels.js';

const { h, org, cookies } = useHarness({ signIn: ['worker'] });
const outbound = useOutbound(h);
const { gateway, mails } = outbound;
let dispatcher: Dispatcher;
beforeAll(async () => {
  ({ dispatcher } = outbound);
  await h.admin`update users set email = 'carl@example.dk' where id = ${org.citizenId}`;
});
beforeEach(async () => {
  // Each test starts with the citizen free (no open session) and speaking Danish.
  await h.admin`update call_sessions set status = 'ended', ended_at = now(), end_reason = 'ended_by_staff' where status = 'open'`;
  await h.admin`update users set preferred_language = 'da' where id = ${org.citizenId}`;
});

/** The citizen's reminder choices, recorded by their worker (with consent). */
async function consent(body: { smsReminders: boolean; emailReminders: boolean }): Promise<void> {
  const response = await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body });
  expect(response.statusCode).toBe(200);
}

const quietHours = (now: 'quiet' | 'not quiet') => setQuietHours(h, org.id, now);

async function startCall(body: Record<string, unknown> = {}): Promise<{ id: string; notice: string }> {
  const response = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId, ...body } });
  expect(response.statusCode).toBe(201);
  return response.json();
}

const notices = (callId: string) => h.admin<{ channel: string; status: string }[]>`
  select channel, status from reminders where call_session_id = ${callId} and kind = 'call_ready'`;

const READY_SMS = /^Bo er klar til jeres videosamtale\. Tryk her: http:\/\/naervaer\.test\/join#([A-Za-z0-9_-]{43})$/;

describe('the "ready" notice by SMS and e-mail', () => {
  it('SMS with consent, outside quiet hours: "Bo er klar …" with a link that joins that session once', async () => {
    await consent({ smsReminders: true, emailReminders: false });
    await quietHours('not quiet');
    const call = await startCall();
    expect(call.notice).toBe('sms');

    await dispatcher.drain();
    expect(gateway.delivered).toHaveLength(1);
    const sms = gateway.delivered[0]!;
    expect(sms.msisdn).toBe(4512345678);
    const secret = READY_SMS.exec(sms.message)?.[1];
    expect(secret, sms.message).toBeDefined();
    // Nobody but the worker's first name: not the citizen, not the worker's surname, not the organisation.
    expect(sms.message).not.toMatch(/Carl|Borger|Bostøtte|Testkommune/);
    expect(mails).toHaveLength(0);
    expect(await notices(call.id)).toEqual([{ channel: 'sms', status: 'sent' }]);

    // The link: exchanged once for a narrow session that sees and joins this session, and nothing else.
    const exchange = await h.request('POST', '/api/join/exchange', { body: { secret } });
    expect(exchange.statusCode).toBe(200);
    expect(exchange.json()).toMatchObject({ appointment: null, session: { id: call.id, status: 'open' } });
    const joinCookie = exchange.cookies.find((c) => c.name === 'naervaer_join')!;
    const token = await h.request('POST', '/api/join/token', { cookie: `naervaer_join=${joinCookie.value}` });
    expect(token.statusCode).toBe(200);
    const claims = await h.tokens.verify(token.json().token, 'signal');
    expect(claims).toMatchObject({ sub: org.citizenId, call: call.id });
    // A reload on the same device goes on with that narrow session.
    expect((await h.request('GET', '/api/join', { cookie: `naervaer_join=${joinCookie.value}` })).json().session).toEqual({ id: call.id, status: 'open' });

    // A second use of the link is refused, and changes nothing.
    const again = await h.request('POST', '/api/join/exchange', { body: { secret } });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('link_used');
    expect(await h.admin`select uses from reminder_links where call_session_id = ${call.id}`).toEqual([{ uses: 1 }]);

    // Sent once: another round of the dispatcher sends nothing more.
    await dispatcher.drain();
    expect(gateway.delivered).toHaveLength(1);
  });

  it('in the citizen\'s language', async () => {
    await consent({ smsReminders: true, emailReminders: false });
    await quietHours('not quiet');
    await h.admin`update users set preferred_language = 'sv' where id = ${org.citizenId}`;
    const call = await startCall();
    await dispatcher.drain();
    expect(gateway.delivered.map((s) => s.message)).toEqual([expect.stringMatching(/^Bo är redo för ert videosamtal\. Tryck här: http:\/\/naervaer\.test\/join#/)]);
    expect(await notices(call.id)).toEqual([{ channel: 'sms', status: 'sent' }]);
  });

  it('quiet hours: no SMS at night, nothing is planned, and the worker is told so', async () => {
    await consent({ smsReminders: true, emailReminders: false });
    await quietHours('quiet');
    const call = await startCall();
    expect(call.notice).toBe('quiet_hours');
    expect(await notices(call.id)).toEqual([]);
    await dispatcher.drain();
    expect(gateway.delivered).toHaveLength(0);
  });

  it('a citizen who chose SMS at night gets it in the quiet hours too', async () => {
    await consent({ smsReminders: true, emailReminders: false });
    await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { smsReminders: true, remindersAtNight: true } });
    await quietHours('quiet');
    try {
      const call = await startCall();
      expect(call.notice).toBe('sms');
      await dispatcher.drain();
      expect(gateway.delivered).toHaveLength(1);
    } finally {
      await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { smsReminders: true, remindersAtNight: false } });
    }
  });

  it('in the quiet hours, e-mail when the citizen allows it', async () => {
    await consent({ smsReminders: true, emailReminders: true });
    await quietHours('quiet');
    const call = await startCall();
    expect(call.notice).toBe('email');
    await dispatcher.drain();
    expect(gateway.delivered).toHaveLength(0);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Bo er klar til jeres videosamtale');
    expect(mails[0]!.text).toMatch(/Bo er klar til jeres videosamtale\. Tryk her: http:\/\/naervaer\.test\/join#[A-Za-z0-9_-]{43}/);
    expect(mails[0]!.text).not.toMatch(/Carl|Bostøtte/);
  });

  it('no consent: nothing is sent, and the worker is told so', async () => {
    await consent({ smsReminders: false, emailReminders: false });
    const call = await startCall();
    expect(call.notice).toBe('none');
    expect(await notices(call.id)).toEqual([]);
    await dispatcher.drain();
    expect(gateway.delivered).toHaveLength(0);
    expect(mails).toHaveLength(0);
  });

  it('a session that ended before the notice went out is not announced', async () => {
    await consent({ smsReminders: true, emailReminders: false });
    await quietHours('not quiet');
    const call = await startCall();
    expect((await h.request('POST', `/api/calls/${call.id}/end`, { cookie: cookies.worker })).statusCode).toBe(204);
    await dispatcher.drain();
    expect(gateway.delivered).toHaveLength(0);
    expect(await notices(call.id)).toEqual([{ channel: 'sms', status: 'cancelled' }]);
  });

  it('a booked appointment\'s session is announced the same way, its link leading to that session', async () => {
    await consent({ smsReminders: true, emailReminders: false });
    await quietHours('not quiet');
    const start = new Date(Date.now() + 10 * 60_000);
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(start).replace(' ', 'T');
    const booked = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId: org.citizenId, modality: 'video', start: local } });
    expect(booked.statusCode).toBe(201);
    const appointment = booked.json()[0];
    const call = await startCall({ appointmentId: appointment.id });
    expect(call.notice).toBe('sms');
    await dispatcher.drain();
    const ready = gateway.delivered.map((s) => READY_SMS.exec(s.message)?.[1]).filter(Boolean);
    expect(ready).toHaveLength(1);
    const exchange = await h.request('POST', '/api/join/exchange', { body: { secret: ready[0] } });
    expect(exchange.statusCode).toBe(200);
    expect(exchange.json()).toMatchObject({ appointment: { id: appointment.id }, session: { id: call.id, status: 'open' } });
  });
});
