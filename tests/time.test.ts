import { describe, expect, it } from 'vitest';
import { addWeeks, danishDateTime, fromLocal, toLocal } from '../server/time.js';

const CPH = 'Europe/Copenhagen';

describe('local time in Europe/Copenhagen', () => {
  it('converts winter and summer times with their own offsets', () => {
    expect(fromLocal('2026-01-15T10:00', CPH)!.toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(fromLocal('2026-07-15T10:00', CPH)!.toISOString()).toBe('2026-07-15T08:00:00.000Z');
  });

  it('refuses the hour that does not exist when clocks go forward (last Sunday of March)', () => {
    expect(fromLocal('2026-03-29T02:30', CPH)).toBeUndefined();
    expect(fromLocal('2026-03-29T01:59', CPH)!.toISOString()).toBe('2026-03-29T00:59:00.000Z');
    expect(fromLocal('2026-03-29T03:00', CPH)!.toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('takes the first of the two 02:30s when clocks go back (last Sunday of October)', () => {
    expect(fromLocal('2026-10-25T02:30', CPH)!.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(toLocal(new Date('2026-10-25T01:30:00Z'), CPH)).toBe('2026-10-25T02:30');
  });

  it('keeps a weekly series at the same wall-clock time across the change', () => {
    const first = '2026-03-19T10:00';
    const series = [0, 1, 2].map((w) => fromLocal(addWeeks(first, w), CPH)!.toISOString());
    expect(series).toEqual(['2026-03-19T09:00:00.000Z', '2026-03-26T09:00:00.000Z', '2026-04-02T08:00:00.000Z']);
  });

  it('writes Danish dates for reminders', () => {
    expect(danishDateTime(new Date('2026-03-30T08:00:00Z'), CPH)).toBe('mandag 30. marts kl. 10.00');
  });
});
