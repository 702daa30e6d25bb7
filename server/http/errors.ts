import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody, ErrorCode, OverlapDetail } from '../../protocol/errors.js';

/** The one error shape every failure has: {"error":{"code","message"}}. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    /** Only with `overlap`: what the request collides with. */
    readonly overlapsWith?: OverlapDetail,
  ) {
    super(message);
  }
}

export const notFound = (what = 'Not found') => new HttpError(404, 'not_found', what);
export const forbidden = (message = 'Your role may not do this') => new HttpError(403, 'forbidden', message);
export const unauthorized = (message = 'Sign in first') => new HttpError(401, 'unauthorized', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);

interface PostgresLikeError {
  code?: string;
  constraint_name?: string;
}

/** Maps errors from validation, parsing and the database to the error shape; anything else is a 500. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  const make = (status: number, code: ErrorCode, message: string, unexpected = false): { status: number; body: ErrorBody; unexpected: boolean } => ({
    status,
    body: { error: { code, message } },
    unexpected,
  });
  if (error instanceof HttpError) {
    const made = make(error.statusCode, error.code, error.message);
    if (error.overlapsWith) made.body.error.overlapsWith = error.overlapsWith;
    return made;
  }
  const e = error as { code?: string; statusCode?: number; message?: string; validation?: unknown; validationContext?: string };
  if (e.validation) return make(400, 'validation', e.message ?? 'Invalid request');
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return make(400, 'bad_json', 'The request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return make(413, 'too_large', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return make(415, 'unsupported_media_type', 'Send JSON (Content-Type: application/json)');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return make(400, 'bad_request', 'Content-Length does not match the body');
  }
  const pg = error as PostgresLikeError;
  switch (pg.code) {
    case '23505':
      return make(409, 'conflict', duplicateMessage(pg.constraint_name));
    case '23503':
      return make(404, 'not_found', 'A referenced record does not exist');
    // A check constraint, a malformed or too long value, a date out of range, and — should a field ever slip past the
    // schemas' Text type — a NUL character (22021) or one the database encoding cannot hold (22P05).
    case '23514':
    case '22P02':
    case '22001':
    case '22021':
    case '22P05':
    case '22007':
    case '22008':
      return make(400, 'validation', 'A value is not allowed');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own messages can quote the request (its URL, a header); the status text says enough.
    return make(e.statusCode, 'bad_request', STATUS_CODES[e.statusCode] ?? 'Bad request');
  }
  return make(500, 'internal', 'Something went wrong on the server. Try again.', true);
}

function duplicateMessage(constraint: string | undefined): string {
  if (constraint === 'users_staff_email_unique') return 'A staff member with this e-mail address already exists';
  if (constraint === 'teams_organisation_id_name_key') return 'A team with this name already exists';
  return 'This already exists';
}

/**
 * Fastify's `frameworkErrors`: answers for requests the router could not even match — a URL that does not decode
 * (FST_ERR_BAD_URL) or a path parameter over the length limit (FST_ERR_MAX_PARAM_LENGTH). Same shape as every other
 * error, and nothing of the request is repeated back.
 */
export function frameworkError(error: { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const [status, code, message]: [number, ErrorCode, string] = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? [414, 'uri_too_long', 'A part of the address is too long']
    : [400, 'bad_url', 'The address is not valid'];
  void reply.code(status).header('cache-control', 'no-store').send({ error: { code, message } } satisfies ErrorBody);
}

/**
 * Node's `clientError` (Fastify's `clientErrorHandler`): the request could not be parsed as HTTP at all — headers too
 * large (431), a malformed request line or header (400), too slow (408). No request object exists yet, so the answer
 * is written straight to the socket, in the error shape.
 */
export function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headers_too_large', 'The request headers or address are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'timeout', 'The request took too long to arrive']
        : [400, 'bad_request', 'The request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
