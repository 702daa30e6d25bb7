/** The one error shape every failure has: {"error":{"code","message"}}. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what = 'Not found') => new HttpError(404, 'not_found', what);
export const forbidden = (message = 'Your role may not do this') => new HttpError(403, 'forbidden', message);
export const unauthorized = (message = 'Sign in first') => new HttpError(401, 'unauthorized', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);

export interface ErrorBody {
  error: { code: string; message: string };
}

interface PostgresLikeError {
  code?: string;
  constraint_name?: string;
}

/** Maps errors from validation, parsing and the database to the error shape; anything else is a 500. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  const make = (status: number, code: string, message: string, unexpected = false) => ({
    status,
    body: { error: { code, message } },
    unexpected,
  });
  if (error instanceof HttpError) return make(error.statusCode, error.code, error.message);
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
    case '23514':
    case '22P02':
    case '22001':
      return make(400, 'validation', 'A value is not allowed');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return make(e.statusCode, 'bad_request', e.message ?? 'Bad request');
  }
  return make(500, 'internal', 'Something went wrong on the server. Try again.', true);
}

function duplicateMessage(constraint: string | undefined): string {
  if (constraint === 'users_staff_email_unique') return 'A staff member with this e-mail address already exists';
  if (constraint === 'teams_organisation_id_name_key') return 'A team with this name already exists';
  return 'This already exists';
}
