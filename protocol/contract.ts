/**
 * How a feature states its HTTP routes: one table per feature, keyed by 'METHOD /path', each entry holding the
 * schemas of the path parameters, query, body and replies plus the roles that may call it. The server registers its
 * routes from these tables (server/http/route.ts) and the client's `api()` is typed from them (client/src/api.ts), so
 * a route cannot exist without its contract and neither end can get the other's shapes wrong.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Role } from './common.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type SuccessStatus = 200 | 201 | 204;

export interface RouteSpec {
  /** Who may call it; `null` for a public route (sign-in, health, link exchanges). */
  roles: readonly Role[] | null;
  tags: readonly string[];
  description?: string;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** The success reply, by status; exactly one success status per route. Other statuses are in the error shape. */
  reply: Partial<Record<SuccessStatus, TSchema>> & Partial<Record<number, TSchema>>;
  /** The reply is not JSON (a calendar file); the client does not call it through `api()`. */
  produces?: string;
  /** Left out of the OpenAPI document. */
  hide?: boolean;
}

export type RouteTable = Record<`${Method} /${string}`, RouteSpec>;

type StaticOr<S, Otherwise> = S extends TSchema ? Static<S> : Otherwise;

/** The first success status a route declares, and its reply type. */
export type SuccessOf<R extends RouteSpec> = 200 extends keyof R['reply'] ? 200 : 201 extends keyof R['reply'] ? 201 : 204;
export type ReplyOf<R extends RouteSpec> = SuccessOf<R> extends 204 ? void : StaticOr<R['reply'][SuccessOf<R>], never>;
export type ParamsOf<R extends RouteSpec> = StaticOr<R['params'], undefined>;
export type QueryOf<R extends RouteSpec> = StaticOr<R['query'], undefined>;
export type BodyOf<R extends RouteSpec> = StaticOr<R['body'], undefined>;

/** What a caller passes: exactly the parts the route declares, each required when it has a schema. */
export type RequestOf<R extends RouteSpec> =
  (R['params'] extends TSchema ? { params: Static<R['params']> } : { params?: never }) &
  (R['query'] extends TSchema ? { query: Static<R['query']> } : { query?: never }) &
  (R['body'] extends TSchema ? { body: Static<R['body']> } : { body?: never });

/** Splits 'POST /api/x/:id' into its method and path. */
export function splitKey(key: string): { method: Method; path: string } {
  const space = key.indexOf(' ');
  return { method: key.slice(0, space) as Method, path: key.slice(space + 1) };
}

/** The path with its :parameters filled in, each encoded as one path segment, and the query appended. */
export function fillPath(path: string, params?: Record<string, string>, query?: Record<string, string | undefined>): string {
  const filled = path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name} for ${path}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, value);
  const text = search.toString();
  return text ? `${filled}?${text}` : filled;
}
