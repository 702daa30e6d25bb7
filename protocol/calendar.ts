/** A worker's appointments as a calendar feed (webcal) their phone's calendar subscribes to. */
import { Type } from '@sinclair/typebox';
import { NoContent } from './common.js';
import type { RouteTable } from './contract.js';
import { Roles } from './roles.js';

export const calendarRoutes = {
  'POST /api/calendar-feeds': { roles: Roles.worker, tags: ['calendar'], reply: { 201: Type.Object({ url: Type.String() }) } },
  'POST /api/calendar-feeds/revoke': { roles: Roles.worker, tags: ['calendar'], reply: { 204: NoContent } },
  // The feed itself: the secret token in the path is the credential (calendar apps send no cookies).
  'GET /calendar/:token': {
    roles: null, tags: ['calendar'], hide: true, produces: 'text/calendar',
    params: Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}\\.ics$' }) }),
    reply: { 200: Type.String() },
  },
} as const satisfies RouteTable;
