import { beforeAll, describe, expect, it } from 'vitest';
import type { CrisisPlanFields } from '../protocol/crisis.js';
import { createOrganisation, upsertUser } from '../server/people/store.js';
import { citizenCookie } from './support/calls.js';
import { count, PASSWORD } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h, org, cookies } = useHarness({ signIn: ['worker', 'coordinator', 'volunteer'] });
let citizen: string;
/** A worker of the same organisation who does not hold Carl: on a night shift covering him in the duty tests. */
let nightWorker: { id: string; cookie: string };

const plan = (overrides: Partial<CrisisPlanFields> = {}): CrisisPlanFields => ({
  warningSigns: 'Jeg sover dårligt og trækker gardinerne for.',
  whatHelps: 'En gåtur. Musik.',
  whatIDo: 'Jeg ringer til min søster.',
  contacts: [{ name: 'Min søster Lise', phone: '+45 12 34 56 78' }, { name: 'Psykiatrisk akutmodtagelse', phone: '38 64 00 00' }],
  staffShould: 'Ring til mig, også om natten.',
  doNotWant: 'Jeg vil ikke indlægges uden at tale med Bo først.',
  ...overrides,
});

const auditRows = (citizenId: string, action: string) =>
  h.admin<{ actor_id: string; detail: Record<string, unknown> }[]>`select actor_id, detail from audit_events where subject_id = ${citizenId} and action = ${action} order by id`;

beforeAll(async () => {
  citizen = await citizenCookie(h, org, cookies.worker);
  const email = `nat-${org.id.slice(0, 8)}@testkommune.dk`;
  const id = await upsertUser(h.admin, { organisationId: org.id, role: 'worker', displayName: 'Nina Nattevagt', email, password: PASSWORD });
  nightWorker = { id, cookie: await h.login(email) };
});

describe('the citizen reads and proposes; the worker saves versions and decides', () => {
  it('before anything is written, the citizen sees an empty plan shared with their own worker only', async () => {
    const mine = await h.request('GET', '/api/my/crisis-plan', { cookie: citizen });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual({ plan: null, version: 0, changedAt: null, changedByName: null, consent: 'own_worker', openProposal: null });
  });

  it('each save is a new version; a save made from an older version is refused and changes nothing', async () => {
    const first = await h.request('PUT', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: cookies.worker, body: { baseVersion: 0, plan: plan() } });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, plan: plan(), changedByName: 'Bo Bostøtte', access: 'own_worker', reviewDue: false, ageDays: 0 });
    const second = await h.request('PUT', `/api/citizens/${org.citizenId}/crisis-plan`, {
      cookie: cookies.worker, body: { baseVersion: 1, plan: plan({ whatHelps: 'En gåtur. Musik. Kaffe med naboen.' }) },
    });
    expect(second.json()).toMatchObject({ version: 2, plan: { whatHelps: 'En gåtur. Musik. Kaffe med naboen.' } });

    const stale = await h.request('PUT', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: cookies.worker, body: { baseVersion: 1, plan: plan({ whatHelps: 'Tabt' }) } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('conflict');
    expect(await count(h.admin, 'crisis_plan_versions')).toBe(2);

    const versions = await h.request('GET', `/api/citizens/${org.citizenId}/crisis-plan/versions`, { cookie: cookies.worker });
    expect(versions.statusCode).toBe(200);
    expect(versions.json().map((v: { version: number; changed: string[]; changedByName: string }) => [v.version, v.changed, v.changedByName])).toEqual([
      [2, ['whatHelps'], 'Bo Bostøtte'],
      [1, ['warningSigns', 'whatHelps', 'whatIDo', 'contacts', 'staffShould', 'doNotWant'], 'Bo Bostøtte'],
    ]);
    const mine = await h.request('GET', '/api/my/crisis-plan', { cookie: citizen });
    expect(mine.json()).toMatchObject({ version: 2, plan: { whatHelps: 'En gåtur. Musik. Kaffe med naboen.' }, changedByName: 'Bo Bostøtte' });
    expect((await auditRows(org.citizenId, 'crisis_plan.update')).map((r) => r.detail)).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('of ten saves made at once from the same version exactly one wins; the others are refused and nothing is lost unseen', async () => {
    const before = await count(h.admin, 'crisis_plan_versions');
    const saves = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.request('PUT', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: cookies.worker, body: { baseVersion: 2, plan: plan({ whatHelps: `Forsøg ${i}` }) } })),
    );
    expect(saves.map((r) => r.statusCode).sort()).toEqual([200, ...Array<number>(9).fill(409)]);
    const winner = saves.find((r) => r.statusCode === 200)!.json();
    expect(winner.version).toBe(3);
    expect(await count(h.admin, 'crisis_plan_versions')).toBe(before + 1);
    // Back to what the tests below expect, as a worker would: a save from the newest version.
    const restored = await h.request('PUT', `/api/citizens/${org.citizenId}/crisis-plan`, {
      cookie: cookies.worker, body: { baseVersion: 3, plan: plan({ whatHelps: 'En gåtur. Musik. Kaffe med naboen.' }) },
    });
    expect(restored.json().version).toBe(4);
  });

  it('the citizen’s proposal, accepted, becomes the next version; a declined one changes nothing', async () => {
    const proposed = plan({ whatHelps: 'En gåtur. Musik. Kaffe med naboen.', contacts: [{ name: 'Min søster Lise', phone: '+45 12 34 56 78' }, { name: 'Nabo Jens', phone: '20 30 40 50' }] });
    const response = await h.request('POST', '/api/my/crisis-plan/proposals', { cookie: citizen, body: proposed });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ version: 4, openProposal: { fields: proposed } });

    const seen = await h.request('GET', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: cookies.worker });
    const proposalId = seen.json().openProposal.id;
    expect(seen.json().openProposal.fields).toEqual(proposed);
    const accepted = await h.request('POST', `/api/citizens/${org.citizenId}/crisis-plan/proposals/${proposalId}/decide`, { cookie: cookies.worker, body: { accept: true } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ version: 5, plan: proposed, openProposal: null });
    const versions = await h.request('GET', `/api/citizens/${org.citizenId}/crisis-plan/versions`, { cookie: cookies.worker });
    expect(versions.json()[0]).toMatchObject({ version: 5, fromProposal: true, changed: ['contacts'], fields: proposed });
    const again = await h.request('POST', `/api/citizens/${org.citizenId}/crisis-plan/proposals/${proposalId}/decide`, { cookie: cookies.worker, body: { accept: true } });
    expect(again.statusCode).toBe(404);

    await h.request('POST', '/api/my/crisis-plan/proposals', { cookie: citizen, body: plan({ doNotWant: 'Ingenting' }) });
    // Proposing again while one is open replaces it: the worker decides on the newest wish only.
    await h.request('POST', '/api/my/crisis-plan/proposals', { cookie: citizen, body: plan({ doNotWant: 'Jeg vil ikke have besøg uanmeldt.' }) });
    const [open] = await h.admin<{ id: string; do_not_want: string }[]>`select id, do_not_want from crisis_plan_proposals where citizen_id = ${org.citizenId} and status = 'open'`;
    expect(open!.do_not_want).toBe('Jeg vil ikke have besøg uanmeldt.');
    const declined = await h.request('POST', `/api/citizens/${org.citizenId}/crisis-plan/proposals/${open!.id}/decide`, { cookie: cookies.worker, body: { accept: false } });
    expect(declined.json()).toMatchObject({ version: 5, plan: proposed, openProposal: null });
    expect(await count(h.admin, 'crisis_plan_versions')).toBe(5);
  });

  it('an accepted proposal edited together with the citizen is saved as edited', async () => {
    await h.request('POST', '/api/my/crisis-plan/proposals', { cookie: citizen, body: plan({ whatIDo: 'Jeg går en tur.' }) });
    const [open] = await h.admin<{ id: string }[]>`select id from crisis_plan_proposals where citizen_id = ${org.citizenId} and status = 'open'`;
    const edited = plan({ whatIDo: 'Jeg går en tur ved søen.' });
    const accepted = await h.request('POST', `/api/citizens/${org.citizenId}/crisis-plan/proposals/${open!.id}/decide`, { cookie: cookies.worker, body: { accept: true, plan: edited } });
    expect(accepted.json()).toMatchObject({ version: 6, plan: edited });
  });
});

describe('who may read a plan', () => {
  it('volunteers are refused by role, staff without access and foreign ids get 404, and nothing is audited for them', async () => {
    const before = await count(h.admin, 'audit_events');
    for (const path of [`/api/citizens/${org.citizenId}/crisis-plan`, `/api/citizens/${org.citizenId}/crisis-plan/versions`]) {
      expect((await h.request('GET', path, { cookie: cookies.volunteer })).statusCode).toBe(403);
      // Not Carl's worker, and Carl has not shared his plan with duty staff.
      expect((await h.request('GET', path, { cookie: nightWorker.cookie })).statusCode).toBe(404);
      expect((await h.request('GET', path, { cookie: cookies.coordinator })).statusCode).toBe(404);
    }
    const put = await h.request('PUT', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: nightWorker.cookie, body: { baseVersion: 6, plan: plan() } });
    expect(put.statusCode).toBe(404);
    // Dorte exists but is not in Bo's caseload; the other id exists nowhere.
    for (const id of [org.otherCitizenId, '5f0c3c2e-0000-4000-8000-0000000000aa']) {
      expect((await h.request('GET', `/api/citizens/${id}/crisis-plan`, { cookie: cookies.worker })).statusCode).toBe(404);
    }
    expect(await count(h.admin, 'audit_events')).toBe(before);
  });

  it('another organisation’s worker gets 404 for Carl’s plan, even holding a citizen with his plan’s shape', async () => {
    const other = await createOrganisation(h.admin, 'Andenkommune');
    const email = `anden-${other.slice(0, 8)}@andenkommune.dk`;
    await upsertUser(h.admin, { organisationId: other, role: 'worker', displayName: 'Anders Andet', email, password: PASSWORD });
    const foreign = await h.login(email);
    expect((await h.request('GET', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: foreign })).statusCode).toBe(404);
    expect((await h.request('GET', `/api/citizens/${org.citizenId}/crisis-plan/versions`, { cookie: foreign })).statusCode).toBe(404);
  });

  it('the own worker’s read is audited in the same transaction: when its audit row cannot be written, nothing is read', async () => {
    const read = await h.request('GET', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: cookies.worker });
    expect(read.statusCode).toBe(200);
    const rows = await auditRows(org.citizenId, 'crisis_plan.read');
    expect(rows.at(-1)).toEqual({ actor_id: org.workerId, detail: { access: 'own_worker' } });

    // The database refuses the audit row of this one read: the reply holds no plan, and no audit row is left either.
    await h.admin.unsafe(`
      create function test_refuse_crisis_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit store unavailable'; end $$;
      create trigger test_refuse_crisis_audit before insert on audit_events for each row
        when (new.action = 'crisis_plan.read') execute function test_refuse_crisis_audit();`);
    try {
      const refused = await h.request('GET', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: cookies.worker });
      expect(refused.statusCode).toBe(500);
      expect(refused.body).not.toContain('søster');
      expect(await auditRows(org.citizenId, 'crisis_plan.read')).toHaveLength(rows.length);
    } finally {
      await h.admin.unsafe('drop trigger test_refuse_crisis_audit on audit_events; drop function test_refuse_crisis_audit()');
    }
  });
});

describe('consent: duty staff read the plan only while the citizen shares it and duty covers them', () => {
  /** Puts the night worker on a shift of a night team covering Carl's worker's team, from an hour ago to two hours ahead. */
  async function nightShiftNow(): Promise<void> {
    const team = async (name: string) => (await h.request('POST', '/api/teams', { cookie: cookies.coordinator, body: { name } })).json().id as string;
    const day = await team('Team Dag');
    const night = await team('Nattevagten');
    await h.request('PATCH', `/api/users/${org.workerId}`, { cookie: cookies.coordinator, body: { teamId: day } });
    await h.request('PATCH', `/api/users/${nightWorker.id}`, { cookie: cookies.coordinator, body: { teamId: night } });
    // The roster's rows (migration 013), as the coordinator's Vagtplan writes them.
    await h.admin`insert into duty_team_coverage (organisation_id, team_id, covered_team_id) values (${org.id}, ${night}, ${day})`;
    await h.admin`
      insert into duty_shifts (organisation_id, team_id, worker_id, worker_role, starts_at, ends_at)
      values (${org.id}, ${night}, ${nightWorker.id}, 'worker', now() - interval '1 hour', now() + interval '2 hours')`;
  }

  it('on a covering shift: 404 until the citizen shares, 200 read-only and audited while shared, 404 again once withdrawn', async () => {
    await nightShiftNow();
    const path = `/api/citizens/${org.citizenId}/crisis-plan`;
    expect((await h.request('GET', path, { cookie: nightWorker.cookie })).statusCode).toBe(404);

    const shared = await h.request('PUT', '/api/my/crisis-plan/consent', { cookie: citizen, body: { consent: 'duty_too' } });
    expect(shared.statusCode).toBe(200);
    expect(shared.json().consent).toBe('duty_too');
    const [consent] = await h.admin`select consent, consent_set_by from crisis_plans where citizen_id = ${org.citizenId}`;
    expect(consent).toEqual({ consent: 'duty_too', consent_set_by: org.citizenId });

    const read = await h.request('GET', path, { cookie: nightWorker.cookie });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ access: 'duty', version: 6, consent: 'duty_too' });
    expect((await auditRows(org.citizenId, 'crisis_plan.read')).at(-1)).toEqual({ actor_id: nightWorker.id, detail: { access: 'duty' } });
    // Reading is not editing: the plan is the citizen's and their own worker's.
    const edit = await h.request('PUT', path, { cookie: nightWorker.cookie, body: { baseVersion: 6, plan: plan() } });
    expect(edit.statusCode).toBe(403);
    // Still never a volunteer.
    expect((await h.request('GET', path, { cookie: cookies.volunteer })).statusCode).toBe(403);
    // The worker not on the shift (the coordinator) still gets nothing.
    expect((await h.request('GET', path, { cookie: cookies.coordinator })).statusCode).toBe(404);

    const withdrawn = await h.request('PUT', '/api/my/crisis-plan/consent', { cookie: citizen, body: { consent: 'own_worker' } });
    expect(withdrawn.json().consent).toBe('own_worker');
    expect((await h.request('GET', path, { cookie: nightWorker.cookie })).statusCode).toBe(404);
    // The own worker reads it whatever the consent.
    expect((await h.request('GET', path, { cookie: cookies.worker })).statusCode).toBe(200);
    expect((await auditRows(org.citizenId, 'crisis_plan.consent')).map((r) => [r.actor_id, r.detail])).toEqual([
      [org.citizenId, { consent: 'duty_too' }], [org.citizenId, { consent: 'own_worker' }],
    ]);
  });
});

describe('review and retention', () => {
  it('a plan untouched for 90 days is due for review on its worker’s list, with its age in days', async () => {
    expect((await h.request('GET', '/api/crisis-plans/review-due', { cookie: cookies.worker })).json()).toEqual([]);
    await h.admin`update crisis_plan_versions set changed_at = now() - interval '92 days' where citizen_id = ${org.citizenId}`;
    const due = await h.request('GET', '/api/crisis-plans/review-due', { cookie: cookies.worker });
    expect(due.json()).toEqual([{ citizenId: org.citizenId, citizenName: 'Carl Borger', ageDays: 92 }]);
    expect((await h.request('GET', `/api/citizens/${org.citizenId}/crisis-plan`, { cookie: cookies.worker })).json()).toMatchObject({ ageDays: 92, reviewDue: true });
    expect((await h.request('GET', '/api/crisis-plans/review-due', { cookie: nightWorker.cookie })).json()).toEqual([]);
  });

  it('bad input is refused in the error shape and changes nothing', async () => {
    const before = await count(h.admin, 'crisis_plan_proposals');
    const bad = [
      plan({ contacts: [{ name: 'Lise', phone: 'ring mig' }] }),
      plan({ warningSigns: 'x'.repeat(2001) }),
      { ...plan(), extra: true },
      plan({ contacts: Array.from({ length: 11 }, () => ({ name: 'A', phone: '112' })) }),
    ];
    for (const body of bad) {
      const response = await h.request('POST', '/api/my/crisis-plan/proposals', { cookie: citizen, body });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('validation');
    }
    expect((await h.request('PUT', '/api/my/crisis-plan/consent', { cookie: citizen, body: { consent: 'everyone' } })).statusCode).toBe(400);
    expect(await count(h.admin, 'crisis_plan_proposals')).toBe(before);
  });

  it('when retention anonymises the citizen, their plan, versions and proposals go with their other case data', async () => {
    await h.request('POST', '/api/my/crisis-plan/proposals', { cookie: citizen, body: plan() });
    await h.admin`update users set active = false where id = ${org.citizenId}`;
    await h.admin`update users set deactivated_at = now() - interval '400 days' where id = ${org.citizenId}`;
    await h.sql`select apply_retention()`;
    const [row] = await h.admin`select anonymised_at from users where id = ${org.citizenId}`;
    expect(row!.anonymised_at).not.toBeNull();
    for (const table of ['crisis_plans', 'crisis_plan_versions', 'crisis_plan_proposals']) {
      const [left] = await h.admin.unsafe(`select count(*)::int as n from ${table} where citizen_id = $1`, [org.citizenId]);
      expect(left!.n, table).toBe(0);
    }
  });
});
