/**
 * `npm run bench:reminders`: 100,000 due reminders sent by three dispatcher processes (`dist/server/cli/dispatcher.js`,
 * so run `npm run build` first) to the local SMS contract server. Prints one JSON line last: how long, how many per
 * second, and how many arrived twice or never (both must be 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { benchCluster } from './cluster.js';
import { startHarness } from '../tests/support/harness.js';
import { SmsGatewayStub } from '../tests/support/sms-gateway.js';

const REMINDERS = Number(process.env.BENCH_REMINDERS ?? 100_000);
const DISPATCHERS = 3;

const cluster = await benchCluster();
const h = await startHarness({ LOG_LEVEL: 'warn' });
const gateway = new SmsGatewayStub();
const children: ChildProcess[] = [];
try {
  const gatewayUrl = await gateway.start();
  const org = await h.seedOrganisation();
  await h.admin`insert into citizen_settings (citizen_id, organisation_id, sms_reminders, consent_recorded_at, consent_recorded_by) values (${org.citizenId}, ${org.id}, true, now(), ${org.workerId})`;
  const [schedule] = await h.admin<{ id: string }[]>`
    insert into medication_schedules (organisation_id, citizen_id, times_of_day, weekdays, wording, created_by, active)
    values (${org.id}, ${org.citizenId}, '{08:00}', '{1}', 'Husk medicin', ${org.workerId}, true) returning id`;
  await h.admin`
    insert into reminders (organisation_id, citizen_id, medication_schedule_id, kind, channel, due_at, next_attempt_at, idempotency_key)
    select ${org.id}, ${org.citizenId}, ${schedule!.id}, 'medication', 'sms', now(), now(), 'bench:' || n from generate_series(1, ${REMINDERS}) n`;

  const started = performance.now();
  for (let i = 0; i < DISPATCHERS; i++) {
    children.push(spawn(process.execPath, ['dist/server/cli/dispatcher.js'], {
      env: { ...process.env, DATABASE_URL: h.databaseUrl, PUBLIC_URL: 'http://naervaer.test', SMS_GATEWAY_URL: gatewayUrl, SMS_GATEWAY_TOKEN: gateway.token },
      stdio: 'ignore',
    }));
  }
  for (;;) {
    const [row] = await h.admin<{ n: number }[]>`select count(*)::int as n from reminders where status = 'sent' and idempotency_key like 'bench:%'`;
    if (row!.n >= REMINDERS) break;
    if (performance.now() - started > 15 * 60_000) throw new Error(`only ${row!.n} sent after 15 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const seconds = (performance.now() - started) / 1000;
  const keys = gateway.delivered.filter((d) => d.key.startsWith('bench:')).map((d) => d.key);
  const unique = new Set(keys).size;
  console.log(JSON.stringify({
    reminders: REMINDERS, dispatchers: DISPATCHERS, seconds: Math.round(seconds * 10) / 10,
    per_second: Math.round(REMINDERS / seconds), duplicates: keys.length - unique, lost: REMINDERS - unique,
  }));
} finally {
  for (const c of children) c.kill('SIGTERM');
  await gateway.stop();
  await h.close();
  await cluster.stop();
}
