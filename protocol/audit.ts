/** The audit trail: who read or changed what about whom. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, strict, Timestamp, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

export const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actorId: Nullable(Uuid),
  actorRole: Nullable(Type.String()),
  action: Type.String(),
  subjectId: Nullable(Uuid),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type AuditEvent = Static<typeof AuditEvent>;
export const AuditQuery = Type.Object(
  { subjectId: Type.Optional(Uuid), limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })) },
  strict,
);
export type AuditQuery = Static<typeof AuditQuery>;

export const auditRoutes = {
  'GET /api/audit': { roles: Roles.coordinator, tags: ['audit'], query: AuditQuery, reply: { 200: Type.Array(AuditEvent) } },
} as const satisfies RouteTable;
