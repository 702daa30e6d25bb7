/**
 * Where calls run when several hosts share the database (issue 14): the rules of migration 021's functions, through
 * the hosts store as the hosts call them (the application's login). The processes themselves, with browsers, are in
 * tests/e2e/hosts.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { releaseSessionsOfHost } from '../server/calls/store.js';
import { hostStore } from '../server/hosts/store.js';
import { upsertUser } from '../server/people/store.js';
import { useHarness } from './support/use-harness.js';

const { h, org, cookies } = useHarness({ signIn: ['worker'] });
const hosts = () => hostStore(h.sql);
const load = (workers = 1) => ({ workers, consumers: 0, cpu: 0 });

/** A session of a new citizen of the worker's, opened over HTTP; returns its id. */
async function openSession(): Promise<string> {
  const citizenId = await upsertUser(h.admin, { organisationId: org.id, role: 'citizen', displayName: 'Carl Borger' });
  await h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${org.workerId}, ${citizenId})`;
  const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId } });
  expect(started.statusCode).toBe(201);
  return started.json().id;
}

/** An open connection segment of the session's worker, as a host writes it when they connect. */
async function connected(callId: string, mediaHost: string): Promise<void> {
  await h.admin`insert into call_segments (organisation_id, participant_id, media_host)
    select organisation_id, id, ${mediaHost} from call_participants where session_id = ${callId} and user_id = ${org.workerId}`;
}

/** A host that renews its lease, and a new session placed on it with its worker connected there; returns the session. */
async function connectedOn(host: string): Promise<string> {
  await hosts().renew(host, 30, load(64));
  const callId = await openSession();
  expect(await hosts().place(callId)).toBe(host);
  await connected(callId, host);
  return callId;
}

const segmentsOf = (callId: string) => h.admin<{ media_host: string; leave_reason: string | null }[]>`
  select g.media_host, g.leave_reason from call_segments g join call_participants p on p.id = g.participant_id
  where p.session_id = ${callId} order by g.id`;

describe('placing calls on hosts', () => {
  it('with no live host there is nowhere to place a call', async () => {
    expect(await hosts().place(await openSession())).toBeNull();
  });

  it('spreads calls by open calls per media worker, and a call stays on its host', async () => {
    await hosts().renew('one', 30, load(1));
    await hosts().renew('two', 30, load(2));
    const placed: Record<string, number> = {};
    const calls: string[] = [];
    for (let i = 0; i < 6; i++) {
      const callId = await openSession();
      calls.push(callId);
      const host = (await hosts().place(callId))!;
      placed[host] = (placed[host] ?? 0) + 1;
    }
    // two media workers take twice the calls of one
    expect(placed).toEqual({ one: 2, two: 4 });
    for (const callId of calls) {
      const [row] = await h.admin<{ media_host: string }[]>`select media_host from call_sessions where id = ${callId}`;
      expect(await hosts().place(callId)).toBe(row!.media_host);
    }
    // ended calls no longer count: with three of host two's ended it is the emptier one per worker again
    const onTwo = await h.admin<{ id: string }[]>`select id from call_sessions where media_host = 'two' and status = 'open' limit 3`;
    for (const { id } of onTwo) expect((await h.request('POST', `/api/calls/${id}/end`, { cookie: cookies.worker })).statusCode).toBe(204);
    expect(await hosts().place(await openSession())).toBe('two');
    // an ended session is not placed at all
    expect(await hosts().place(onTwo[0]!.id)).toBeNull();
  });

  it('a drained host gets no new calls, and after its deadline its calls move, their segments ending "moved"', async () => {
    const callId = await connectedOn('three');

    expect(await hosts().drain('three', 60)).toBe(true);
    expect(await hosts().drain('nobody', 60)).toBe(false);
    expect(await hosts().place(await openSession())).not.toBe('three');
    // before the deadline the call stays where it is
    expect(await hosts().place(callId)).toBe('three');

    await hosts().drain('three', 0);
    const moved = await hosts().place(callId);
    expect(moved).not.toBe('three');
    expect(await segmentsOf(callId)).toEqual([{ media_host: 'three', leave_reason: 'moved' }]);
    // a restart ends the drain (cluster.ts gives up the lease and takes it again)
    await hosts().leave('three');
    await hosts().renew('three', 30, load(8));
    expect(await h.admin`select drain_deadline from media_hosts where host_id = 'three'`).toEqual([{ drain_deadline: null }]);
  });

  it('a host whose lease ran out loses its calls to a live host, and its open segments end "host_lost"', async () => {
    const callId = await connectedOn('four');
    await h.admin`update media_hosts set lease_until = now() - interval '1 second' where host_id = 'four'`;

    const now = await hosts().place(callId);
    expect(now).not.toBe('four');
    expect(now).not.toBeNull();
    expect(await segmentsOf(callId)).toEqual([{ media_host: 'four', leave_reason: 'host_lost' }]);
    const [session] = await h.admin`select status from call_sessions where id = ${callId}`;
    expect(session).toEqual({ status: 'open' });
  });

  it('sessions of a host gone longer than the grace period end "host_lost"', async () => {
    const lost = await connectedOn('five');
    await h.admin`update media_hosts set lease_until = now() - interval '2 minutes' where host_id = 'five'`;
    expect(await hosts().endSessionsOfLostHosts(60)).toBe(1);
    expect(await h.admin`select status, end_reason from call_sessions where id = ${lost}`).toEqual([{ status: 'ended', end_reason: 'host_lost' }]);
    expect(await segmentsOf(lost)).toEqual([{ media_host: 'five', leave_reason: 'host_lost' }]);
  });

  it('a host that starts again lets go of its sessions, to be placed again; one nobody comes back to ends after the grace', async () => {
    await hosts().renew('six', 30, load(64));
    const mine = await openSession();
    await h.admin`update call_sessions set media_host = 'six' where id = ${mine}`;
    await connected(mine, 'six');
    const theirs = await openSession();
    await h.admin`update call_sessions set media_host = 'seven' where id = ${theirs}`;
    await hosts().renew('seven', 30, load(64));

    expect(await releaseSessionsOfHost(h.admin, 'six')).toEqual({ sessions: 1 });
    expect(await h.admin`select status, media_host from call_sessions where id = ${mine}`).toEqual([{ status: 'open', media_host: null }]);
    expect(await segmentsOf(mine)).toEqual([{ media_host: 'six', leave_reason: 'server_restart' }]);
    expect(await h.admin`select media_host from call_sessions where id = ${theirs}`).toEqual([{ media_host: 'seven' }]);

    // Within the grace period it waits to be rejoined; nobody came: it ends.
    expect(await hosts().endSessionsOfLostHosts(60)).toBe(0);
    await h.admin`update call_segments set left_at = now() - interval '2 minutes', joined_at = now() - interval '3 minutes'
      where participant_id in (select id from call_participants where session_id = ${mine})`;
    expect(await hosts().endSessionsOfLostHosts(60)).toBe(1);
    expect(await h.admin`select status, end_reason from call_sessions where id = ${mine}`).toEqual([{ status: 'ended', end_reason: 'host_lost' }]);
    expect(await h.admin`select status from call_sessions where id = ${theirs}`).toEqual([{ status: 'open' }]);
  });
});
