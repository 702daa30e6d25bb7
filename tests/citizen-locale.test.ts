import { beforeAll, describe, expect, it } from 'vitest';
import { citizenCookie } from './support/calls.js';
import { useHarness } from './support/use-harness.js';
import { useOutbound } from './support/use-channels.js';

// The citizen's language: chosen in the app ("Mere" → Sprog) or by their worker, kept on the person, and the language
// their SMS and e-mail reminders are written in.
const { h, org, cookies } = useHarness({ signIn: ['worker'] });
const outbound = useOutbound(h);
let citizen: string;
beforeAll(async () => {
  citizen = await citizenCookie(h, org, cookies.worker);
  await h.admin`update users set email = 'carl@example.dk' where id = ${org.citizenId}`;
  const on = await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { smsReminders: true, emailReminders: true } });
  expect(on.statusCode).toBe(200);
});

const nextYear = new Date().getUTCFullYear() + 1;
let day = 1;
/** Books a video appointment at 10:00 local and makes its first reminders due now. */
async function bookDueReminder(): Promise<{ id: string; startsAt: string }> {
  const booked = await h.request('POST', '/api/appointments', {
    cookie: cookies.worker, body: { citizenId: org.citizenId, modality: 'video', start: `${nextYear}-10-${String(day++).padStart(2, '0')}T10:00` },
  });
  expect(booked.statusCode).toBe(201);
  const appointment = booked.json()[0];
  await h.admin`update reminders set next_attempt_at = now() - interval '1 second'
    where appointment_id = ${appointment.id} and due_at = (select min(due_at) from reminders where appointment_id = ${appointment.id})`;
  return appointment;
}
const language = async () => (await h.admin<{ l: string }[]>`select preferred_language as l from users where id = ${org.citizenId}`)[0]!.l;
const dateIn = (intl: string, startsAt: string) =>
  new Intl.DateTimeFormat(intl, { timeZone: 'Europe/Copenhagen', weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(startsAt));

describe('the citizen\'s language', () => {
  it('is Danish until chosen; the citizen picks Swedish in the app, and their reminders arrive in Swedish', async () => {
    const before = await h.request('GET', '/api/my/settings', { cookie: citizen });
    expect(before.json()).toMatchObject({ language: 'da', smsReminders: true });

    const chosen = await h.request('PUT', '/api/my/settings', { cookie: citizen, body: { language: 'sv' } });
    expect(chosen.statusCode).toBe(200);
    // The language alone changes nothing else (consent stays as it was).
    expect(chosen.json()).toMatchObject({ language: 'sv', smsReminders: true, emailReminders: true });
    expect(await language()).toBe('sv');
    expect((await h.request('GET', '/api/me', { cookie: citizen })).json().user.preferredLanguage).toBe('sv');

    const appointment = await bookDueReminder();
    expect(await outbound.dispatcher.drain()).toBe(2);
    const sms = outbound.gateway.delivered[0]!;
    expect(sms.message).toContain(`Påminnelse: Du har ett möte ${dateIn('sv-SE', appointment.startsAt)} kl. 10:00.`);
    expect(sms.message).toContain('Det är ett videosamtal. Gå med här:');
    expect(sms.message).toMatch(/http:\/\/naervaer\.test\/join#[A-Za-z0-9_-]{43}/);
    expect(sms.message).not.toMatch(/Påmindelse|aftale|kl\. 10\.00/);
    const mail = outbound.mails[0]!;
    expect(mail.subject).toBe('Påminnelse om ditt möte');
    expect(mail.text).toContain(dateIn('sv-SE', appointment.startsAt));
  });

  it('in English the date and time are English too; back in Danish they are Danish', async () => {
    expect((await h.request('PUT', '/api/my/settings', { cookie: citizen, body: { language: 'en' } })).statusCode).toBe(200);
    const english = await bookDueReminder();
    await outbound.dispatcher.drain();
    expect(outbound.gateway.delivered[0]!.message).toContain(`Reminder: you have an appointment ${dateIn('en-GB', english.startsAt)} at 10:00.`);

    outbound.gateway.delivered.length = 0;
    expect((await h.request('PUT', '/api/my/settings', { cookie: citizen, body: { language: 'da' } })).statusCode).toBe(200);
    const danish = await bookDueReminder();
    await outbound.dispatcher.drain();
    expect(outbound.gateway.delivered[0]!.message).toContain(`Påmindelse: Du har en aftale ${dateIn('da-DK', danish.startsAt)} kl. 10.00.`);
  });

  it('the worker can set it for the citizen (audited), and a language we do not speak is refused and changes nothing', async () => {
    const set = await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { language: 'sv' } });
    expect(set.statusCode).toBe(200);
    expect(set.json().language).toBe('sv');
    const audits = await h.admin<{ n: number }[]>`
      select count(*)::int as n from audit_events where action = 'citizen.update' and subject_id = ${org.citizenId} and detail->>'what' = 'settings'`;
    expect(audits[0]!.n).toBeGreaterThan(0);

    for (const bad of [{ language: 'de' }, { language: '' }, { language: null }, { language: 'sv', extra: 1 }]) {
      const refused = await h.request('PUT', '/api/my/settings', { cookie: citizen, body: bad });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toEqual({ error: { code: 'validation', message: expect.any(String) } });
    }
    expect(await language()).toBe('sv');
  });
});
