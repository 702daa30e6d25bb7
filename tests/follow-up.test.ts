import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Socket as ClientSocket } from 'socket.io-client';
import { upsertUser } from '../server/people/store.js';
import { listenToEvents, startCall } from './support/calls.js';
import { PASSWORD } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

/**
 * Issue 11, the follow-up after a no-show: whichever route records it (the booking's status, the call's outcome), the
 * citizen's worker gets one follow-up; they plan actions and close it with what happened. Two no-shows in a row
 * without contact in between alert the coordinators. Case data: caseload workers and coordinators, never volunteers.
 */

const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker', 'coordinator', 'volunteer'] });
const sockets: ClientSocket[] = [];
afterAll(() => sockets.forEach((socket) => socket.disconnect()));
const nextYear = new Date().getUTCFullYear() + 1;
let slot = 0;

async function newCitizen(): Promise<string> {
  const id = await upsertUser(h.admin, { organisationId: org.id, role: 'citizen', displayName: `Ida ${randomBytes(2).toString('hex')}` });
  await h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${org.workerId}, ${id})`;
  return id;
}

/**
 * An appointment that has already taken place `hoursAgo` hours ago (booking refuses the past, so it is booked ahead
 * and moved back, as tests/call-outcome.test.ts does).
 */
async function pastAppointment(citizenId: string, hoursAgo: number, modality = 'home_visit'): Promise<string> {
  slot += 1;
  const response = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId, modality, start: `${nextYear}-03-${String(slot).padStart(2, '0')}T10:00` } });
  expect(response.statusCode, response.body).toBe(201);
  const id = response.json()[0].id as string;
  // Seconds apart per appointment, so the worker's appointments never overlap (the database refuses that).
  await h.admin`
    update appointments set starts_at = now() - ${hoursAgo} * interval '1 hour' - ${slot * 7} * interval '1 second',
                            ends_at = now() - ${hoursAgo} * interval '1 hour' - ${slot * 7 - 5} * interval '1 second'
    where id = ${id}`;
  return id;
}

const setStatus = (id: string, status: string) => h.request('POST', `/api/appointments/${id}/status`, { cookie: cookies.worker, body: { status } });
const followUps = (citizenId: string) => h.admin<{ id: string; worker_id: string; appointment_id: string | null; call_session_id: string | null; status: string }[]>`
  select id, worker_id, appointment_id, call_session_id, status from follow_ups where citizen_id = ${citizenId} order by cause_at`;
const alerts = (citizenId: string) => h.admin<{ follow_up_id: string }[]>`select follow_up_id from follow_up_alerts where citizen_id = ${citizenId}`;

async function noShow(citizenId: string, hoursAgo: number): Promise<string> {
  const id = await pastAppointment(citizenId, hoursAgo);
  expect((await setStatus(id, 'no_show')).statusCode).toBe(200);
  return id;
}

describe('a no-show opens one follow-up for the worker', () => {
  it('through the booking\'s status route', async () => {
    const citizenId = await newCitizen();
    const appointmentId = await noShow(citizenId, 3);
    expect(await followUps(citizenId)).toEqual([{ id: expect.any(String), worker_id: org.workerId, appointment_id: appointmentId, call_session_id: null, status: 'open' }]);
    // recorded again (corrected and back): still one
    expect((await setStatus(appointmentId, 'held')).statusCode).toBe(200);
    expect((await setStatus(appointmentId, 'no_show')).statusCode).toBe(200);
    expect(await followUps(citizenId)).toHaveLength(1);

    const list = await h.request('GET', '/api/follow-ups', { cookie: cookies.worker });
    expect(list.statusCode).toBe(200);
    const mine = list.json().filter((f: { citizenId: string }) => f.citizenId === citizenId);
    expect(mine).toEqual([expect.objectContaining({ cause: 'appointment', modality: 'home_visit', status: 'open', overdue: false, actions: [] })]);
    const [audit] = await h.admin`select count(*)::int as n from audit_events where action = 'follow_up.read' and subject_id = ${citizenId} and actor_id = ${org.workerId}`;
    expect(audit).toEqual({ n: 1 });
  });

  it('through the call\'s outcome step: an ad hoc session, and a booked one (whose appointment gets it too) — one each', async () => {
    const citizenId = await newCitizen();
    const adHoc = await startCall(h, org, cookies.worker, citizenId);
    await h.request('POST', `/api/calls/${adHoc}/end`, { cookie: cookies.worker });
    const outcome = await h.request('POST', `/api/calls/${adHoc}/outcome`, { cookie: cookies.worker, body: { outcome: 'no_show' } });
    expect(outcome.json()).toEqual({ outcome: 'no_show', appointmentUpdated: false });
    expect(await followUps(citizenId)).toEqual([expect.objectContaining({ appointment_id: null, call_session_id: adHoc, worker_id: org.workerId })]);

    const appointmentId = await pastAppointment(citizenId, 1, 'video');
    const booked = await startCall(h, org, cookies.worker, citizenId, appointmentId);
    await h.request('POST', `/api/calls/${booked}/end`, { cookie: cookies.worker });
    const second = await h.request('POST', `/api/calls/${booked}/outcome`, { cookie: cookies.worker, body: { outcome: 'no_show' } });
    expect(second.json()).toEqual({ outcome: 'no_show', appointmentUpdated: true });
    const rows = await followUps(citizenId);
    expect(rows).toHaveLength(2);
    // one for the booked session, tied to its appointment too (the appointment's own no-show made no second one)
    expect(rows.filter((r) => r.appointment_id === appointmentId)).toEqual([expect.objectContaining({ call_session_id: booked })]);
  });
});

describe('working a follow-up', () => {
  it('actions with due times, then closing it with what happened', async () => {
    const citizenId = await newCitizen();
    await noShow(citizenId, 2);
    const [row] = await followUps(citizenId);
    const added = await h.request('POST', `/api/follow-ups/${row!.id}/actions`, { cookie: cookies.worker, body: { kind: 'call', due: `${nextYear}-05-02T09:00` } });
    expect(added.statusCode).toBe(201);
    expect(added.json().actions).toEqual([{ id: expect.any(String), kind: 'call', due: `${nextYear}-05-02T09:00`, dueAt: `${nextYear}-05-02T07:00:00.000Z`, done: false }]);
    // an action already due makes it overdue: it comes first
    const late = await h.request('POST', `/api/follow-ups/${row!.id}/actions`, { cookie: cookies.worker, body: { kind: 'visit', due: '2020-01-02T09:00' } });
    expect(late.json()).toMatchObject({ overdue: true });
    const list = (await h.request('GET', '/api/follow-ups', { cookie: cookies.worker })).json();
    expect(list[0].id).toBe(row!.id);
    const visitId = late.json().actions.find((a: { kind: string }) => a.kind === 'visit').id;
    const done = await h.request('POST', `/api/follow-ups/${row!.id}/actions/${visitId}/done`, { cookie: cookies.worker });
    expect(done.json()).toMatchObject({ overdue: false });

    for (const body of [{}, { result: 'maybe' }, { result: 'reached', note: '' }, { result: 'reached', note: 'x'.repeat(501) }, { result: 'reached', extra: 1 }]) {
      const bad = await h.request('POST', `/api/follow-ups/${row!.id}/close`, { cookie: cookies.worker, body });
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
    }
    const closed = await h.request('POST', `/api/follow-ups/${row!.id}/close`, { cookie: cookies.worker, body: { result: 'reached', note: 'Han havde glemt det. Ny tid torsdag.' } });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', result: 'reached', resultNote: 'Han havde glemt det. Ny tid torsdag.' });
    const again = await h.request('POST', `/api/follow-ups/${row!.id}/close`, { cookie: cookies.worker, body: { result: 'other' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
    const open = (await h.request('GET', '/api/follow-ups', { cookie: cookies.worker })).json();
    expect(open.some((f: { id: string }) => f.id === row!.id)).toBe(false);
    const closedList = (await h.request('GET', '/api/follow-ups?status=closed', { cookie: cookies.worker })).json();
    expect(closedList.map((f: { id: string }) => f.id)).toContain(row!.id);
  });
});

describe('two no-shows in a row without contact in between alert the coordinators', () => {
  it('two in a row: an alert row, and a live event to the coordinator', async () => {
    const coordinator = await listenToEvents(h.baseUrl, cookies.coordinator, sockets);
    const citizenId = await newCitizen();
    await noShow(citizenId, 48);
    expect(await alerts(citizenId)).toEqual([]);
    await noShow(citizenId, 24);
    const rows = await followUps(citizenId);
    expect(await alerts(citizenId)).toEqual([{ follow_up_id: rows[1]!.id }]);
    for (let i = 0; i < 100 && !coordinator.heard.includes('followUpsChanged'); i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(coordinator.heard).toContain('followUpsChanged');

    const list = await h.request('GET', '/api/follow-up-alerts', { cookie: cookies.coordinator });
    expect(list.json().filter((a: { citizenId: string }) => a.citizenId === citizenId)).toEqual([
      { id: expect.any(String), followUpId: rows[1]!.id, citizenId, citizenName: expect.stringMatching(/^Ida /), workerName: 'Bo Bostøtte', createdAt: expect.any(String) },
    ]);
    const alertId = list.json().find((a: { citizenId: string }) => a.citizenId === citizenId).id;
    expect((await h.request('POST', `/api/follow-up-alerts/${alertId}/seen`, { cookie: cookies.coordinator })).statusCode).toBe(204);
    expect((await h.request('GET', '/api/follow-up-alerts', { cookie: cookies.coordinator })).json().some((a: { id: string }) => a.id === alertId)).toBe(false);
  });

  it('a session held in between is contact: no alert', async () => {
    const citizenId = await newCitizen();
    await noShow(citizenId, 72);
    const held = await pastAppointment(citizenId, 48);
    expect((await setStatus(held, 'held')).statusCode).toBe(200);
    await noShow(citizenId, 24);
    expect(await followUps(citizenId)).toHaveLength(2);
    expect(await alerts(citizenId)).toEqual([]);
  });

  it('a follow-up closed as reached is contact; one closed as not reached is not', async () => {
    const reached = await newCitizen();
    await noShow(reached, 72);
    const [first] = await followUps(reached);
    await h.request('POST', `/api/follow-ups/${first!.id}/close`, { cookie: cookies.worker, body: { result: 'reached' } });
    await noShow(reached, 24);
    expect(await alerts(reached)).toEqual([]);

    const notReached = await newCitizen();
    await noShow(notReached, 72);
    const [missed] = await followUps(notReached);
    await h.request('POST', `/api/follow-ups/${missed!.id}/close`, { cookie: cookies.worker, body: { result: 'not_reached', note: 'Telefonen er slukket.' } });
    await noShow(notReached, 24);
    expect(await alerts(notReached)).toHaveLength(1);
  });

  it('only two in a row: a no-show after contact starts counting again', async () => {
    const citizenId = await newCitizen();
    await noShow(citizenId, 96);
    const held = await pastAppointment(citizenId, 72);
    await setStatus(held, 'held');
    await noShow(citizenId, 48);
    expect(await alerts(citizenId)).toEqual([]);
    await noShow(citizenId, 24);
    expect(await alerts(citizenId)).toHaveLength(1);
  });
});

describe('who sees follow-ups', () => {
  it('a worker without the citizen in their caseload sees none and cannot act; volunteers never; coordinators do', async () => {
    const citizenId = await newCitizen();
    await noShow(citizenId, 5);
    const [row] = await followUps(citizenId);
    const tag = randomBytes(3).toString('hex');
    await upsertUser(h.admin, { organisationId: org.id, role: 'worker', displayName: 'Anne Anden', email: `anne-${tag}@test.dk`, password: PASSWORD });
    const other = await h.login(`anne-${tag}@test.dk`);
    expect((await h.request('GET', '/api/follow-ups', { cookie: other })).json()).toEqual([]);
    const act = await h.request('POST', `/api/follow-ups/${row!.id}/close`, { cookie: other, body: { result: 'reached' } });
    expect(act.statusCode).toBe(404);
    expect(act.json().error.code).toBe('not_found');
    expect((await h.request('GET', '/api/follow-ups', { cookie: cookies.volunteer })).statusCode).toBe(403);
    expect((await h.request('GET', '/api/follow-up-alerts', { cookie: cookies.worker })).statusCode).toBe(403);
    const all = (await h.request('GET', '/api/follow-ups', { cookie: cookies.coordinator })).json();
    expect(all.map((f: { id: string }) => f.id)).toContain(row!.id);

    // The database's own rule, as the application's login: per role and person, beyond the organisation.
    const seen = (role: string, userId: string) => h.sql.begin(async (tx) => {
      await tx`select set_config('app.org_id', ${org.id}, true), set_config('app.user_role', ${role}, true), set_config('app.user_id', ${userId}, true)`;
      return (await tx<{ n: number }[]>`select count(*)::int as n from follow_ups where id = ${row!.id}`)[0]!.n;
    });
    expect(await seen('worker', org.workerId)).toBe(1);
    expect(await seen('coordinator', org.coordinatorId)).toBe(1);
    expect(await seen('volunteer', org.volunteerId)).toBe(0);
    const [anne] = await h.admin<{ id: string }[]>`select id from users where email = ${`anne-${tag}@test.dk`}`;
    expect(await seen('worker', anne!.id)).toBe(0);
    // and no grant at all to the volunteers' database role, where it exists (migration 019)
    const grants = await h.admin`
      select count(*)::int as n from information_schema.role_table_grants
      where grantee = 'naervaer_volunteer' and table_name in ('follow_ups', 'follow_up_actions', 'follow_up_alerts', 'attendance_replies')`;
    expect(grants).toEqual([{ n: 0 }]);
  });

  it('goes when retention anonymises the citizen', async () => {
    const citizenId = await newCitizen();
    await noShow(citizenId, 30);
    await noShow(citizenId, 6);
    expect(await followUps(citizenId)).toHaveLength(2);
    await h.admin`update users set anonymised_at = now(), active = false where id = ${citizenId}`;
    expect(await followUps(citizenId)).toEqual([]);
    expect(await alerts(citizenId)).toEqual([]);
  });
});
