/** The organisation's people: teams, staff and citizens, and which citizens each worker holds (the caseload). */
import { Type, type Static } from '@sinclair/typebox';
import { Email, Language, Name, NewPassword, NoContent, Nullable, Phone, Role, strict, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

export const User = Type.Object({
  id: Uuid,
  role: Role,
  displayName: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  preferredLanguage: Language,
  teamId: Nullable(Uuid),
  active: Type.Boolean(),
  /** Too many wrong passwords: sign-in refused until the lock runs out or a coordinator lifts it. */
  signInLocked: Type.Boolean(),
});
export type User = Static<typeof User>;

export const Team = Type.Object({ id: Uuid, name: Type.String(), active: Type.Boolean() });
export type Team = Static<typeof Team>;
export const CreateTeamBody = Type.Object({ name: Name }, strict);
export type CreateTeamBody = Static<typeof CreateTeamBody>;
export const UpdateTeamBody = Type.Object({ name: Type.Optional(Name), active: Type.Optional(Type.Boolean()) }, { ...strict, minProperties: 1 });
export type UpdateTeamBody = Static<typeof UpdateTeamBody>;

export const CreateUserBody = Type.Object(
  {
    role: Role,
    displayName: Name,
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    preferredLanguage: Type.Optional(Language),
    teamId: Type.Optional(Uuid),
    password: Type.Optional(NewPassword),
  },
  strict,
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Name),
    email: Type.Optional(Nullable(Email)),
    phone: Type.Optional(Nullable(Phone)),
    preferredLanguage: Type.Optional(Language),
    teamId: Type.Optional(Nullable(Uuid)),
    password: Type.Optional(NewPassword),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const UserListQuery = Type.Object({ role: Type.Optional(Role), includeInactive: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) }, strict);
export type UserListQuery = Static<typeof UserListQuery>;

export const CaseloadEntry = Type.Object({ citizenId: Uuid, displayName: Type.String(), since: Timestamp });
export type CaseloadEntry = Static<typeof CaseloadEntry>;

export const Colleague = Type.Object({ id: Uuid, displayName: Type.String(), role: Role });
export type Colleague = Static<typeof Colleague>;

export const IdParams = {
  team: Type.Object({ teamId: Uuid }, strict),
  user: Type.Object({ userId: Uuid }, strict),
  worker: Type.Object({ workerId: Uuid }, strict),
  citizen: Type.Object({ citizenId: Uuid }, strict),
  caseload: Type.Object({ workerId: Uuid, citizenId: Uuid }, strict),
  link: Type.Object({ linkId: Uuid }, strict),
};

export const peopleRoutes = {
  'GET /api/teams': { roles: Roles.coordinator, tags: ['people'], reply: { 200: Type.Array(Team) } },
  'POST /api/teams': { roles: Roles.coordinator, tags: ['people'], body: CreateTeamBody, reply: { 201: Team } },
  'PATCH /api/teams/:teamId': { roles: Roles.coordinator, tags: ['people'], params: IdParams.team, body: UpdateTeamBody, reply: { 200: Team } },
  'GET /api/users': { roles: Roles.coordinator, tags: ['people'], query: UserListQuery, reply: { 200: Type.Array(User) } },
  'POST /api/users': { roles: Roles.coordinator, tags: ['people'], body: CreateUserBody, reply: { 201: User } },
  'GET /api/users/:userId': { roles: Roles.coordinator, tags: ['people'], params: IdParams.user, reply: { 200: User } },
  'PATCH /api/users/:userId': { roles: Roles.coordinator, tags: ['people'], params: IdParams.user, body: UpdateUserBody, reply: { 200: User } },
  'POST /api/users/:userId/deactivate': { roles: Roles.coordinator, tags: ['people'], params: IdParams.user, reply: { 200: User } },
  'POST /api/users/:userId/unlock': {
    roles: Roles.coordinator, tags: ['people'], params: IdParams.user, reply: { 200: Type.Object({ wasLocked: Type.Boolean() }) },
    description: 'Lifts a sign-in lockout (after too many wrong passwords) and starts the count of wrong passwords again.',
  },
  /** Staff of the organisation, for bringing a colleague into a session. Names and roles only. */
  'GET /api/colleagues': { roles: Roles.caseStaff, tags: ['people'], reply: { 200: Type.Array(Colleague) } },
  'GET /api/workers/:workerId/caseload': { roles: Roles.caseStaff, tags: ['people'], params: IdParams.worker, reply: { 200: Type.Array(CaseloadEntry) } },
  'PUT /api/workers/:workerId/caseload/:citizenId': { roles: Roles.coordinator, tags: ['people'], params: IdParams.caseload, reply: { 204: NoContent } },
  'DELETE /api/workers/:workerId/caseload/:citizenId': { roles: Roles.coordinator, tags: ['people'], params: IdParams.caseload, reply: { 204: NoContent } },
} as const satisfies RouteTable;
