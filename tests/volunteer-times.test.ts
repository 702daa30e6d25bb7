import { beforeAll, describe, expect, it } from 'vitest';
import type { FreeTimes, VolunteerAppointment } from '../protocol/volunteer-times.js';
import { freeSlots } from '../server/volunteer-times/slots.js';
import { useHarness } from './support/use-harness.js';

/**
 * Issue 12, regular times: a volunteer publishes weekly availability, a matched citizen books one of the free times
 * (an ordinary appointment hosted by the volunteer: the database refuses double booking, reminders are planned as
 * for any appointment) and can cancel it; an unmatched citizen does not see the volunteer at all. Also the volunteer's
 * own session and its call for help, practice calls and device checks.
 */

const { h, org, cookies } = useHarness({ signIn: ['worker', 'volunteer', 'coordinator'] });
let citizen: string;
let otherCitizen: string;

/** A sign-in for any citizen of the organisation, through the link a coordinator hands over. */
async function signInCitizen(citizenId: string): Promise<string> {
  const link = await h.request('POST', `/api/citizens/${citizenId}/links`, { cookie: cookies.coordinator });
  const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(link.json().url).hash.slice(1) } });
  return `naervaer_session=${exchanged.cookies.find((c) => c.name === 'naervaer_session')!.value}`;
}

const ZONE = 'Europe/Copenhagen';
// The spring change of 2027: Sunday 28 March, 02:00 local becomes 03:00. The next autumn one: Sunday 31 October.
const SPRING_WEEK = '2027-03-22';

beforeAll(async () => {
  await h.admin`insert into volunteer_profiles (organisation_id, volunteer_id, kind, chosen_name, contact_person_id)
                values (${org.id}, ${org.volunteerId}, 'it_helper', 'Frida', ${org.workerId})`;
  await h.admin`insert into volunteer_matches (organisation_id, volunteer_id, citizen_id, status, decided_at)
                values (${org.id}, ${org.volunteerId}, ${org.citizenId}, 'active', now())`;
  citizen = await signInCitizen(org.citizenId);
  otherCitizen = await signInCitizen(org.otherCitizenId);
  // Reminders by SMS, with consent, so that booking plans some.
  const settings = await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { smsReminders: true } });
  expect(settings.statusCode).toBe(200);
  // Mondays 10:00–11:00 in 30-minute slots, from the week before the spring change.
  const published = await h.request('POST', '/api/my/volunteer-times', {
    cookie: cookies.volunteer, body: { weekday: 1, start: '10:00', end: '11:00', slotMinutes: 30, activeFrom: SPRING_WEEK },
  });
  expect(published.statusCode).toBe(201);
});

describe('free times from the weekly pattern', () => {
  it('keep the local wall-clock time across the spring and autumn changes; a slot in the skipped hour does not exist', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    const mondays = freeSlots([{ weekday: 1, startMinute: 600, endMinute: 630, slotMinutes: 30, activeFrom: '2027-01-01', activeUntil: null }], [], ZONE,
      { fromDate: SPRING_WEEK, days: 14, now, limit: 10 });
    expect(mondays.map((s) => [s.start, s.startsAt.toISOString()])).toEqual([
      ['2027-03-22T10:00', '2027-03-22T09:00:00.000Z'], // winter: UTC+1
      ['2027-03-29T10:00', '2027-03-29T08:00:00.000Z'], // summer: UTC+2
    ]);
    const springNight = freeSlots([{ weekday: 7, startMinute: 90, endMinute: 210, slotMinutes: 30, activeFrom: '2027-01-01', activeUntil: null }], [], ZONE,
      { fromDate: '2027-03-28', days: 1, now, limit: 10 });
    expect(springNight.map((s) => s.start)).toEqual(['2027-03-28T01:30', '2027-03-28T03:00']);
    const autumnNight = freeSlots([{ weekday: 7, startMinute: 120, endMinute: 150, slotMinutes: 30, activeFrom: '2027-01-01', activeUntil: null }], [], ZONE,
      { fromDate: '2027-10-31', days: 1, now, limit: 10 });
    // 02:00 happens twice; it means the first (still summer time, UTC+2), as everywhere in the product.
    expect(autumnNight.map((s) => s.startsAt.toISOString())).toEqual(['2027-10-31T00:00:00.000Z']);
  });

  it('leave out the taken, the past and what lies outside the active period', () => {
    const pattern = { weekday: 1, startMinute: 600, endMinute: 720, slotMinutes: 30, activeFrom: '2027-03-22', activeUntil: '2027-03-22' };
    const taken = [{ startsAt: new Date('2027-03-22T09:15:00Z'), endsAt: new Date('2027-03-22T09:45:00Z') }];
    const slots = freeSlots([pattern], taken, ZONE, { fromDate: '2027-03-15', days: 21, now: new Date('2027-03-22T10:10:00Z'), limit: 10 });
    // 10:00 and 10:30 overlap the taken 10:15–10:45; 11:00 has begun; only 11:30 is left, and no later Monday.
    expect(slots.map((s) => s.start)).toEqual(['2027-03-22T11:30']);
  });

  it('the matched citizen sees them through the API, by the volunteer’s chosen name only', async () => {
    const response = await h.request('GET', `/api/volunteers/${org.volunteerId}/free-times?from=${SPRING_WEEK}`, { cookie: citizen });
    expect(response.statusCode).toBe(200);
    const free = response.json() as FreeTimes;
    expect(free).toMatchObject({ volunteerId: org.volunteerId, chosenName: 'Frida', kind: 'it_helper' });
    expect(response.body).not.toContain('Frivillig');
    expect(free.times.slice(0, 4).map((t) => t.start)).toEqual(['2027-03-22T10:00', '2027-03-22T10:30', '2027-03-29T10:00', '2027-03-29T10:30']);
    expect(free.times[2]!.whenText).toBe('mandag 29. marts kl. 10.00');
  });

  it('an unmatched citizen gets 404, for the times and for booking, and once the match has ended', async () => {
    const times = await h.request('GET', `/api/volunteers/${org.volunteerId}/free-times`, { cookie: otherCitizen });
    expect(times.statusCode).toBe(404);
    const booking = await h.request('POST', `/api/volunteers/${org.volunteerId}/bookings`, { cookie: otherCitizen, body: { start: '2027-03-22T10:00', modality: 'video' } });
    expect(booking.statusCode).toBe(404);
    expect(await h.admin`select 1 from appointments where citizen_id = ${org.otherCitizenId}`).toHaveLength(0);
  });
});

describe('booking a free time', () => {
  let booked: VolunteerAppointment;

  it('makes an ordinary appointment hosted by the volunteer, with its reminders planned', async () => {
    const response = await h.request('POST', `/api/volunteers/${org.volunteerId}/bookings`, { cookie: citizen, body: { start: '2027-03-29T10:00', modality: 'video' } });
    expect(response.statusCode).toBe(201);
    booked = response.json();
    expect(booked).toMatchObject({ start: '2027-03-29T10:00', end: '2027-03-29T10:30', otherName: 'Frida', purpose: 'support', modality: 'video' });
    const [row] = await h.admin`select worker_id, citizen_id, created_by, starts_at, status, purpose from appointments where id = ${booked.id}`;
    expect(row).toEqual({
      worker_id: org.volunteerId, citizen_id: org.citizenId, created_by: org.citizenId, starts_at: new Date('2027-03-29T08:00:00Z'), status: 'booked', purpose: 'support',
    });
    const reminders = await h.admin`select channel, status from reminders where appointment_id = ${booked.id} and kind = 'appointment'`;
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.every((r) => r.channel === 'sms' && r.status === 'pending')).toBe(true);
    // The time is no longer free; the citizen's list has it.
    const free = (await h.request('GET', `/api/volunteers/${org.volunteerId}/free-times?from=${SPRING_WEEK}`, { cookie: citizen })).json() as FreeTimes;
    expect(free.times.map((t) => t.start)).not.toContain('2027-03-29T10:00');
    const mine = await h.request('GET', '/api/my/volunteer-bookings', { cookie: citizen });
    expect(mine.json()).toEqual([expect.objectContaining({ id: booked.id, otherName: 'Frida' })]);
    // …on the citizen's volunteer card, not among the worker's appointments on the home.
    const appointments = await h.request('GET', '/api/my/appointments', { cookie: citizen });
    expect(appointments.json().map((a: { id: string }) => a.id)).not.toContain(booked.id);
    const all = await h.request('GET', '/api/my/volunteer-free-times', { cookie: citizen });
    expect(all.json()).toEqual([expect.objectContaining({ volunteerId: org.volunteerId, chosenName: 'Frida' })]);
    expect((await h.request('GET', '/api/my/volunteer-free-times', { cookie: otherCitizen })).json()).toEqual([]);
  });

  it('a time that is not free is refused; the database refuses a double booking under any code path', async () => {
    const again = await h.request('POST', `/api/volunteers/${org.volunteerId}/bookings`, { cookie: citizen, body: { start: '2027-03-29T10:00', modality: 'phone' } });
    expect(again.statusCode).toBe(400);
    const offPattern = await h.request('POST', `/api/volunteers/${org.volunteerId}/bookings`, { cookie: citizen, body: { start: '2027-03-29T10:10', modality: 'video' } });
    expect(offPattern.statusCode).toBe(400);
    // Straight into the table, past every check of the store: the exclusion constraint still says no.
    await h.admin`insert into volunteer_matches (organisation_id, volunteer_id, citizen_id, status, decided_at)
                  values (${org.id}, ${org.volunteerId}, ${org.otherCitizenId}, 'active', now())`;
    await expect(h.admin`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by)
      values (${org.id}, ${org.volunteerId}, ${org.otherCitizenId}, '2027-03-29T08:15:00Z', '2027-03-29T08:45:00Z', 'video', ${org.otherCitizenId})`)
      .rejects.toMatchObject({ code: '23P01', constraint_name: 'appointments_worker_no_overlap' });
    // Two matched citizens taking the same free time at once: one gets it, the other is told it went.
    const [first, second] = await Promise.all([
      h.request('POST', `/api/volunteers/${org.volunteerId}/bookings`, { cookie: citizen, body: { start: '2027-03-22T10:30', modality: 'video' } }),
      h.request('POST', `/api/volunteers/${org.volunteerId}/bookings`, { cookie: otherCitizen, body: { start: '2027-03-22T10:30', modality: 'video' } }),
    ]);
    expect([first.statusCode, second.statusCode].filter((s) => s === 201)).toHaveLength(1);
    expect([first.statusCode, second.statusCode].find((s) => s !== 201)).toBeOneOf([400, 409]);
    expect(await h.admin`select 1 from appointments where worker_id = ${org.volunteerId} and starts_at = '2027-03-22T09:30:00Z' and status = 'booked'`).toHaveLength(1);
  });

  it('the volunteer sees the citizen’s first name and the time, nothing else', async () => {
    const response = await h.request('GET', '/api/my/volunteer-appointments', { cookie: cookies.volunteer });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toContainEqual(expect.objectContaining({ id: booked.id, otherName: 'Carl', start: '2027-03-29T10:00' }));
    expect(response.body).not.toContain('Borger');
    expect(response.body).not.toContain('+4512345678');
  });

  it('the citizen cancels: the appointment is cancelled, its reminders go, the time is free again', async () => {
    const cancelled = await h.request('POST', `/api/my/volunteer-bookings/${booked.id}/cancel`, { cookie: citizen });
    expect(cancelled.statusCode).toBe(204);
    const [row] = await h.admin`select status from appointments where id = ${booked.id}`;
    expect(row!.status).toBe('cancelled');
    const pending = await h.admin`select 1 from reminders where appointment_id = ${booked.id} and status = 'pending'`;
    expect(pending).toHaveLength(0);
    const free = (await h.request('GET', `/api/volunteers/${org.volunteerId}/free-times?from=${SPRING_WEEK}`, { cookie: citizen })).json() as FreeTimes;
    expect(free.times.map((t) => t.start)).toContain('2027-03-29T10:00');
    // Only their own, only once.
    expect((await h.request('POST', `/api/my/volunteer-bookings/${booked.id}/cancel`, { cookie: citizen })).statusCode).toBe(404);
  });
});

describe('the volunteer’s regular times', () => {
  it('are the volunteer’s own: listed, refused when shorter than a slot, deleted', async () => {
    const bad = await h.request('POST', '/api/my/volunteer-times', { cookie: cookies.volunteer, body: { weekday: 3, start: '14:00', end: '14:20', slotMinutes: 30 } });
    expect(bad.statusCode).toBe(400);
    const added = await h.request('POST', '/api/my/volunteer-times', { cookie: cookies.volunteer, body: { weekday: 3, start: '14:00', end: '16:00', slotMinutes: 45 } });
    expect(added.statusCode).toBe(201);
    const listed = await h.request('GET', '/api/my/volunteer-times', { cookie: cookies.volunteer });
    expect(listed.json()).toEqual([
      expect.objectContaining({ weekday: 1, start: '10:00', end: '11:00', slotMinutes: 30 }),
      expect.objectContaining({ weekday: 3, start: '14:00', end: '16:00', slotMinutes: 45, activeUntil: null }),
    ]);
    expect((await h.request('DELETE', `/api/my/volunteer-times/${added.json().id}`, { cookie: cookies.volunteer })).statusCode).toBe(204);
    expect((await h.request('DELETE', `/api/my/volunteer-times/${added.json().id}`, { cookie: cookies.volunteer })).statusCode).toBe(404);
  });
});

describe('a session the volunteer hosts', () => {
  it('opens for their own appointment; the citizen sees only the chosen name; help reaches the contact person, else the duty queue', async () => {
    const bookedNow = await h.admin<{ id: string }[]>`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by)
      values (${org.id}, ${org.volunteerId}, ${org.citizenId}, now() + interval '5 minutes', now() + interval '35 minutes', 'video', ${org.citizenId}) returning id`;
    // Not theirs: a worker's appointment.
    const workers = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId: org.citizenId, modality: 'video', start: '2027-05-03T10:00' } });
    expect((await h.request('POST', '/api/volunteer-calls', { cookie: cookies.volunteer, body: { appointmentId: workers.json()[0].id } })).statusCode).toBe(404);

    const opened = await h.request('POST', '/api/volunteer-calls', { cookie: cookies.volunteer, body: { appointmentId: bookedNow[0]!.id } });
    expect(opened.statusCode).toBe(201);
    // the volunteer learns the citizen's first name, and nothing of how the citizen is reached
    expect(opened.json()).toMatchObject({ otherName: 'Carl', notice: 'none' });
    const callId = opened.json().id;
    const [session] = await h.admin`select worker_id, citizen_id, appointment_id from call_sessions where id = ${callId}`;
    expect(session).toEqual({ worker_id: org.volunteerId, citizen_id: org.citizenId, appointment_id: bookedNow[0]!.id });
    const open = await h.request('GET', '/api/calls/open', { cookie: citizen });
    expect(open.json()).toEqual([expect.objectContaining({ id: callId, otherName: 'Frida' })]);

    const help = await h.request('POST', `/api/volunteer-calls/${callId}/staff-help`, { cookie: cookies.volunteer });
    expect(help.json()).toEqual({ reached: 'contact_person' });
    const workersOpen = await h.request('GET', '/api/calls/open', { cookie: cookies.worker });
    expect(workersOpen.json()).toContainEqual(expect.objectContaining({ id: callId }));

    // No contact person: the citizen's own worker (here, in working hours or not, their queue) gets a request.
    await h.admin`update volunteer_profiles set contact_person_id = null where volunteer_id = ${org.volunteerId}`;
    await h.admin`insert into working_hours (organisation_id, worker_id, weekday, start_minute, end_minute)
                  select ${org.id}, ${org.workerId}, d, 0, 1440 from generate_series(1, 7) as d`;
    const again = await h.request('POST', `/api/volunteer-calls/${callId}/staff-help`, { cookie: cookies.volunteer });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ reached: 'duty' });
    const requests = await h.request('GET', '/api/contact-requests', { cookie: cookies.worker });
    expect(requests.json()).toContainEqual(expect.objectContaining({ citizenId: org.citizenId, status: 'waiting' }));
    await h.request('POST', `/api/calls/${callId}/end`, { cookie: cookies.coordinator });
  });
});

describe('getting started', () => {
  it('the citizen’s device check is kept and shown to their worker, with an audit row', async () => {
    const checked = await h.request('POST', '/api/my/device-checks', { cookie: citizen, body: { result: 'audio_only' } });
    expect(checked.statusCode).toBe(201);
    expect(checked.json()).toMatchObject({ citizenId: org.citizenId, result: 'audio_only' });
    expect((await h.request('POST', '/api/my/device-checks', { cookie: citizen, body: { result: 'maybe' } })).statusCode).toBe(400);
    await h.request('POST', '/api/my/device-checks', { cookie: otherCitizen, body: { result: 'video' } });
    const seen = await h.request('GET', '/api/device-checks', { cookie: cookies.worker });
    expect(seen.statusCode).toBe(200);
    // Only the worker's own citizen (Dorte is not in the caseload).
    expect(seen.json()).toEqual([expect.objectContaining({ citizenId: org.citizenId, result: 'audio_only' })]);
    const audited = await h.admin`select 1 from audit_events where action = 'citizen.list' and actor_id = ${org.workerId} and detail->>'via' = 'device_checks'`;
    expect(audited.length).toBeGreaterThan(0);
  });

  it('a worker books a practice call with the IT helper the citizen is matched with, and only such', async () => {
    const booked = await h.request('POST', '/api/practice-calls', {
      cookie: cookies.worker, body: { citizenId: org.citizenId, volunteerId: org.volunteerId, start: '2027-04-06T13:00' },
    });
    expect(booked.statusCode).toBe(201);
    expect(booked.json()).toMatchObject({ start: '2027-04-06T13:00', end: '2027-04-06T13:30', volunteerName: 'Frida' });
    const [row] = await h.admin`select worker_id, purpose, modality from appointments where id = ${booked.json().id}`;
    expect(row).toEqual({ worker_id: org.volunteerId, purpose: 'practice', modality: 'video' });
    // Not for a citizen outside the caseload, nor with a volunteer who is not an IT helper matched with them.
    const foreign = await h.request('POST', '/api/practice-calls', { cookie: cookies.worker, body: { citizenId: org.otherCitizenId, volunteerId: org.volunteerId, start: '2027-04-06T15:00' } });
    expect(foreign.statusCode).toBe(404);
    await h.admin`update volunteer_profiles set kind = 'peer' where volunteer_id = ${org.volunteerId}`;
    const peer = await h.request('POST', '/api/practice-calls', { cookie: cookies.worker, body: { citizenId: org.citizenId, volunteerId: org.volunteerId, start: '2027-04-06T15:00' } });
    expect(peer.statusCode).toBe(404);
    await h.admin`update volunteer_profiles set kind = 'it_helper' where volunteer_id = ${org.volunteerId}`;
  });
});
