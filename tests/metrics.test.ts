import fs from 'node:fs';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSignal, roomToken, send, startCall } from './support/calls.js';
import { startHarness, type Harness } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const TOKEN = 'a-scraper-token-of-at-least-32-characters';

/** A metric's value in Prometheus' text format, by its name and (optionally) its labels as written there. */
function value(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('GET /metrics without METRICS_TOKEN', () => {
  let h: Harness;
  afterAll(() => h?.close());
  it('is off: 404 in the error shape, with or without a token', async () => {
    h = await startHarness();
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
      const response = await h.request('GET', '/metrics', { headers });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const { h, org, cookies } = useHarness({ serve: true, env: { METRICS_TOKEN: TOKEN }, signIn: ['worker'] });
  const sockets: ClientSocket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  const scrape = async () => {
    const response = await h.request('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  it('answers only the scraper with the token: 401 with a Bearer challenge otherwise, changing nothing', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, `Bearer ${TOKEN}x`]) {
      const response = await h.request('GET', '/metrics', { headers: authorization ? { authorization } : {} });
      expect(response.statusCode, authorization).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('counts HTTP requests by route pattern, never by a path with its ids', async () => {
    const before = value(await scrape(), 'naervaer_http_request_duration_seconds_count', 'method="GET",route="/api/health",status="2xx"') ?? 0;
    await h.request('GET', '/api/health');
    await h.request('GET', '/api/health');
    const unknownCall = '0b6f3c1e-8a4e-4c4b-9d8e-2f0a5c7d9e11';
    expect((await h.request('POST', `/api/calls/${unknownCall}/token`, { cookie: cookies.worker })).statusCode).toBe(404);
    const text = await scrape();
    expect(value(text, 'naervaer_http_request_duration_seconds_count', 'method="GET",route="/api/health",status="2xx"')).toBe(before + 2);
    expect(value(text, 'naervaer_http_request_duration_seconds_count', 'method="POST",route="/api/calls/:callId/token",status="4xx"')).toBe(1);
    expect(text).not.toContain(unknownCall);
    expect(text).not.toContain(org.workerEmail);
  });

  it('shows a live call on its media worker, refused signalling messages and the browsers’ quality reports', async () => {
    const callId = await startCall(h, org, cookies.worker);
    const socket = await openSignal(h.baseUrl, await roomToken(h, cookies.worker, callId), sockets);
    expect((await send(socket, 'join', { audioOnly: false })).ok).toBe(true);
    expect((await send(socket, 'createTransport', { direction: 'sideways' })).ok).toBe(false);
    expect((await send(socket, 'quality', { rttMs: 120, packetLossPct: 1.5 })).ok).toBe(true);

    const text = await scrape();
    expect(value(text, 'naervaer_calls_active')).toBe(1);
    expect(value(text, 'naervaer_call_participants')).toBe(1);
    const rooms = text.split('\n').filter((l) => l.startsWith('naervaer_media_worker_rooms{')).map((l) => Number(l.split(' ').at(-1)));
    expect(rooms.reduce((a, b) => a + b, 0)).toBe(1);
    expect(value(text, 'naervaer_signalling_refusals_total', 'message="createTransport",code="bad_request"')).toBe(1);
    expect(value(text, 'naervaer_call_rtt_seconds_count')).toBe(1);
    expect(value(text, 'naervaer_call_rtt_seconds_bucket', 'le="0.15"')).toBe(1);
    expect(value(text, 'naervaer_call_rtt_seconds_bucket', 'le="0.1"')).toBe(0);
    expect(value(text, 'naervaer_call_packet_loss_percent_bucket', 'le="2"')).toBe(1);
    expect(text).not.toContain(callId);
    expect(Number(text.split('\n').find((l) => l.startsWith('naervaer_media_worker_cpu_seconds{'))?.split(' ').at(-1))).toBeGreaterThanOrEqual(0);
  });

  it('shows the reminder outbox: how many are due and how late the oldest is, across organisations', async () => {
    for (const minutesLate of [2, 5]) {
      const [appointment] = await h.admin<{ id: string }[]>`
        insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by)
        values (${org.id}, ${org.workerId}, ${org.citizenId}, now() + make_interval(days => 10 + ${minutesLate}), now() + make_interval(days => 10 + ${minutesLate}) + interval '30 minutes', 'phone', ${org.workerId})
        returning id`;
      await h.admin`
        insert into reminders (organisation_id, citizen_id, appointment_id, kind, channel, due_at, next_attempt_at, idempotency_key)
        values (${org.id}, ${org.citizenId}, ${appointment!.id}, 'appointment', 'sms', now() - make_interval(mins => ${minutesLate}), now() - make_interval(mins => ${minutesLate}), ${`metrics-${minutesLate}`})`;
    }
    const text = await scrape();
    expect(value(text, 'naervaer_reminder_outbox_due')).toBe(2);
    expect(value(text, 'naervaer_reminder_outbox_oldest_due_seconds')).toBeGreaterThanOrEqual(300);
    expect(value(text, 'naervaer_reminder_outbox_oldest_due_seconds')).toBeLessThan(3600);
  });

  it('the Grafana dashboard in docs/ charts only figures the server gives', async () => {
    const dashboard = JSON.parse(fs.readFileSync('docs/grafana-dashboard.json', 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    const given = new Set((await scrape()).split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]));
    for (const name of exprs.flatMap((e) => e.match(/naervaer_[a-z_]+/g) ?? [])) {
      expect(given, name).toContain(name.replace(/_(bucket|count|sum)$/, ''));
    }
  });
});
