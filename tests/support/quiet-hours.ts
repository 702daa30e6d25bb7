import type { Harness } from './harness.js';

/** The organisation's quiet hours, in its own zone, either around this moment or well away from it (not by waiting). */
export async function setQuietHours(h: Harness, organisationId: string, now: 'quiet' | 'not quiet'): Promise<void> {
  const [from, to] = now === 'quiet' ? ['-1 hour', '1 hour'] : ['2 hours', '3 hours'];
  await h.admin`
    update organisations set quiet_hours_start = ((now() at time zone time_zone) + ${from}::interval)::time,
                             quiet_hours_end = ((now() at time zone time_zone) + ${to}::interval)::time
    where id = ${organisationId}`;
}
