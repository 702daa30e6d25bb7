/**
 * The crisis plan in the database: the citizen's own view, their proposals and consent; staff reads (each audited in
 * the same transaction as the read), saves as new versions and decisions on proposals. Who may read a plan is decided
 * by one database function, crisis_plan_readable_by (migration 014), so the duty roster can widen it in one place;
 * anyone it refuses gets "not found", so ids reveal nothing.
 */
import type { Sql } from 'postgres';
import {
  CRISIS_SECTIONS, type CrisisConsent, type CrisisPlanFields, type CrisisPlanReview, type CrisisPlanVersion, type CrisisSection,
  type MyCrisisPlan, type StaffCrisisPlan,
} from '../../protocol/crisis.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { conflict, forbidden, notFound } from '../http/errors.js';

/** A plan untouched this many days is due for review by its worker. */
export const REVIEW_AFTER_DAYS = 90;

interface FieldsRow {
  warning_signs: string;
  what_helps: string;
  what_i_do: string;
  contacts: CrisisPlanFields['contacts'];
  staff_should: string;
  do_not_want: string;
}

const toFields = (r: FieldsRow): CrisisPlanFields => ({
  warningSigns: r.warning_signs, whatHelps: r.what_helps, whatIDo: r.what_i_do,
  contacts: r.contacts.map((c) => ({ name: c.name, phone: c.phone })), staffShould: r.staff_should, doNotWant: r.do_not_want,
});

interface PlanState {
  consent: CrisisConsent;
  version: number;
  current: (FieldsRow & { changed_at: Date; changed_by_name: string }) | undefined;
  proposal: (FieldsRow & { id: string; proposed_at: Date }) | undefined;
}

async function readState(tx: Tx, citizenId: string): Promise<PlanState> {
  const [plan] = await tx<{ consent: CrisisConsent; current_version: number }[]>`
    select consent, current_version from crisis_plans where citizen_id = ${citizenId}`;
  const [current] = await tx<(FieldsRow & { changed_at: Date; changed_by_name: string })[]>`
    select v.*, u.display_name as changed_by_name from crisis_plan_versions v join users u on u.id = v.changed_by
    where v.citizen_id = ${citizenId} order by v.version desc limit 1`;
  const [proposal] = await tx<(FieldsRow & { id: string; proposed_at: Date })[]>`
    select * from crisis_plan_proposals where citizen_id = ${citizenId} and status = 'open'`;
  return { consent: plan?.consent ?? 'own_worker', version: plan?.current_version ?? 0, current, proposal };
}

function citizenView(state: PlanState): MyCrisisPlan {
  return {
    plan: state.current ? toFields(state.current) : null,
    version: state.version,
    changedAt: state.current?.changed_at.toISOString() ?? null,
    changedByName: state.current?.changed_by_name ?? null,
    consent: state.consent,
    openProposal: state.proposal ? { fields: toFields(state.proposal), proposedAt: state.proposal.proposed_at.toISOString() } : null,
  };
}

const ageInDays = (since: Date, now: Date) => Math.max(0, Math.floor((now.getTime() - since.getTime()) / 86_400_000));

async function staffView(tx: Tx, citizenId: string, access: StaffCrisisPlan['access']): Promise<StaffCrisisPlan> {
  const state = await readState(tx, citizenId);
  const [row] = await tx<{ display_name: string; now: Date }[]>`select display_name, now() as now from users where id = ${citizenId}`;
  const ageDays = state.current ? ageInDays(state.current.changed_at, row!.now) : null;
  return {
    ...citizenView(state),
    citizenId,
    citizenName: row!.display_name,
    access,
    ageDays,
    reviewDue: ageDays !== null && ageDays >= REVIEW_AFTER_DAYS,
    openProposal: state.proposal ? { id: state.proposal.id, fields: toFields(state.proposal), proposedAt: state.proposal.proposed_at.toISOString() } : null,
  };
}

/**
 * How the signed-in staff member may see this citizen's plan: as one of the citizen's own workers (and edit it), by
 * the citizen's consent as duty staff (read only), or not at all — then "not found", whether or not the citizen exists.
 */
async function accessOf(tx: Tx, auth: Auth, citizenId: string): Promise<StaffCrisisPlan['access']> {
  const [row] = await tx<{ readable: boolean; own: boolean }[]>`
    select crisis_plan_readable_by(${auth.userId}, ${citizenId}) as readable,
           exists (select 1 from caseloads where worker_id = ${auth.userId} and citizen_id = ${citizenId}) as own`;
  if (!row?.readable) throw notFound('No such citizen');
  return row.own ? 'own_worker' : 'duty';
}

/** For changes: only the citizen's own worker; duty staff who may read it are told plainly that they may not edit. */
async function assertOwnWorker(tx: Tx, auth: Auth, citizenId: string): Promise<void> {
  if ((await accessOf(tx, auth, citizenId)) !== 'own_worker') throw forbidden('Only the citizen’s own worker changes their crisis plan');
}

/** The plan's row, made on first use; locked, so versions are numbered one at a time. */
async function lockPlan(tx: Tx, organisationId: string, citizenId: string): Promise<number> {
  await tx`insert into crisis_plans (organisation_id, citizen_id) values (${organisationId}, ${citizenId}) on conflict (citizen_id) do nothing`;
  const [plan] = await tx<{ current_version: number }[]>`select current_version from crisis_plans where citizen_id = ${citizenId} for update`;
  return plan!.current_version;
}

async function insertVersion(tx: Tx, auth: Auth, citizenId: string, version: number, fields: CrisisPlanFields, proposalId: string | null): Promise<void> {
  await tx`
    insert into crisis_plan_versions (organisation_id, citizen_id, version, warning_signs, what_helps, what_i_do, contacts, staff_should, do_not_want, changed_by, from_proposal_id)
    values (${auth.organisationId}, ${citizenId}, ${version}, ${fields.warningSigns}, ${fields.whatHelps}, ${fields.whatIDo},
            ${tx.json(fields.contacts)}, ${fields.staffShould}, ${fields.doNotWant}, ${auth.userId}, ${proposalId})`;
  await tx`update crisis_plans set current_version = ${version} where citizen_id = ${citizenId}`;
}

function changedSections(before: CrisisPlanFields | undefined, after: CrisisPlanFields): CrisisSection[] {
  return CRISIS_SECTIONS.filter((section) => !before || JSON.stringify(before[section]) !== JSON.stringify(after[section]));
}

export type CrisisStore = ReturnType<typeof crisisStore>;

export function crisisStore(sql: Sql) {
  return {
    /** The signed-in citizen's own plan (a citizen reading their own plan is not audited: it is theirs). */
    mine: (auth: Auth): Promise<MyCrisisPlan> => inOrganisation(sql, auth.organisationId, async (tx) => citizenView(await readState(tx, auth.userId))),

    /** The citizen proposes the plan as they would like it; a proposal still open is replaced by the new one. */
    propose(auth: Auth, fields: CrisisPlanFields): Promise<MyCrisisPlan> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await lockPlan(tx, auth.organisationId, auth.userId);
        await tx`
          insert into crisis_plan_proposals (organisation_id, citizen_id, warning_signs, what_helps, what_i_do, contacts, staff_should, do_not_want)
          values (${auth.organisationId}, ${auth.userId}, ${fields.warningSigns}, ${fields.whatHelps}, ${fields.whatIDo}, ${tx.json(fields.contacts)},
                  ${fields.staffShould}, ${fields.doNotWant})
          on conflict (citizen_id) where status = 'open' do update set
            warning_signs = excluded.warning_signs, what_helps = excluded.what_helps, what_i_do = excluded.what_i_do,
            contacts = excluded.contacts, staff_should = excluded.staff_should, do_not_want = excluded.do_not_want, proposed_at = now()`;
        return citizenView(await readState(tx, auth.userId));
      });
    },

    /** The citizen sets who may read the plan; withdrawing (back to own_worker) applies to the next read at once. */
    setConsent(auth: Auth, consent: CrisisConsent): Promise<MyCrisisPlan> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await lockPlan(tx, auth.organisationId, auth.userId);
        await tx`update crisis_plans set consent = ${consent}, consent_set_at = now(), consent_set_by = ${auth.userId} where citizen_id = ${auth.userId}`;
        await audit(tx, auth, 'crisis_plan.consent', auth.userId, { consent });
        return citizenView(await readState(tx, auth.userId));
      });
    },

    /** A citizen's plan as staff who may read it see it; the read and its audit row commit together or not at all. */
    ofCitizen(auth: Auth, citizenId: string): Promise<StaffCrisisPlan> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const access = await accessOf(tx, auth, citizenId);
        await audit(tx, auth, 'crisis_plan.read', citizenId, { access });
        return staffView(tx, citizenId, access);
      });
    },

    /** Every version, newest first, each with the sections it changed and who saved it when (audited). */
    versions(auth: Auth, citizenId: string): Promise<CrisisPlanVersion[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const access = await accessOf(tx, auth, citizenId);
        await audit(tx, auth, 'crisis_plan.read', citizenId, { access, what: 'versions' });
        const rows = await tx<(FieldsRow & { version: number; changed_at: Date; changed_by_name: string; from_proposal_id: string | null })[]>`
          select v.*, u.display_name as changed_by_name from crisis_plan_versions v join users u on u.id = v.changed_by
          where v.citizen_id = ${citizenId} order by v.version`;
        let before: CrisisPlanFields | undefined;
        const versions = rows.map((r) => {
          const fields = toFields(r);
          const version = {
            version: r.version, changedAt: r.changed_at.toISOString(), changedByName: r.changed_by_name,
            changed: changedSections(before, fields), fromProposal: r.from_proposal_id !== null, fields,
          };
          before = fields;
          return version;
        });
        return versions.reverse();
      });
    },

    /** The worker saves the plan (with the citizen) as a new version, unless someone saved a newer one meanwhile. */
    save(auth: Auth, citizenId: string, baseVersion: number, fields: CrisisPlanFields): Promise<StaffCrisisPlan> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertOwnWorker(tx, auth, citizenId);
        const current = await lockPlan(tx, auth.organisationId, citizenId);
        if (current !== baseVersion) throw conflict(`The plan was changed meanwhile (now version ${current}): reload it and make your change again`);
        await insertVersion(tx, auth, citizenId, current + 1, fields, null);
        await audit(tx, auth, 'crisis_plan.update', citizenId, { version: current + 1 });
        return staffView(tx, citizenId, 'own_worker');
      });
    },

    /** Accepting makes the proposal (or the version of it edited with the citizen) the plan's next version. */
    decide(auth: Auth, citizenId: string, proposalId: string, decision: { accept: boolean; plan?: CrisisPlanFields }): Promise<StaffCrisisPlan> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        await assertOwnWorker(tx, auth, citizenId);
        const current = await lockPlan(tx, auth.organisationId, citizenId);
        const [proposal] = await tx<(FieldsRow & { id: string })[]>`
          select * from crisis_plan_proposals where id = ${proposalId} and citizen_id = ${citizenId} and status = 'open' for update`;
        if (!proposal) throw notFound('No open proposal with this id');
        if (decision.accept) {
          await insertVersion(tx, auth, citizenId, current + 1, decision.plan ?? toFields(proposal), proposal.id);
          await tx`update crisis_plan_proposals set status = 'accepted', decided_at = now(), decided_by = ${auth.userId}, accepted_version = ${current + 1} where id = ${proposal.id}`;
        } else {
          await tx`update crisis_plan_proposals set status = 'declined', decided_at = now(), decided_by = ${auth.userId} where id = ${proposal.id}`;
        }
        await audit(tx, auth, 'crisis_plan.proposal_decide', citizenId, { accepted: decision.accept, edited: decision.plan !== undefined });
        return staffView(tx, citizenId, 'own_worker');
      });
    },

    /** The worker's caseload plans untouched for REVIEW_AFTER_DAYS or more, oldest first (names only: audited as a read). */
    reviewDue(auth: Auth): Promise<CrisisPlanReview[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<{ citizen_id: string; display_name: string; changed_at: Date; now: Date }[]>`
          select c.citizen_id, u.display_name, v.changed_at, now() as now
          from caseloads c
          join users u on u.id = c.citizen_id and u.active
          join crisis_plans p on p.citizen_id = c.citizen_id
          join crisis_plan_versions v on v.citizen_id = p.citizen_id and v.version = p.current_version
          where c.worker_id = ${auth.userId} and v.changed_at <= now() - make_interval(days => ${REVIEW_AFTER_DAYS})
          order by v.changed_at`;
        await audit(tx, auth, 'crisis_plan.review_list', rows.map((r) => r.citizen_id));
        return rows.map((r) => ({ citizenId: r.citizen_id, citizenName: r.display_name, ageDays: ageInDays(r.changed_at, r.now) }));
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    crisis: CrisisStore;
  }
}

/**
 * The demo's crisis plan (server/demo/seed.ts): one version written by the citizen's worker, shared with duty staff so
 * the night roster's demo shows it. Only where the citizen has none yet, so a re-run never adds versions.
 */
export async function seedCrisisDemo(admin: Sql, demo: { organisationId: string; citizenId: string; workerId: string }): Promise<void> {
  const { organisationId, citizenId, workerId } = demo;
  await admin.begin(async (tx) => {
    const [created] = await tx`
      insert into crisis_plans (organisation_id, citizen_id, consent, consent_set_at, consent_set_by, current_version)
      values (${organisationId}, ${citizenId}, 'duty_too', now(), ${citizenId}, 1)
      on conflict (citizen_id) do nothing returning citizen_id`;
    if (!created) return;
    const contacts: CrisisPlanFields['contacts'] = [{ name: 'Min søster', phone: '+45 20 00 00 99' }, { name: 'Psykiatrisk akutmodtagelse', phone: '38 64 00 00' }];
    await tx`
      insert into crisis_plan_versions (organisation_id, citizen_id, version, warning_signs, what_helps, what_i_do, contacts, staff_should, do_not_want, changed_by)
      values (${organisationId}, ${citizenId}, 1, 'Jeg sover dårligt og trækker gardinerne for.', 'En gåtur. Musik. At tale med nogen, jeg kender.',
              'Jeg ringer til min søster.', ${tx.json(contacts)}, 'Ring til mig, også om natten. Tal roligt.', 'Jeg vil ikke have besøg uden at I ringer først.', ${workerId})`;
  });
}
