/**
 * Building blocks every feature's contract uses: the string types we accept from people and programs, ids, roles,
 * languages and the time formats. A feature's own shapes live in protocol/<feature>.ts.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** Unknown fields are an error, not silently dropped. */
export const strict = { additionalProperties: false } as const;

/**
 * Every string a person or program sends us is one of these: no control characters (U+0000–U+001F, U+007F–U+009F).
 * NUL cannot be stored by PostgreSQL at all, and the others only hide or garble what staff later read. Multi-line
 * fields (notes) also accept newline, carriage return and tab. `nonBlank` needs at least one visible character.
 */
export function Text(options: { maxLength: number; minLength?: number; multiline?: boolean; nonBlank?: boolean; description?: string; format?: string }) {
  const { multiline = false, nonBlank = false, ...rest } = options;
  const allowed = multiline ? '[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]' : '[^\\u0000-\\u001f\\u007f-\\u009f]';
  return Type.String({ ...rest, pattern: `^${nonBlank ? '(?=[\\s\\S]*\\S)' : ''}${allowed}*$` });
}

export const Uuid = Type.String({ format: 'uuid' });
export const Role = Type.Union([Type.Literal('citizen'), Type.Literal('worker'), Type.Literal('volunteer'), Type.Literal('coordinator')]);
export type Role = Static<typeof Role>;
export const Language = Type.Union([Type.Literal('da'), Type.Literal('en'), Type.Literal('sv')]);
export type Language = Static<typeof Language>;
export const Email = Text({ format: 'email', maxLength: 254 });
export const Phone = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, e.g. +4512345678' });
export const Name = Text({ minLength: 1, maxLength: 200, nonBlank: true });
export const NewPassword = Text({ minLength: 12, maxLength: 256, description: 'At least 12 characters' });
export const Timestamp = Type.String({ format: 'date-time' });
/** A calendar day, e.g. 2026-03-30; the server checks that it exists (no 2027-02-30). */
export const CalendarDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
/** Local wall-clock time in the organisation's zone, e.g. 2026-03-30T10:00. */
export const LocalDateTime = Type.String({ format: 'local-date-time', description: 'Local time in the organisation’s zone, YYYY-MM-DDTHH:mm' });

export const Modality = Type.Union([Type.Literal('video'), Type.Literal('phone'), Type.Literal('home_visit'), Type.Literal('chat')]);
export type Modality = Static<typeof Modality>;
export const PreferredModality = Type.Union([Type.Literal('video'), Type.Literal('phone'), Type.Literal('home_visit')]);

/** The empty reply of a 204. */
export const NoContent = Type.Null();
