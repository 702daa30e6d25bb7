/**
 * Registers a route from its contract in protocol/: the path, schemas, roles and success status come from the table,
 * so a handler cannot drift from what the client compiles against. The handler gets typed parameters, query, body and
 * — on any route with roles — the caller's `auth`, never null.
 */
import type { FastifyReply, FastifyRequest, LogLevel, onRequestHookHandler } from 'fastify';
import type { BodyOf, ParamsOf, QueryOf, ReplyOf, RouteSpec, SuccessStatus } from '../../protocol/contract.js';
import { splitKey } from '../../protocol/contract.js';
import { routes, type RouteKey, type Routes } from '../../protocol/routes.js';
import type { Auth } from '../auth/auth.js';
import { asActor } from '../db/actor.js';
import type { App } from './types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's key in protocol/routes.ts; app.ts refuses an /api route without one. */
    contract?: RouteKey;
  }
}

export interface RouteCall<K extends RouteKey> {
  /** The signed-in caller; only public routes (roles: null) have none. */
  auth: Routes[K]['roles'] extends null ? null : Auth;
  params: ParamsOf<Routes[K]>;
  query: QueryOf<Routes[K]>;
  body: BodyOf<Routes[K]>;
  /** For what the contract does not cover: cookies, the client's address, the request's logger. */
  request: FastifyRequest;
  /** For cookies and headers, and for a status other than the contract's success (health's 503). */
  reply: FastifyReply;
}

export type RouteHandler<K extends RouteKey> = (call: RouteCall<K>) => Promise<ReplyOf<Routes[K]>>;

export interface RouteOptions {
  onRequest?: onRequestHookHandler;
  logLevel?: LogLevel;
}

function successStatus(spec: RouteSpec): SuccessStatus {
  for (const status of [200, 201, 204] as const) if (spec.reply[status]) return status;
  throw new Error('A route contract needs a 200, 201 or 204 reply');
}

export function route<K extends RouteKey>(app: App, key: K, handler: RouteHandler<K>, options: RouteOptions = {}): void {
  const spec: RouteSpec = routes[key];
  const { method, path } = splitKey(key);
  const status = successStatus(spec);
  app.route({
    method,
    url: path,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    config: { contract: key, ...(spec.roles ? { roles: spec.roles } : {}) },
    schema: {
      tags: [...spec.tags],
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.hide ? { hide: true } : {}),
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { querystring: spec.query } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      // A non-JSON reply (a calendar file) is sent as it is, not through a JSON serializer.
      ...(spec.produces ? {} : { response: spec.reply }),
    },
    handler: async (request, reply) => {
      reply.code(status);
      // Text (a calendar, a CSV) is UTF-8; a binary file (a spreadsheet, a PDF) has no charset.
      if (spec.produces) reply.header('content-type', spec.produces.startsWith('text/') ? `${spec.produces}; charset=utf-8` : spec.produces);
      // The schemas above were checked by Fastify before this runs; requireRoles set auth on every route with roles.
      const call = { auth: request.auth, params: request.params, query: request.query, body: request.body, request, reply } as RouteCall<K>;
      // Every query of the handler runs for the caller: inOrganisation tells the database who asks (server/db/actor.ts).
      const result = await asActor(request.auth, () => handler(call));
      if (reply.sent) return reply;
      return reply.send(result === undefined ? null : result);
    },
  });
}

/**
 * onRoute hook: every /api route (and the calendar feed) must have been registered through `route()`, i.e. from its
 * contract — so a route cannot exist that the client and the OpenAPI document do not know about.
 */
export function requireContract(options: { url: string; method: string | string[]; config?: { contract?: string } }): void {
  const guarded = options.url.startsWith('/api/') || options.url.startsWith('/calendar/');
  if (guarded && !options.config?.contract) {
    throw new Error(`${[options.method].flat().join(',')} ${options.url} has no contract in protocol/: add it to a route table and register it with route()`);
  }
}
