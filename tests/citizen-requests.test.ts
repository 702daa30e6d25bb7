import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../server/auth/auth.js';
import { citizenCookie } from './support/calls.js';
import { useHarness } from './support/use-harness.js';

// "Jeg kan ikke komme" / "Hellere telefon" with an undo: the citizen asks, may take it back ("Fortryd") before the
// worker decides, and cannot ask for a change once the appointment has begun or its session was opened.
const { h, org, cookies } = useHarness({ signIn: ['worker'] });
let citizen: string;
beforeAll(async () => {
  citizen = await citizenCookie(h, org, cookies.worker);
});

const nextYear = new Date().getUTCFullYear() + 1;
async function book(start: string, modality = 'video'): Promise<{ id: string }> {
  const booked = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId: org.citizenId, modality, start } });
  expect(booked.statusCode).toBe(201);
  return booked.json()[0];
}
const workerSees = async (id: string, day: string) =>
  (await h.request('GET', `/api/appointments?from=${day}&days=1`, { cookie: cookies.worker })).json().find((a: { id: string }) => a.id === id);
const mine = async (id: string) => (await h.request('GET', '/api/my/appointments', { cookie: citizen })).json().find((a: { id: string }) => a.id === id);
const requestRows = (id: string) => h.admin<{ kind: string; status: string; decided_by: string | null }[]>`
  select kind, status, decided_by from change_requests where appointment_id = ${id} order by created_at`;

describe('the citizen\'s request and its undo', () => {
  it('asks to cancel, takes it back: the worker no longer sees it, the row says withdrawn, and the citizen may ask again', async () => {
    const a = await book(`${nextYear}-05-04T12:45`);
    expect(await mine(a.id)).toMatchObject({ canChange: true, pendingRequest: null });
    const asked = await h.request('POST', `/api/my/appointments/${a.id}/requests`, { cookie: citizen, body: { kind: 'cancel' } });
    expect(asked.statusCode).toBe(201);
    expect((await workerSees(a.id, `${nextYear}-05-04`)).openRequest).toMatchObject({ kind: 'cancel' });
    expect(await mine(a.id)).toMatchObject({ pendingRequest: 'cancel' });

    const undone = await h.request('DELETE', `/api/my/appointments/${a.id}/requests/open`, { cookie: citizen });
    expect(undone.statusCode).toBe(204);
    expect((await workerSees(a.id, `${nextYear}-05-04`)).openRequest).toBeNull();
    expect(await mine(a.id)).toMatchObject({ pendingRequest: null, canChange: true });
    expect(await requestRows(a.id)).toEqual([{ kind: 'cancel', status: 'withdrawn', decided_by: org.citizenId }]);
    // The appointment itself was never touched.
    expect((await workerSees(a.id, `${nextYear}-05-04`)).status).toBe('booked');

    // Nothing open any more: a second undo is a 404 and changes nothing.
    const again = await h.request('DELETE', `/api/my/appointments/${a.id}/requests/open`, { cookie: citizen });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });

    const phone = await h.request('POST', `/api/my/appointments/${a.id}/requests`, { cookie: citizen, body: { kind: 'modality', modality: 'phone' } });
    expect(phone.statusCode).toBe(201);
    expect((await workerSees(a.id, `${nextYear}-05-04`)).openRequest).toMatchObject({ kind: 'modality', requestedModality: 'phone' });
  });

  it('a decided request cannot be taken back; another citizen\'s appointment is not found', async () => {
    const a = await book(`${nextYear}-05-05T09:00`);
    await h.request('POST', `/api/my/appointments/${a.id}/requests`, { cookie: citizen, body: { kind: 'modality', modality: 'home_visit' } });
    const request = (await workerSees(a.id, `${nextYear}-05-05`)).openRequest;
    expect((await h.request('POST', `/api/change-requests/${request.id}/decide`, { cookie: cookies.worker, body: { accept: false } })).statusCode).toBe(200);
    expect((await h.request('DELETE', `/api/my/appointments/${a.id}/requests/open`, { cookie: citizen })).statusCode).toBe(404);
    expect(await requestRows(a.id)).toEqual([{ kind: 'modality', status: 'declined', decided_by: org.workerId }]);

    // Dorte (not Carl) cannot withdraw Carl's request, and does not learn it exists.
    const b = await book(`${nextYear}-05-06T09:00`);
    await h.request('POST', `/api/my/appointments/${b.id}/requests`, { cookie: citizen, body: { kind: 'cancel' } });
    await h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${org.workerId}, ${org.otherCitizenId})`;
    const link = await h.request('POST', `/api/citizens/${org.otherCitizenId}/links`, { cookie: cookies.worker });
    const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(link.json().url).hash.slice(1) } });
    const dorte = `${SESSION_COOKIE}=${exchanged.cookies.find((c) => c.name === SESSION_COOKIE)!.value}`;
    expect((await h.request('DELETE', `/api/my/appointments/${b.id}/requests/open`, { cookie: dorte })).statusCode).toBe(404);
    expect(await requestRows(b.id)).toEqual([{ kind: 'cancel', status: 'open', decided_by: null }]);
  });

  it('once the appointment has begun, or its video session was opened, the citizen can no longer ask for a change', async () => {
    const started = await book(`${nextYear}-05-07T10:00`);
    // Moved so it began five minutes ago (and ends in 25): it is still on the citizen's list, but over for changes.
    await h.admin`update appointments set starts_at = now() - interval '5 minutes', ends_at = now() + interval '25 minutes' where id = ${started.id}`;
    expect(await mine(started.id)).toMatchObject({ canChange: false });
    const late = await h.request('POST', `/api/my/appointments/${started.id}/requests`, { cookie: citizen, body: { kind: 'cancel' } });
    expect(late.statusCode).toBe(409);
    expect(await requestRows(started.id)).toEqual([]);

    const withSession = await book(`${nextYear}-05-08T10:00`);
    expect(await mine(withSession.id)).toMatchObject({ canChange: true });
    const call = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId, appointmentId: withSession.id } });
    expect(call.statusCode).toBe(201);
    expect((await h.request('POST', `/api/calls/${call.json().id}/end`, { cookie: cookies.worker })).statusCode).toBeLessThan(300);
    expect(await mine(withSession.id)).toMatchObject({ canChange: false });
    expect((await h.request('POST', `/api/my/appointments/${withSession.id}/requests`, { cookie: citizen, body: { kind: 'modality', modality: 'phone' } })).statusCode).toBe(409);
  });
});
