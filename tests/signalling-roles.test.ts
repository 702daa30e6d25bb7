import type { Socket } from 'socket.io-client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PeerInfo } from '../protocol/signalling.js';
import { callRoles } from '../server/calls/call-roles.js';
import { citizenCookie, nextEvent, openSignal, roomToken, send, startCall } from './support/calls.js';
import { useSignallingHarness } from './support/signalling-fixture.js';
import { type Harness } from './support/harness.js';

/** Issue 7, item 14: a volunteer in a call does not see who waits and cannot let anyone in, unless they host it. */

const fixture = useSignallingHarness();
const sockets = fixture.sockets;
let h: Harness;
beforeAll(() => {
  h = fixture.h;
});

/** Every 'waiting' push a socket gets, from the moment it is opened. */
function waitingPushes(socket: Socket): PeerInfo[][] {
  const seen: PeerInfo[][] = [];
  socket.on('waiting', (list: PeerInfo[]) => seen.push(list));
  return seen;
}

describe('who may see the waiting room and admit', () => {
  it('a volunteer brought into a worker’s call neither sees the waiting citizen nor can admit them; the worker can', async () => {
    const org = await h.seedOrganisation();
    const workerCookie = await h.login(org.workerEmail);
    const callId = await startCall(h, org, workerCookie);
    expect((await h.request('POST', `/api/calls/${callId}/participants`, { cookie: workerCookie, body: { userId: org.volunteerId } })).statusCode).toBe(204);

    const worker = await openSignal(h.baseUrl, await roomToken(h, workerCookie, callId), sockets);
    const workerSaw = waitingPushes(worker);
    expect(await send(worker, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'in_call' } });
    const volunteer = await openSignal(h.baseUrl, await roomToken(h, await h.login(org.volunteerEmail), callId), sockets);
    const volunteerSaw = waitingPushes(volunteer);
    expect(await send(volunteer, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'in_call' } });

    const citizenWaits = nextEvent<PeerInfo[]>(worker, 'waiting');
    const citizen = await openSignal(h.baseUrl, await roomToken(h, await citizenCookie(h, org, workerCookie), callId), sockets);
    const waited = await send<{ state: string; peerId: string }>(citizen, 'join', { audioOnly: false });
    expect(waited).toMatchObject({ ok: true, data: { state: 'waiting' } });
    const citizenPeerId = waited.ok ? waited.data.peerId : '';
    expect(await citizenWaits).toEqual([{ peerId: citizenPeerId, displayName: 'Carl Borger', role: 'citizen' }]);

    // Pushes to one socket arrive in order: once the volunteer's next reply is here, any list sent to it would be too.
    expect(await send(volunteer, 'quality', { rttMs: 30 })).toEqual({ ok: true, data: {} });
    expect(volunteerSaw).toEqual([]);
    expect(workerSaw.at(-1)).toEqual([{ peerId: citizenPeerId, displayName: 'Carl Borger', role: 'citizen' }]);

    expect(await send(volunteer, 'admit', { peerId: citizenPeerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await send(volunteer, 'end', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const [row] = await h.admin`select admitted_at from call_participants where id = ${citizenPeerId}`;
    expect(row).toEqual({ admitted_at: null });

    const admitted = nextEvent(citizen, 'admitted');
    expect(await send(worker, 'admit', { peerId: citizenPeerId })).toEqual({ ok: true, data: {} });
    await admitted;
    expect(await send(volunteer, 'quality', { rttMs: 30 })).toEqual({ ok: true, data: {} });
    expect(volunteerSaw).toEqual([]);
  });

  it('a volunteer who hosts the session (its owner) sees who waits and admits', async () => {
    const org = await h.seedOrganisation();
    // Volunteers cannot start sessions over HTTP today; the roles module must still let a host run their own.
    const [session] = await h.admin<{ id: string }[]>`
      insert into call_sessions (organisation_id, worker_id, citizen_id, kind) values (${org.id}, ${org.volunteerId}, ${org.citizenId}, 'ad_hoc') returning id`;
    await h.admin`
      insert into call_participants (organisation_id, session_id, user_id, role)
      values (${org.id}, ${session!.id}, ${org.volunteerId}, 'volunteer'), (${org.id}, ${session!.id}, ${org.citizenId}, 'citizen')`;
    const host = await openSignal(h.baseUrl, await roomToken(h, await h.login(org.volunteerEmail), session!.id), sockets);
    expect(await send(host, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'in_call' } });

    const citizenWaits = nextEvent<PeerInfo[]>(host, 'waiting');
    const workerCookie = await h.login(org.workerEmail);
    const citizen = await openSignal(h.baseUrl, await roomToken(h, await citizenCookie(h, org, workerCookie), session!.id), sockets);
    const waited = await send<{ peerId: string }>(citizen, 'join', { audioOnly: false });
    const peerId = waited.ok ? waited.data.peerId : '';
    expect(await citizenWaits).toEqual([{ peerId, displayName: 'Carl Borger', role: 'citizen' }]);
    const admitted = nextEvent(citizen, 'admitted');
    expect(await send(host, 'admit', { peerId })).toEqual({ ok: true, data: {} });
    await admitted;
  });

  it('the rules, in one place', () => {
    const call = { ownerId: 'owner' };
    const as = (role: 'citizen' | 'worker' | 'volunteer' | 'coordinator', userId = 'someone') => ({ role, userId });
    expect(callRoles.mayAdmit(as('volunteer'), call)).toBe(false);
    expect(callRoles.seesWaiting(as('volunteer'), call)).toBe(false);
    expect(callRoles.mayAdmit(as('volunteer', 'owner'), call)).toBe(true);
    expect(callRoles.mayAdmit(as('worker'), call)).toBe(true);
    expect(callRoles.mayAdmit(as('citizen'), call)).toBe(false);
    expect(callRoles.mayEnd(as('worker'), call)).toBe(false);
    expect(callRoles.mayEnd(as('worker', 'owner'), call)).toBe(true);
    expect(callRoles.mayEnd(as('coordinator'), call)).toBe(true);
    expect(callRoles.mayManageParticipants(as('volunteer'), call)).toBe(false);
    expect(callRoles.waitsToBeAdmitted(as('citizen'), call)).toBe(true);
    expect(callRoles.waitsToBeAdmitted(as('volunteer'), call)).toBe(false);
  });
});
