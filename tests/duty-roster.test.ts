/**
 * The duty roster: shifts the coordinator plans per team and worker, refused by the database when one person's
 * shifts overlap; coverage (a night team answering for other units); working hours; the organisation's settings; and
 * routing at given instants across midnight and the DST changes of Europe/Copenhagen (2026-10-25, 2027-03-28).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type Org } from './support/harness.js';
import { useHarness } from './support/use-harness.js';
import { seedDemo } from '../server/demo/seed.js';
import { upsertUser } from '../server/people/store.js';
import { fromLocal, toLocal } from '../server/time.js';

const { h, org, cookies } = useHarness({ signIn: ['coordinator', 'worker'] });

let dayTeam: string;
let nightTeam: string;
let otherOrg: Org;

async function team(organisationId: string, name: string): Promise<string> {
  const [row] = await h.admin<{ id: string }[]>`insert into teams (organisation_id, name) values (${organisationId}, ${name}) returning id`;
  return row!.id;
}
async function nightWorker(name: string): Promise<string> {
  const id = await upsertUser(h.admin, { organisationId: org.id, role: 'worker', displayName: name, email: `${name.toLowerCase().replace(/\W/g, '')}@test.naervaer.dk`, password: PASSWORD });
  await h.admin`update users set team_id = ${nightTeam} where id = ${id}`;
  return id;
}
const plan = (body: Record<string, unknown>) => h.request('POST', '/api/duty/shifts', { cookie: cookies.coordinator, body });
const routeAt = (iso: string) => h.app.duty.whoAnswers(org.id, org.citizenId, new Date(iso));

beforeAll(async () => {
  dayTeam = await team(org.id, 'Bostøtte Syd');
  nightTeam = await team(org.id, 'Nattevagt Syd');
  await h.admin`update users set team_id = ${dayTeam} where id = ${org.workerId}`;
  otherOrg = await h.seedOrganisation('Andenkommune');
});

describe('the database refuses overlapping shifts of one person', () => {
  it('refuses a second shift of the same worker that overlaps, and takes one that only touches it', async () => {
    const insert = (worker: string, role: string, start: string, end: string) => h.admin`
      insert into duty_shifts (organisation_id, team_id, worker_id, worker_role, starts_at, ends_at)
      values (${org.id}, ${nightTeam}, ${worker}, ${role}, ${start}, ${end})`;
    await insert(org.workerId, 'worker', '2026-12-01T16:00:00+01:00', '2026-12-01T23:00:00+01:00');
    await expect(insert(org.workerId, 'worker', '2026-12-01T22:00:00+01:00', '2026-12-02T07:00:00+01:00')).rejects.toMatchObject({ code: '23P01', constraint_name: 'duty_shifts_no_overlap' });
    await insert(org.workerId, 'worker', '2026-12-01T23:00:00+01:00', '2026-12-02T07:00:00+01:00');
    // another person may be on at the same time
    await insert(org.coordinatorId, 'coordinator', '2026-12-01T22:00:00+01:00', '2026-12-02T07:00:00+01:00');
    const [n] = await h.admin<{ n: number }[]>`select count(*)::int as n from duty_shifts where starts_at >= '2026-12-01' and starts_at < '2026-12-03'`;
    expect(n!.n).toBe(3);
    await h.admin`delete from duty_shifts`;
  });
});

describe('planning the week (coordinator)', () => {
  it('creates shifts in local time, refuses an overlap with 409 naming the other shift, lists the week and deletes', async () => {
    const lise = await nightWorker('Lise Nat');
    const evening = await plan({ teamId: nightTeam, workerId: lise, start: '2026-11-30T16:00', end: '2026-11-30T23:00' });
    expect(evening.statusCode).toBe(201);
    expect(evening.json()).toMatchObject({ teamName: 'Nattevagt Syd', workerName: 'Lise Nat', start: '2026-11-30T16:00', end: '2026-11-30T23:00', startsAt: '2026-11-30T15:00:00.000Z', dutyPhone: null });

    const clash = await plan({ teamId: nightTeam, workerId: lise, start: '2026-11-30T22:00', end: '2026-12-01T07:00' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error).toMatchObject({ code: 'overlap', overlapsWith: { start: '2026-11-30T16:00', end: '2026-11-30T23:00' } });

    // 23–07 across midnight only touches 16–23: taken, with its own duty phone
    const night = await plan({ teamId: nightTeam, workerId: lise, start: '2026-11-30T23:00', end: '2026-12-01T07:00', dutyPhone: '+4520000002' });
    expect(night.statusCode).toBe(201);
    expect(night.json()).toMatchObject({ end: '2026-12-01T07:00', dutyPhone: '+4520000002' });

    const week = await h.request('GET', '/api/duty/shifts?from=2026-11-30', { cookie: cookies.coordinator });
    expect(week.json().map((s: { start: string }) => s.start)).toEqual(['2026-11-30T16:00', '2026-11-30T23:00']);
    expect((await h.request('GET', '/api/duty/shifts?from=2026-12-07', { cookie: cookies.coordinator })).json()).toEqual([]);

    expect((await h.request('DELETE', `/api/duty/shifts/${evening.json().id}`, { cookie: cookies.coordinator })).statusCode).toBe(204);
    expect((await h.request('DELETE', `/api/duty/shifts/${evening.json().id}`, { cookie: cookies.coordinator })).statusCode).toBe(404);
    const [n] = await h.admin<{ n: number }[]>`select count(*)::int as n from duty_shifts where worker_id = ${lise}`;
    expect(n!.n).toBe(1);
    await h.admin`delete from duty_shifts`;
  });

  it('refuses what cannot be a shift, and people, teams or shifts of another organisation, changing nothing', async () => {
    const before = await h.admin<{ n: number }[]>`select count(*)::int as n from duty_shifts`;
    const cases: [Record<string, unknown>, number][] = [
      // the hour skipped when summer time begins
      [{ teamId: nightTeam, workerId: org.workerId, start: '2027-03-28T02:30', end: '2027-03-28T07:00' }, 400],
      [{ teamId: nightTeam, workerId: org.workerId, start: '2026-12-02T07:00', end: '2026-12-02T06:00' }, 400],
      [{ teamId: nightTeam, workerId: org.workerId, start: '2026-12-02T07:00', end: '2026-12-03T08:00' }, 400],
      [{ teamId: nightTeam, workerId: org.volunteerId, start: '2026-12-02T07:00', end: '2026-12-02T15:00' }, 404],
      [{ teamId: nightTeam, workerId: org.citizenId, start: '2026-12-02T07:00', end: '2026-12-02T15:00' }, 404],
      [{ teamId: nightTeam, workerId: otherOrg.workerId, start: '2026-12-02T07:00', end: '2026-12-02T15:00' }, 404],
      [{ teamId: await team(otherOrg.id, 'Fremmed hold'), workerId: org.workerId, start: '2026-12-02T07:00', end: '2026-12-02T15:00' }, 404],
    ];
    for (const [body, status] of cases) expect((await plan(body)).statusCode, JSON.stringify(body)).toBe(status);
    const after = await h.admin<{ n: number }[]>`select count(*)::int as n from duty_shifts`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('coverage: a night team covers other teams, never itself nor another organisation’s', async () => {
    const put = (teamId: string, body: unknown) => h.request('PUT', `/api/duty/teams/${teamId}`, { cookie: cookies.coordinator, body });
    expect((await put(nightTeam, { dutyPhone: '+4520000009', covers: [dayTeam] })).json()).toEqual({ teamId: nightTeam, teamName: 'Nattevagt Syd', dutyPhone: '+4520000009', covers: [dayTeam] });
    expect((await put(nightTeam, { dutyPhone: null, covers: [nightTeam] })).statusCode).toBe(400);
    const foreign = await team(otherOrg.id, 'Fremmed nat');
    expect((await put(nightTeam, { dutyPhone: null, covers: [foreign] })).statusCode).toBe(404);
    expect((await put(foreign, { dutyPhone: null, covers: [] })).statusCode).toBe(404);
    const teams = (await h.request('GET', '/api/duty/teams', { cookie: cookies.coordinator })).json();
    expect(teams.find((t: { teamId: string }) => t.teamId === nightTeam)).toEqual({ teamId: nightTeam, teamName: 'Nattevagt Syd', dutyPhone: '+4520000009', covers: [dayTeam] });
  });

  it('working hours: stored and read back; periods that end before they start or overlap are refused; only workers have them', async () => {
    const put = (workerId: string, periods: unknown) => h.request('PUT', `/api/duty/working-hours/${workerId}`, { cookie: cookies.coordinator, body: { periods } });
    const monFri = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '15:30' }));
    expect((await put(org.workerId, monFri)).statusCode).toBe(200);
    expect((await h.request('GET', `/api/duty/working-hours/${org.workerId}`, { cookie: cookies.coordinator })).json()).toEqual({ workerId: org.workerId, periods: monFri });
    expect((await put(org.workerId, [{ weekday: 1, start: '15:00', end: '08:00' }])).statusCode).toBe(400);
    expect((await put(org.workerId, [{ weekday: 1, start: '08:00', end: '12:00' }, { weekday: 1, start: '11:00', end: '15:00' }])).statusCode).toBe(400);
    expect((await put(org.volunteerId, monFri)).statusCode).toBe(404);
    expect((await put(otherOrg.workerId, monFri)).statusCode).toBe(404);
    // The refusals changed nothing.
    expect((await h.request('GET', `/api/duty/working-hours/${org.workerId}`, { cookie: cookies.coordinator })).json().periods).toEqual(monFri);
  });

  it('settings: the answer limit, the out-of-hours text and numbers, and escalation to coordinators', async () => {
    const patched = await h.request('PATCH', '/api/duty/settings', { cookie: cookies.coordinator, body: { requestAnswerMinutes: 15, escalateToCoordinators: true } });
    expect(patched.json()).toMatchObject({ requestAnswerMinutes: 15, escalateToCoordinators: true, emergencyNumbers: [{ label: 'Alarmcentralen', number: '112' }] });
    expect((await h.request('PATCH', '/api/duty/settings', { cookie: cookies.coordinator, body: { requestAnswerMinutes: 0 } })).statusCode).toBe(400);
    expect((await h.request('PATCH', '/api/duty/settings', { cookie: cookies.coordinator, body: { emergencyNumbers: [{ label: 'x', number: 'tel:112' }] } })).statusCode).toBe(400);
    const [row] = await h.admin<{ m: number }[]>`select request_answer_minutes as m from organisations where id = ${org.id}`;
    expect(row!.m).toBe(15);
    await h.request('PATCH', '/api/duty/settings', { cookie: cookies.coordinator, body: { requestAnswerMinutes: 10, escalateToCoordinators: false } });
  });

  it('a worker on a shift sees it on their duty screen; a volunteer may not ask', async () => {
    const now = new Date();
    await h.admin`
      insert into duty_shifts (organisation_id, team_id, worker_id, worker_role, starts_at, ends_at)
      values (${org.id}, ${dayTeam}, ${org.workerId}, 'worker', ${new Date(now.getTime() - 3600_000)}, ${new Date(now.getTime() + 3600_000)})`;
    const mine = (await h.request('GET', '/api/duty/me', { cookie: cookies.worker })).json();
    expect(mine.onDutyNow).toBe(true);
    expect(mine.current).toHaveLength(1);
    expect(mine.current[0]).toMatchObject({ teamName: 'Bostøtte Syd', workerName: 'Bo Bostøtte' });
    expect((await h.request('GET', '/api/duty/me', { cookie: await h.login(org.volunteerEmail) })).statusCode).toBe(403);
    await h.admin`delete from duty_shifts`;
  });
});

describe('routing follows the roster across midnight and DST', () => {
  beforeAll(async () => {
    await h.request('PUT', `/api/duty/teams/${nightTeam}`, { cookie: cookies.coordinator, body: { dutyPhone: null, covers: [dayTeam] } });
    await h.request('PUT', `/api/duty/working-hours/${org.workerId}`, { cookie: cookies.coordinator, body: { periods: [] } });
  });

  it('a night shift 23–07 across midnight answers from 23:00 until just before 07:00 local, not after', async () => {
    const mette = await nightWorker('Mette Nat');
    const shift = (await plan({ teamId: nightTeam, workerId: mette, start: '2026-12-09T23:00', end: '2026-12-10T07:00' })).json();
    expect(await routeAt('2026-12-09T21:59:00Z')).toEqual({ answerer: 'no_one' }); // 22:59 CET
    expect(await routeAt('2026-12-09T22:00:00Z')).toEqual({ answerer: 'duty', shiftIds: [shift.id] }); // 23:00
    expect(await routeAt('2026-12-10T05:59:00Z')).toEqual({ answerer: 'duty', shiftIds: [shift.id] }); // 06:59
    expect(await routeAt('2026-12-10T06:00:00Z')).toEqual({ answerer: 'no_one' }); // 07:00
  });

  it('autumn 2026-10-25: a 23–07 night lasts nine hours; 06:30 CET is on shift, 07:30 CET is not', async () => {
    const per = await nightWorker('Per Nat');
    const shift = (await plan({ teamId: nightTeam, workerId: per, start: '2026-10-24T23:00', end: '2026-10-25T07:00' })).json();
    expect(Date.parse(shift.endsAt) - Date.parse(shift.startsAt)).toBe(9 * 3600_000);
    expect(await routeAt('2026-10-25T05:30:00Z')).toEqual({ answerer: 'duty', shiftIds: [shift.id] }); // 06:30 CET (07:30 by summer time)
    expect(await routeAt('2026-10-25T06:30:00Z')).toEqual({ answerer: 'no_one' }); // 07:30 CET
    expect(await routeAt('2026-10-24T20:59:00Z')).toEqual({ answerer: 'no_one' }); // 22:59 CEST
  });

  it('spring 2027-03-28: a 23–07 night lasts seven hours; 06:30 CEST is on shift, 07:30 CEST is not', async () => {
    const siv = await nightWorker('Siv Nat');
    const shift = (await plan({ teamId: nightTeam, workerId: siv, start: '2027-03-27T23:00', end: '2027-03-28T07:00' })).json();
    expect(Date.parse(shift.endsAt) - Date.parse(shift.startsAt)).toBe(7 * 3600_000);
    expect(await routeAt('2027-03-28T04:30:00Z')).toEqual({ answerer: 'duty', shiftIds: [shift.id] }); // 06:30 CEST
    expect(await routeAt('2027-03-28T05:30:00Z')).toEqual({ answerer: 'no_one' }); // 07:30 CEST
  });

  it('working hours are local wall-clock: Sunday 08:00–15:30 starts at 07:00 UTC in winter time, 06:00 UTC in summer time', async () => {
    await h.request('PUT', `/api/duty/working-hours/${org.workerId}`, { cookie: cookies.coordinator, body: { periods: [{ weekday: 7, start: '08:00', end: '15:30' }] } });
    const bo = { answerer: 'own_worker', workerId: org.workerId, workerName: 'Bo Bostøtte' };
    // Sunday 2026-10-25, winter time from 03:00
    expect(await routeAt('2026-10-25T06:30:00Z')).toEqual({ answerer: 'no_one' }); // 07:30 CET
    expect(await routeAt('2026-10-25T07:00:00Z')).toEqual(bo); // 08:00 CET
    expect(await routeAt('2026-10-25T14:29:00Z')).toEqual(bo); // 15:29
    expect(await routeAt('2026-10-25T14:30:00Z')).toEqual({ answerer: 'no_one' }); // 15:30
    // Sunday 2027-03-28, summer time from 02:00
    expect(await routeAt('2027-03-28T06:00:00Z')).toEqual(bo); // 08:00 CEST
    expect(await routeAt('2027-03-28T05:59:00Z')).toEqual({ answerer: 'no_one' });
    // Monday: no hours
    expect(await routeAt('2026-10-26T09:00:00Z')).toEqual({ answerer: 'no_one' });
  });

  it('an inactive worker on shift answers no one; a shift of a team that does not cover the citizen does not count', async () => {
    const other = await team(org.id, 'Bostøtte Øst');
    const ib = await nightWorker('Ib Øst');
    await h.admin`update users set team_id = ${other} where id = ${ib}`;
    await plan({ teamId: other, workerId: ib, start: '2026-12-16T23:00', end: '2026-12-17T07:00' });
    expect(await routeAt('2026-12-17T01:00:00Z')).toEqual({ answerer: 'no_one' });
    const kim = await nightWorker('Kim Nat');
    await plan({ teamId: nightTeam, workerId: kim, start: '2026-12-16T23:00', end: '2026-12-17T07:00' });
    expect(await routeAt('2026-12-17T01:00:00Z')).toMatchObject({ answerer: 'duty' });
    await h.admin`update users set active = false where id = ${kim}`;
    expect(await routeAt('2026-12-17T01:00:00Z')).toEqual({ answerer: 'no_one' });
  });
});

describe('the demo organisation (npm run demo)', () => {
  it('Carl reaches Bo on a weekday morning, the evening or night shift after hours, and no one on a Saturday morning', async () => {
    const demo = await seedDemo(h.admin, h.sql, h.config);
    await seedDemo(h.admin, h.sql, h.config); // idempotent
    const carl = 'de300000-0000-4000-8000-000000000111';
    const who = async (local: string) => {
      const routed = await h.app.duty.whoAnswers(demo.organisationId, carl, fromLocal(local, 'Europe/Copenhagen')!);
      return routed.answerer === 'own_worker' ? routed.workerName : routed.answerer;
    };
    const today = toLocal(new Date(), 'Europe/Copenhagen').slice(0, 10);
    expect(await who('2026-12-01T10:00')).toBe('Bo Bostøtte'); // a Tuesday
    expect(await who(`${today}T20:00`)).toBe('duty');
    expect(await who(`${today}T23:30`)).toBe('duty');
    expect(await who('2026-12-05T10:00')).toBe('no_one'); // a Saturday
    const [shifts] = await h.admin<{ n: number }[]>`select count(*)::int as n from duty_shifts where organisation_id = ${demo.organisationId}`;
    expect(shifts!.n).toBe(18);
  });
});
