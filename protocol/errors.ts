/**
 * Every failure, over HTTP or signalling, is {"error":{"code","message"}} with a code from this closed list. The client
 * switches on the code (and translates it); the message is English for logs and API users, never parsed.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LocalDateTime, strict } from './common.js';

export const ERROR_CODES = [
  // the request itself
  'bad_request', 'validation', 'bad_json', 'bad_url', 'too_large', 'uri_too_long', 'headers_too_large', 'timeout', 'unsupported_media_type',
  // who is asking
  'unauthorized', 'invalid_credentials', 'wrong_password', 'forbidden', 'csrf', 'rate_limited',
  // what is asked for
  'not_found', 'conflict', 'overlap',
  // links
  'link_invalid', 'link_expired', 'link_revoked', 'link_used',
  // sending a message to a citizen: no mobile number / e-mail on file, or the SMS gateway / mail server refused it
  'no_address', 'send_failed',
  // calls; 'moved': the call runs on another host now (several hosts, issue 14): ask for a new room token;
  // 'unavailable': no media host is live to run a call on
  'not_started', 'session_ended', 'removed', 'moved', 'unavailable',
  // duty: another staff member took the request first
  'already_claimed',
  // the media server (sfu/types.ts SfuError): a room or peer limit, or media it cannot take
  'limit_reached', 'unsupported',
  // signalling only
  'unknown_message', 'bad_state', 'gone', 'replaced',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What an `overlap` refusal collides with, so the screen can say when (local times in the organisation's zone). */
export const OverlapDetail = Type.Object({ start: LocalDateTime, end: LocalDateTime }, strict);
export type OverlapDetail = Static<typeof OverlapDetail>;

export const ErrorCodeSchema = Type.Union(ERROR_CODES.map((code) => Type.Literal(code)));
export const ErrorBody = Type.Object({
  error: Type.Object({
    code: ErrorCodeSchema,
    message: Type.String(),
    /** Only on `overlap`. */
    overlapsWith: Type.Optional(OverlapDetail),
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;
