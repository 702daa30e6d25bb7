/**
 * The demo organisation: a coordinator, two workers, a volunteer and three citizens in a caseload, and a duty roster. Fixed ids make
 * re-runs update the same rows (idempotent); staff passwords are new on every run and returned to be printed.
 */
import { randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';
import type { Config } from '../config.js';
import { inOrganisation } from '../db/database.js';
import { citizenLinkUrl, issueCitizenLink } from '../links/links.js';
import { seedDutyDemo } from '../duty/store.js';
import { seedCrisisDemo } from '../crisis/store.js';
import { assignCaseload, createOrganisation, upsertUser } from '../people/store.js';

const ORG_ID = 'de300000-0000-4000-8000-000000000001';
const id = (n: number) => `de300000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;

const STAFF = [
  { id: id(1), role: 'coordinator', displayName: 'Karin Koordinator', email: 'koordinator@demo.naervaer.dk' },
  { id: id(2), role: 'worker', displayName: 'Bo Bostøtte', email: 'bo@demo.naervaer.dk' },
  { id: id(3), role: 'worker', displayName: 'Mette Medarbejder', email: 'mette@demo.naervaer.dk' },
  { id: id(4), role: 'volunteer', displayName: 'Frida Frivillig', email: 'frida@demo.naervaer.dk' },
] as const;

const CITIZENS = [
  { id: id(11), displayName: 'Carl', phone: '+4520000011', worker: id(2) },
  { id: id(12), displayName: 'Dorte', phone: '+4520000012', worker: id(2) },
  { id: id(13), displayName: 'Erik', phone: '+4520000013', worker: id(3) },
] as const;

export interface DemoCredentials {
  organisationId: string;
  staff: { role: string; email: string; password: string }[];
  citizenLink: { citizen: string; url: string };
}

export async function seedDemo(admin: Sql, app: Sql, config: Config): Promise<DemoCredentials> {
  await createOrganisation(admin, 'Demokommune', ORG_ID);
  const staff = [];
  for (const person of STAFF) {
    const password = randomBytes(9).toString('base64url');
    await upsertUser(admin, { organisationId: ORG_ID, ...person, password });
    staff.push({ role: person.role, email: person.email, password });
  }
  for (const citizen of CITIZENS) {
    await upsertUser(admin, { organisationId: ORG_ID, role: 'citizen', id: citizen.id, displayName: citizen.displayName, phone: citizen.phone });
    await assignCaseload(admin, { organisationId: ORG_ID, workerId: citizen.worker, citizenId: citizen.id });
  }
  // Duty (issue 10): Bo and Mette's working hours, and an evening and night roster covering their team.
  await seedDutyDemo(admin, {
    organisationId: ORG_ID, dayTeamId: id(21), nightTeamId: id(22), dayWorkerIds: [id(2), id(3)], eveningWorkerId: id(3), nightWorkerId: id(1),
  });
  const first = CITIZENS[0];
  // The crisis plan (issue 10): Carl's, written with Bo and shared with the night duty.
  await seedCrisisDemo(admin, { organisationId: ORG_ID, citizenId: first.id, workerId: first.worker });
  const link = await inOrganisation(app, ORG_ID, (tx) =>
    issueCitizenLink(tx, { organisationId: ORG_ID, citizenId: first.id, createdBy: first.worker, hours: config.citizenLinkHours }));
  return { organisationId: ORG_ID, staff, citizenLink: { citizen: first.displayName, url: citizenLinkUrl(config.publicUrl, link.secret) } };
}
