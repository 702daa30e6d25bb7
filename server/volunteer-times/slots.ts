/**
 * A volunteer's free times, computed (never stored) from their weekly pattern minus what is already booked. Pure: the
 * store reads the pattern and the taken ranges, this turns them into instants in the organisation's zone.
 *
 * Wall-clock times hold across DST changes: a Tuesday 10:00 is 10:00 local in winter and in summer (a different UTC
 * instant). A slot whose local start does not exist (the hour skipped in spring) is left out; one that exists twice
 * (the hour repeated in autumn) means the first of the two, as everywhere in the product (server/time.ts).
 */
import { fromLocal } from '../time.js';

export interface WeeklyPattern {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  startMinute: number;
  endMinute: number;
  slotMinutes: number;
  /** YYYY-MM-DD, inclusive. */
  activeFrom: string;
  activeUntil: string | null;
}

export interface Slot {
  /** Local start and end, YYYY-MM-DDTHH:mm. */
  start: string;
  end: string;
  startsAt: Date;
  endsAt: Date;
}

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

/** The local calendar day `n` days after `date` (YYYY-MM-DD). */
export function dayAfter(date: string, n: number): string {
  return new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + n)).toISOString().slice(0, 10);
}

function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * Free slots on the local days [fromDate, fromDate + days), soonest first: each pattern's slots, starting after `now`,
 * not overlapping a taken range (the volunteer's or the citizen's appointments). At most `limit`.
 */
export function freeSlots(
  patterns: readonly WeeklyPattern[],
  taken: readonly { startsAt: Date; endsAt: Date }[],
  zone: string,
  range: { fromDate: string; days: number; now: Date; limit: number },
): Slot[] {
  const slots: Slot[] = [];
  for (let i = 0; i < range.days; i++) {
    const date = dayAfter(range.fromDate, i);
    const weekday = isoWeekday(date);
    for (const p of patterns) {
      if (p.weekday !== weekday || date < p.activeFrom || (p.activeUntil !== null && date > p.activeUntil)) continue;
      for (let m = p.startMinute; m + p.slotMinutes <= p.endMinute; m += p.slotMinutes) {
        const start = `${date}T${clock(m)}`;
        const startsAt = fromLocal(start, zone);
        if (!startsAt || startsAt.getTime() <= range.now.getTime()) continue;
        const endsAt = new Date(startsAt.getTime() + p.slotMinutes * 60_000);
        if (taken.some((t) => t.startsAt < endsAt && startsAt < t.endsAt)) continue;
        if (slots.some((s) => s.startsAt < endsAt && startsAt < s.endsAt)) continue;
        const endMinute = m + p.slotMinutes;
        const end = endMinute === 1440 ? `${dayAfter(date, 1)}T00:00` : `${date}T${clock(endMinute)}`;
        slots.push({ start, end, startsAt, endsAt });
      }
    }
  }
  return slots.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()).slice(0, range.limit);
}

export const minutesOfClock = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const clockOfMinutes = clock;
