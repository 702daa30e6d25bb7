import { describe, expect, it } from 'vitest';
import { retentionStore } from '../server/retention/store.js';
import { bookVideoAppointment, startCall } from './support/calls.js';
import { useHarness } from './support/use-harness.js';

/**
 * Issue 9, the worker's step after a call: "Hvordan gik det?" — held, no-show or a technical failure, with an optional
 * short note, kept on the session (and on the booked appointment's status when there is one that can take it).
 */

const { h } = useHarness({ organisation: false });

async function endedCall(options: { appointment?: 'begun' | 'later' } = {}) {
  const org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const appointmentId = options.appointment ? await bookVideoAppointment(h, workerCookie, org.citizenId) : undefined;
  // Booking refuses the past; the appointment the worker has just held began a few minutes ago.
  if (options.appointment === 'begun') await h.admin`update appointments set starts_at = now() - interval '25 minutes', ends_at = now() - interval '5 minutes' where id = ${appointmentId!}`;
  const callId = await startCall(h, org, workerCookie, org.citizenId, appointmentId);
  expect((await h.request('POST', `/api/calls/${callId}/end`, { cookie: workerCookie })).statusCode).toBe(204);
  return { org, workerCookie, callId, appointmentId };
}

const record = (callId: string, cookie: string, body: unknown) => h.request('POST', `/api/calls/${callId}/outcome`, { cookie, body });
const sessionRow = async (callId: string) =>
  (await h.admin<{ outcome: string | null; outcome_note: string | null; outcome_by: string | null; has_time: boolean }[]>`
    select outcome, outcome_note, outcome_by, outcome_at is not null as has_time from call_sessions where id = ${callId}`)[0];

describe('POST /api/calls/:callId/outcome', () => {
  it('the worker records an ad hoc session as held, with a note: on the session, audited', async () => {
    const { org, workerCookie, callId } = await endedCall();
    const response = await record(callId, workerCookie, { outcome: 'held', note: 'Godt. Vi ses torsdag.' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ outcome: 'held', appointmentUpdated: false });
    expect(await sessionRow(callId)).toEqual({ outcome: 'held', outcome_note: 'Godt. Vi ses torsdag.', outcome_by: org.workerId, has_time: true });
    const audit = await h.admin`select action, subject_id, detail from audit_events where action = 'call.outcome' and actor_id = ${org.workerId}`;
    expect(audit).toEqual([{ action: 'call.outcome', subject_id: org.citizenId, detail: { callId, outcome: 'held' } }]);

    // corrected afterwards: the later choice stands, without a note
    expect((await record(callId, workerCookie, { outcome: 'technical_failure' })).statusCode).toBe(200);
    expect(await sessionRow(callId)).toMatchObject({ outcome: 'technical_failure', outcome_note: null });
  });

  it('a booked appointment that has begun gets the status too', async () => {
    const { workerCookie, callId, appointmentId } = await endedCall({ appointment: 'begun' });
    const response = await record(callId, workerCookie, { outcome: 'no_show', note: 'Tog ikke telefonen.' });
    expect(response.json()).toEqual({ outcome: 'no_show', appointmentUpdated: true });
    const [appointment] = await h.admin`select status, status_reason from appointments where id = ${appointmentId!}`;
    expect(appointment).toEqual({ status: 'no_show', status_reason: 'Tog ikke telefonen.' });
    expect(await sessionRow(callId)).toMatchObject({ outcome: 'no_show', outcome_note: 'Tog ikke telefonen.' });
  });

  it('a video started before the booked time: the session keeps the outcome, the appointment stays booked', async () => {
    const { workerCookie, callId, appointmentId } = await endedCall({ appointment: 'later' });
    const response = await record(callId, workerCookie, { outcome: 'held' });
    expect(response.json()).toEqual({ outcome: 'held', appointmentUpdated: false });
    const [appointment] = await h.admin`select status from appointments where id = ${appointmentId!}`;
    expect(appointment).toEqual({ status: 'booked' });
    expect(await sessionRow(callId)).toMatchObject({ outcome: 'held' });
  });

  it('refuses while the session goes on, and bad input; nothing is written', async () => {
    const org = await h.seedOrganisation();
    const workerCookie = await h.login(org.workerEmail);
    const open = await startCall(h, org, workerCookie);
    const going = await record(open, workerCookie, { outcome: 'held' });
    expect(going.statusCode).toBe(409);
    expect(going.json().error.code).toBe('conflict');
    expect(await sessionRow(open)).toEqual({ outcome: null, outcome_note: null, outcome_by: null, has_time: false });
    await h.request('POST', `/api/calls/${open}/end`, { cookie: workerCookie });

    for (const body of [
      {}, { outcome: 'great' }, { outcome: 'held', note: '' }, { outcome: 'held', note: '   ' }, { outcome: 'held', note: 'a\u0000b' },
      { outcome: 'held', note: 'x'.repeat(501) }, { outcome: 'held', extra: true }, { outcome: ['held'] },
    ]) {
      const response = await record(open, workerCookie, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe('validation');
    }
    expect(await sessionRow(open)).toEqual({ outcome: null, outcome_note: null, outcome_by: null, has_time: false });
  });

  it('only the session’s worker or a coordinator: a volunteer is refused, another organisation finds no such session', async () => {
    const { org, callId } = await endedCall();
    expect((await record(callId, await h.login(org.volunteerEmail), { outcome: 'held' })).statusCode).toBe(403);
    const other = await h.seedOrganisation('Andenkommune');
    expect((await record(callId, await h.login(other.workerEmail), { outcome: 'held' })).statusCode).toBe(404);
    expect((await record(callId, await h.login(other.coordinatorEmail), { outcome: 'held' })).statusCode).toBe(404);
    expect(await sessionRow(callId)).toMatchObject({ outcome: null });
    // a coordinator of the organisation may correct it
    expect((await record(callId, await h.login(org.coordinatorEmail), { outcome: 'held' })).statusCode).toBe(200);
    expect(await sessionRow(callId)).toMatchObject({ outcome: 'held', outcome_by: org.coordinatorId });
  });

  it('the note goes when retention anonymises the citizen; the outcome stays for the statistics', async () => {
    const { org, workerCookie, callId } = await endedCall();
    expect((await record(callId, workerCookie, { outcome: 'held', note: 'Carl var glad.' })).statusCode).toBe(200);
    await h.admin`update users set active = false where id = ${org.citizenId}`;
    // deactivated long ago (its own statement: deactivating stamps the time of the change)
    await h.admin`update users set deactivated_at = now() - interval '400 days' where id = ${org.citizenId}`;
    // As the dispatcher applies it (a run of its own at this moment makes ours return nothing: then try again).
    await expect.poll(async () => {
      await retentionStore(h.sql).apply();
      return (await h.admin`select anonymised_at is not null as anonymised from users where id = ${org.citizenId}`)[0]!.anonymised;
    }).toBe(true);
    expect(await sessionRow(callId)).toMatchObject({ outcome: 'held', outcome_note: null });
  });
});
