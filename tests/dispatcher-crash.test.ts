import { describe, expect, it } from 'vitest';
import { useHarness } from './support/use-harness.js';
import { useDispatcherProcesses } from './support/dispatcher-processes.js';

const { h, org } = useHarness();
const { gateway, start: dispatcherProcess } = useDispatcherProcesses(h);

const REMINDERS = 400;

describe('the dispatcher as a process', () => {
  it('killed mid-batch with SIGKILL and restarted (twice over): every reminder arrives exactly once, none lost', async () => {
    await h.admin`insert into citizen_settings (citizen_id, organisation_id, sms_reminders, consent_recorded_at, consent_recorded_by) values (${org.citizenId}, ${org.id}, true, now(), ${org.workerId})`;
    const [schedule] = await h.admin<{ id: string }[]>`
      insert into medication_schedules (organisation_id, citizen_id, times_of_day, weekdays, wording, created_by)
      values (${org.id}, ${org.citizenId}, '{08:00}', '{1,2,3,4,5,6,7}', 'Husk medicin', ${org.workerId}) returning id`;
    await h.admin`
      insert into reminders (organisation_id, citizen_id, medication_schedule_id, kind, channel, due_at, next_attempt_at, idempotency_key)
      select ${org.id}, ${org.citizenId}, ${schedule!.id}, 'medication', 'sms', now(), now(), 'crash-test:' || n
      from generate_series(1, ${REMINDERS}) n`;

    gateway.delayMs = 15; // slow enough that a batch is in flight when the kill comes
    const first = dispatcherProcess();
    await expect.poll(() => gateway.delivered.length, { timeout: 30_000, interval: 20 }).toBeGreaterThan(40);
    first.kill('SIGKILL');
    const sentBeforeKill = (await h.admin`select count(*)::int as n from reminders where status = 'sent'`)[0]!.n as number;
    expect(sentBeforeKill).toBeLessThan(REMINDERS);

    const second = dispatcherProcess();
    const third = dispatcherProcess();
    await expect.poll(async () => (await h.admin`select count(*)::int as n from reminders where status = 'sent'`)[0]!.n, { timeout: 60_000, interval: 200 }).toBe(REMINDERS);
    second.kill('SIGTERM');
    third.kill('SIGTERM');

    // exactly once: every reminder reached the citizen's phone once, none twice (the idempotency key stopped the
    // repeats of rows that had gone out when the kill came but were not yet marked sent) …
    const keys = gateway.delivered.map((d) => d.key).sort();
    const expected = Array.from({ length: REMINDERS }, (_, i) => `crash-test:${i + 1}`).sort();
    expect(keys).toEqual(expected);
    // … and none lost: every row is marked sent with the provider's id for its own message, nothing left leased
    const rows = await h.admin<{ sent: number; ids: number; leased: number }[]>`
      select count(*) filter (where status = 'sent' and provider_message_id <> '')::int as sent,
             count(distinct provider_message_id)::int as ids, count(leased_until)::int as leased
      from reminders where idempotency_key like 'crash-test:%'`;
    expect(rows).toEqual([{ sent: REMINDERS, ids: REMINDERS, leased: 0 }]);
  });
});
