import type { FastifyServerOptions } from 'fastify';

/** Fastify's Ajv instance, named through Fastify so we do not depend on Ajv's package directly. */
type Ajv = Parameters<NonNullable<NonNullable<FastifyServerOptions['ajv']>['onCreate']>>[0];

/**
 * String formats the API schemas use (protocol/common.ts and each feature's protocol/<feature>.ts), checked for real: a date must exist in the calendar.
 * ajv-formats' `date` lets year 0000 through, which JavaScript's Date.UTC quietly reads as 1900, so the API takes
 * years 1900–9999 only.
 */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

export function isDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Wall-clock time without zone, e.g. 2026-03-30T10:00 (whether it exists in the organisation's zone is the booking's check). */
export function isLocalDateTime(value: string): boolean {
  const m = LOCAL_DATE_TIME.exec(value);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) && Number(m[4]) <= 23 && Number(m[5]) <= 59;
}

export const API_FORMATS = {
  date: { type: 'string', validate: isDate },
  'local-date-time': { type: 'string', validate: isLocalDateTime },
} as const;

/** Registers our formats on Fastify's request validator, after ajv-formats so that ours replace its `date`. */
export function addApiFormats(ajv: Ajv): void {
  for (const [name, format] of Object.entries(API_FORMATS)) ajv.addFormat(name, format);
}
