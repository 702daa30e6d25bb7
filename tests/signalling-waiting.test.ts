import { beforeAll, describe, expect, it } from 'vitest';
import type { JoinResult, WaitingMessage } from '../protocol/signalling.js';
import { bookVideoAppointment, citizenCookie, nextEvent, openSignal, roomToken, send, startCall } from './support/calls.js';
import { type Harness } from './support/harness.js';
import { useSignallingHarness } from './support/signalling-fixture.js';

/**
 * Issue 9, the waiting room: the citizen is told whose session it is and when it was booked for, and the staff who may
 * let them in can send them a short line ("Jeg kommer om 2 minutter") — nobody else, only to someone waiting, a few
 * at a time.
 */

const fixture = useSignallingHarness();
const sockets = fixture.sockets;
let h: Harness;
beforeAll(() => {
  h = fixture.h;
});

/** A session with the worker in the call and the citizen in the waiting room; the two sockets and the join replies. */
async function citizenWaiting(options: { appointment?: boolean } = {}) {
  const org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const appointmentId = options.appointment ? await bookVideoAppointment(h, workerCookie, org.citizenId) : undefined;
  const callId = await startCall(h, org, workerCookie, org.citizenId, appointmentId);
  const worker = await openSignal(h.baseUrl, await roomToken(h, workerCookie, callId), sockets);
  const workerJoined = await send<JoinResult>(worker, 'join', { audioOnly: false });
  const citizenToken = await roomToken(h, await citizenCookie(h, org, workerCookie), callId);
  const citizen = await openSignal(h.baseUrl, citizenToken, sockets);
  const citizenJoined = await send<JoinResult>(citizen, 'join', { audioOnly: false });
  if (!workerJoined.ok || !citizenJoined.ok || citizenJoined.data.state !== 'waiting') throw new Error(`join: ${JSON.stringify({ workerJoined, citizenJoined })}`);
  return { org, workerCookie, callId, worker, citizen, workerJoined: workerJoined.data, citizenJoined: citizenJoined.data, appointmentId };
}

/** Every waitingMessage push a socket gets from now on. */
function collect(socket: Parameters<typeof nextEvent>[0]): WaitingMessage[] {
  const seen: WaitingMessage[] = [];
  socket.on('waitingMessage', (m: WaitingMessage) => seen.push(m));
  return seen;
}

describe('what the waiting room is told', () => {
  it('an ad hoc session: the worker’s name, no time; only the worker hosts', async () => {
    const { workerJoined, citizenJoined } = await citizenWaiting();
    expect(citizenJoined.session).toEqual({ hostName: 'Bo Bostøtte', appointmentStartsAt: null, youHost: false });
    expect(workerJoined).toMatchObject({ state: 'in_call', session: { hostName: 'Bo Bostøtte', appointmentStartsAt: null, youHost: true } });
  });

  it('a booked session: the appointment’s start as an instant', async () => {
    const { citizenJoined } = await citizenWaiting({ appointment: true });
    const nextYear = new Date().getUTCFullYear() + 1;
    // 10:00 in Copenhagen in January is 09:00 UTC
    expect(citizenJoined.session).toEqual({ hostName: 'Bo Bostøtte', appointmentStartsAt: `${nextYear}-01-12T09:00:00.000Z`, youHost: false });
  });
});

describe('a line to the waiting citizen', () => {
  it('the worker’s line reaches the waiting citizen, with the worker’s name: a usual one by name (for the citizen’s language), or written', async () => {
    const { worker, citizen, citizenJoined } = await citizenWaiting();
    let arrives = nextEvent<WaitingMessage>(citizen, 'waitingMessage');
    expect(await send(worker, 'waitingMessage', { peerId: citizenJoined.peerId, quick: 'in2' })).toEqual({ ok: true, data: {} });
    expect(await arrives).toEqual({ displayName: 'Bo Bostøtte', quick: 'in2', at: expect.any(String) });
    arrives = nextEvent<WaitingMessage>(citizen, 'waitingMessage');
    expect(await send(worker, 'waitingMessage', { peerId: citizenJoined.peerId, text: 'Jeg skal lige finde en oplader' })).toEqual({ ok: true, data: {} });
    expect(await arrives).toEqual({ displayName: 'Bo Bostøtte', text: 'Jeg skal lige finde en oplader', at: expect.any(String) });
  });

  it('nobody but staff who may let the citizen in can send one: not the citizen, not a volunteer in the call', async () => {
    const { org, workerCookie, callId, citizen, citizenJoined } = await citizenWaiting();
    const received = collect(citizen);
    expect(await send(citizen, 'waitingMessage', { peerId: citizenJoined.peerId, text: 'Hallo?' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    expect((await h.request('POST', `/api/calls/${callId}/participants`, { cookie: workerCookie, body: { userId: org.volunteerId } })).statusCode).toBe(204);
    const volunteer = await openSignal(h.baseUrl, await roomToken(h, await h.login(org.volunteerEmail), callId), sockets);
    expect(await send(volunteer, 'join', { audioOnly: false })).toMatchObject({ ok: true, data: { state: 'in_call', session: { youHost: false } } });
    expect(await send(volunteer, 'waitingMessage', { peerId: citizenJoined.peerId, text: 'Jeg kommer om 2 minutter' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Pushes to one socket arrive in order: once the citizen's next reply is here, a line sent to it would be too.
    expect(await send(citizen, 'quality', { rttMs: 20 })).toEqual({ ok: true, data: {} });
    expect(received).toEqual([]);
  });

  it('only to someone who is waiting: not to a citizen already let in, not to an unknown id', async () => {
    const { worker, citizen, citizenJoined } = await citizenWaiting();
    expect(await send(worker, 'waitingMessage', { peerId: 'nobody', text: 'Hej' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const admitted = nextEvent(citizen, 'admitted');
    expect(await send(worker, 'admit', { peerId: citizenJoined.peerId })).toEqual({ ok: true, data: {} });
    await admitted;
    expect(await send(worker, 'waitingMessage', { peerId: citizenJoined.peerId, text: 'Hej' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses blank, control characters and over 200 characters; a few lines at a time, then rate_limited', async () => {
    const { worker, citizen, citizenJoined } = await citizenWaiting();
    const received = collect(citizen);
    const peerId = citizenJoined.peerId;
    for (const text of ['', '   ', 'Jeg\u0000kommer', 'Jeg\nkommer', 'x'.repeat(201)]) {
      expect(await send(worker, 'waitingMessage', { peerId, text }), JSON.stringify(text)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    for (const line of [{ text: 'Hej', extra: 1 }, { quick: 'in10' }, { quick: 'in2', text: 'Hej' }, {}]) {
      expect(await send(worker, 'waitingMessage', { peerId, ...line }), JSON.stringify(line)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    // The refused ones cost nothing of the allowance: three lines go, the fourth straight after does not.
    for (const line of [{ quick: 'in5' }, { quick: 'in2' }, { text: 'x'.repeat(200) }]) {
      expect(await send(worker, 'waitingMessage', { peerId, ...line })).toEqual({ ok: true, data: {} });
    }
    expect(await send(worker, 'waitingMessage', { peerId, text: 'Nu!' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // other messages are not held back by it
    expect(await send(worker, 'quality', { rttMs: 20 })).toEqual({ ok: true, data: {} });
    expect(await send(citizen, 'quality', { rttMs: 20 })).toEqual({ ok: true, data: {} });
    expect(received.map((m) => ('quick' in m ? m.quick : m.text))).toEqual(['in5', 'in2', 'x'.repeat(200)]);
  });
});
