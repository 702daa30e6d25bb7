/**
 * The crisis plan: the citizen's own plan for a bad moment, written with their worker. The citizen reads it (also
 * offline), proposes changes and decides who may read it besides their own worker; their worker edits it with them,
 * each save a new version, and accepts or declines the citizen's proposals. Staff who are not the citizen's own worker
 * read it only when the citizen chose `duty_too` and duty covers them now; to anyone else it does not exist (404).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, strict, Text, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

const Section = Text({ maxLength: 2000, multiline: true });
/** A number to tap: digits with spaces and an optional leading +, e.g. "112", "38 64 00 00", "+45 12 34 56 78". */
export const ContactPhone = Type.String({ pattern: '^\\+?[0-9](?:[0-9 ]{0,18}[0-9])?$', maxLength: 20, description: 'Digits, spaces and a leading +' });
export const CrisisContact = Type.Object({ name: Text({ minLength: 1, maxLength: 100, nonBlank: true }), phone: ContactPhone }, strict);
export type CrisisContact = Static<typeof CrisisContact>;

/** The plan's sections, as the citizen would put them. */
export const CrisisPlanFields = Type.Object(
  {
    /** "Tegn på at jeg får det dårligt" */
    warningSigns: Section,
    /** "Det hjælper mig" */
    whatHelps: Section,
    /** "Det gør jeg selv" */
    whatIDo: Section,
    /** "Dem ringer jeg til" */
    contacts: Type.Array(CrisisContact, { maxItems: 10 }),
    /** "Det vil jeg gerne have, at personalet gør" */
    staffShould: Section,
    /** "Det vil jeg ikke have" */
    doNotWant: Section,
  },
  strict,
);
export type CrisisPlanFields = Static<typeof CrisisPlanFields>;
export const CRISIS_SECTIONS = ['warningSigns', 'whatHelps', 'whatIDo', 'contacts', 'staffShould', 'doNotWant'] as const;
export type CrisisSection = (typeof CRISIS_SECTIONS)[number];

/** `own_worker`: only the citizen's own worker(s). `duty_too`: also duty staff covering the citizen, e.g. at night. */
export const CrisisConsent = Type.Union([Type.Literal('own_worker'), Type.Literal('duty_too')]);
export type CrisisConsent = Static<typeof CrisisConsent>;

/** The citizen's own view. `plan` is null until a first version is saved. */
export const MyCrisisPlan = Type.Object({
  plan: Nullable(CrisisPlanFields),
  version: Type.Integer({ minimum: 0 }),
  changedAt: Nullable(Timestamp),
  changedByName: Nullable(Type.String()),
  consent: CrisisConsent,
  /** The change the citizen proposed and their worker has not yet decided on. */
  openProposal: Nullable(Type.Object({ fields: CrisisPlanFields, proposedAt: Timestamp })),
});
export type MyCrisisPlan = Static<typeof MyCrisisPlan>;

export const CrisisProposal = Type.Object({ id: Uuid, fields: CrisisPlanFields, proposedAt: Timestamp });
export type CrisisProposal = Static<typeof CrisisProposal>;

/** A plan as staff who may read it see it. */
export const StaffCrisisPlan = Type.Object({
  citizenId: Uuid,
  citizenName: Type.String(),
  plan: Nullable(CrisisPlanFields),
  version: Type.Integer({ minimum: 0 }),
  changedAt: Nullable(Timestamp),
  changedByName: Nullable(Type.String()),
  consent: CrisisConsent,
  /** `own_worker`: the viewer holds the citizen in their caseload and may edit. `duty`: read only, by the citizen's consent. */
  access: Type.Union([Type.Literal('own_worker'), Type.Literal('duty')]),
  /** Days since the newest version; a plan is due for review after 90. */
  ageDays: Nullable(Type.Integer({ minimum: 0 })),
  reviewDue: Type.Boolean(),
  openProposal: Nullable(CrisisProposal),
});
export type StaffCrisisPlan = Static<typeof StaffCrisisPlan>;

export const CrisisPlanVersion = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  changedAt: Timestamp,
  changedByName: Type.String(),
  /** The sections that differ from the version before (all of them for the first). */
  changed: Type.Array(Type.Union(CRISIS_SECTIONS.map((s) => Type.Literal(s)))),
  /** The version is the citizen's proposal, accepted. */
  fromProposal: Type.Boolean(),
  fields: CrisisPlanFields,
});
export type CrisisPlanVersion = Static<typeof CrisisPlanVersion>;

/** A save names the version it was edited from: a save over a newer version is refused (409) rather than lost. */
export const SaveCrisisPlanBody = Type.Object({ baseVersion: Type.Integer({ minimum: 0 }), plan: CrisisPlanFields }, strict);
export type SaveCrisisPlanBody = Static<typeof SaveCrisisPlanBody>;
/** Accept (optionally as edited together with the citizen) or decline the citizen's proposal. */
export const DecideProposalBody = Type.Object({ accept: Type.Boolean(), plan: Type.Optional(CrisisPlanFields) }, strict);
export type DecideProposalBody = Static<typeof DecideProposalBody>;
export const ConsentBody = Type.Object({ consent: CrisisConsent }, strict);
export type ConsentBody = Static<typeof ConsentBody>;

/** A plan due for review, for its worker's I dag ("Kriseplanen for Karen er 92 dage gammel"). */
export const CrisisPlanReview = Type.Object({ citizenId: Uuid, citizenName: Type.String(), ageDays: Type.Integer({ minimum: 0 }) });
export type CrisisPlanReview = Static<typeof CrisisPlanReview>;

const CitizenParams = Type.Object({ citizenId: Uuid }, strict);
const ProposalParams = Type.Object({ citizenId: Uuid, proposalId: Uuid }, strict);

export const crisisRoutes = {
  'GET /api/my/crisis-plan': { roles: Roles.citizen, tags: ['crisis'], reply: { 200: MyCrisisPlan } },
  'POST /api/my/crisis-plan/proposals': { roles: Roles.citizen, tags: ['crisis'], body: CrisisPlanFields, reply: { 201: MyCrisisPlan } },
  'PUT /api/my/crisis-plan/consent': { roles: Roles.citizen, tags: ['crisis'], body: ConsentBody, reply: { 200: MyCrisisPlan } },
  'GET /api/citizens/:citizenId/crisis-plan': { roles: Roles.caseStaff, tags: ['crisis'], params: CitizenParams, reply: { 200: StaffCrisisPlan } },
  'GET /api/citizens/:citizenId/crisis-plan/versions': { roles: Roles.caseStaff, tags: ['crisis'], params: CitizenParams, reply: { 200: Type.Array(CrisisPlanVersion) } },
  'PUT /api/citizens/:citizenId/crisis-plan': { roles: Roles.caseStaff, tags: ['crisis'], params: CitizenParams, body: SaveCrisisPlanBody, reply: { 200: StaffCrisisPlan } },
  'POST /api/citizens/:citizenId/crisis-plan/proposals/:proposalId/decide': {
    roles: Roles.caseStaff, tags: ['crisis'], params: ProposalParams, body: DecideProposalBody, reply: { 200: StaffCrisisPlan },
  },
  'GET /api/crisis-plans/review-due': { roles: Roles.worker, tags: ['crisis'], reply: { 200: Type.Array(CrisisPlanReview) } },
} as const satisfies RouteTable;
