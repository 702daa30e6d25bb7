import { fillPath, splitKey, type ReplyOf, type RequestOf } from '../../protocol/contract';
import type { ErrorBody, ErrorCode, OverlapDetail } from '../../protocol/errors';
import type { RouteKey, Routes } from '../../protocol/routes';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The server's code, or `network` when no answer came and `unknown` when the answer was not in the error shape. */
    readonly code: ErrorCode | 'network' | 'unknown',
    message: string,
    /** When an `overlap` refusal collides with another appointment. */
    readonly overlapsWith?: OverlapDetail,
  ) {
    super(message);
  }
}

/** The routes the client calls as JSON (a calendar file is a plain link instead). */
type JsonRouteKey = { [K in RouteKey]: Routes[K] extends { produces: string } ? never : K }[RouteKey];

/** The request parts a route takes; optional as a whole when it takes none. */
type Args<K extends JsonRouteKey> = Partial<RequestOf<Routes[K]>> extends RequestOf<Routes[K]> ? [request?: RequestOf<Routes[K]>] : [request: RequestOf<Routes[K]>];

/**
 * Calls a route by its key in protocol/routes.ts, e.g. `api('POST /api/appointments', { body })`: the body, path
 * parameters, query and reply are the contract's types. Failures become ApiError with the server's code.
 */
export async function api<K extends JsonRouteKey>(key: K, ...[request]: Args<K>): Promise<ReplyOf<Routes[K]>> {
  const { method, path } = splitKey(key);
  const { params, query, body } = (request ?? {}) as { params?: Record<string, string>; query?: Record<string, string | undefined>; body?: unknown };
  let response: Response;
  try {
    response = await fetch(fillPath(path, params, query), {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'No connection to the server');
  }
  if (response.status === 204) return undefined as ReplyOf<Routes[K]>;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data as Partial<ErrorBody> | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'unknown', error?.message ?? response.statusText, error?.overlapsWith);
  }
  // The server serialised this through the route's reply schema.
  return data as ReplyOf<Routes[K]>;
}

/** The URL of a route that is opened as a link, not called (a calendar file). */
export function routeUrl<K extends RouteKey>(key: K, params: RequestOf<Routes[K]>['params']): string {
  return fillPath(splitKey(key).path, params as Record<string, string> | undefined);
}
