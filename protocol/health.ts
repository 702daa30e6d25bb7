import { Type, type Static } from '@sinclair/typebox';
import type { RouteTable } from './contract.js';

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
});
export type Health = Static<typeof Health>;

export const healthRoutes = {
  /** 503 with the same body when the database does not answer: load balancers take the instance out. */
  'GET /api/health': { roles: null, tags: ['health'], reply: { 200: Health, 503: Health } },
  /** The OpenAPI document itself, generated from every table. */
  'GET /api/docs': { roles: null, tags: ['health'], hide: true, reply: { 200: Type.Unknown() } },
} as const satisfies RouteTable;
