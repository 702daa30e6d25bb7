/**
 * Issue 9: "Bo er klar" by Web Push. A local push service stands in for FCM/Mozilla/Apple and speaks their protocol
 * (RFC 8030): it takes the POST, checks the VAPID signature (RFC 8292) against the server's public key with jose, and
 * decrypts the payload (RFC 8291, aes128gcm) with the subscription's private key — written here with node:crypto, not
 * web-push's code, so the server's encryption is checked by an independent implementation.
 */
import { createECDH, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config.js';
import { isAllowedPushEndpoint } from '../server/push/endpoint.js';
import { retentionStore } from '../server/retention/store.js';
import { loadVapidKeys, newVapidKeys, vapidKeysFile } from '../server/push/keys.js';
import { citizenCookie } from './support/calls.js';
import { useHarness } from './support/use-harness.js';
import { useOutbound } from './support/use-channels.js';

const { h, org, cookies } = useHarness({ signIn: ['worker'] });
const outbound = useOutbound(h);

// ---- A push service (RFC 8030) on loopback ----

interface PushRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

class PushService {
  readonly received: PushRequest[] = [];
  /** Status to answer per device path (default 201 Created, as push services answer). */
  readonly answers = new Map<string, number>();
  private server: http.Server | undefined;
  origin = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        const status = req.method === 'POST' ? (this.answers.get(req.url ?? '') ?? 201) : 405;
        res.writeHead(status, status === 201 ? { location: `${this.origin}/message/${randomUUID()}` } : {});
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** A browser's side of a subscription: its P-256 key pair and auth secret (what PushManager.subscribe makes). */
function newDevice(service: PushService) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const path = `/wpush/v2/${randomBytes(12).toString('base64url')}`;
  return {
    ecdh, auth, path,
    subscription: { endpoint: `${service.origin}${path}`, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
  };
}

/** RFC 8291 §3.4 and RFC 8188: the aes128gcm content coding, decrypted with the device's private key. */
function decrypt(device: ReturnType<typeof newDevice>, body: Buffer): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const senderPublicKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  expect(idLength).toBe(65);
  expect(ciphertext.length).toBeLessThanOrEqual(recordSize);
  const sharedSecret = device.ecdh.computeSecret(senderPublicKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.ecdh.getPublicKey(), senderPublicKey]);
  const ikm = Buffer.from(hkdfSync('sha256', sharedSecret, device.auth, keyInfo, 32));
  const key = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', key, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record: the data, then the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  expect(padded[end]).toBe(2);
  return padded.subarray(0, end).toString('utf8');
}

/** RFC 8292: `vapid t=<JWT signed ES256 by the server's key>, k=<that public key>`; the JWT's aud is the endpoint's origin. */
async function verifyVapid(authorization: string | undefined, expectedKey: string, audience: string): Promise<{ sub: string }> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  expect(match, authorization).not.toBeNull();
  const [, jwt, k] = match!;
  expect(k).toBe(expectedKey);
  const point = Buffer.from(k!, 'base64url');
  const publicKey = await importJWK({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') }, 'ES256');
  const { payload } = await jwtVerify(jwt!, publicKey, { algorithms: ['ES256'], audience });
  expect(payload.exp! - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600);
  expect(payload.sub).toMatch(/^(mailto:|https:)/);
  return { sub: payload.sub! };
}

const service = new PushService();
let citizen: string;
let publicKey: string;
beforeAll(async () => {
  await service.start();
  citizen = await citizenCookie(h, org, cookies.worker);
  const key = await h.request('GET', '/api/push/key');
  expect(key.statusCode).toBe(200);
  publicKey = key.json().publicKey;
});
afterAll(() => service.stop());

async function endOpenCalls(): Promise<void> {
  for (const call of (await h.request('GET', '/api/calls/open', { cookie: cookies.worker })).json() as { id: string }[]) {
    expect((await h.request('POST', `/api/calls/${call.id}/end`, { cookie: cookies.worker })).statusCode).toBe(204);
  }
}

async function subscribe(device: ReturnType<typeof newDevice>, cookie = citizen): Promise<void> {
  const response = await h.request('PUT', '/api/my/push-subscription', { cookie, body: device.subscription });
  expect(response.statusCode, response.body).toBe(204);
}

const subscriptionRows = (userId: string) => h.admin<{ endpoint: string }[]>`select endpoint from push_subscriptions where user_id = ${userId}`;

describe('Web Push: "Bo er klar"', () => {
  it('the public VAPID key is a P-256 point, the same on every call', async () => {
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(publicKey, 'base64url')[0]).toBe(4);
    expect((await h.request('GET', '/api/push/key')).json().publicKey).toBe(publicKey);
  });

  it('a worker starts a session → the citizen\'s device gets one encrypted, signed push naming no one but the worker\'s first name', async () => {
    const device = newDevice(service);
    await subscribe(device);
    const call = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    expect(call.statusCode).toBe(201);
    expect(call.json().notice).toBe('push');

    await outbound.dispatcher.drain();
    const pushes = service.received.filter((r) => r.path === device.path);
    expect(pushes).toHaveLength(1);
    const push = pushes[0]!;
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    // The same topic on every attempt of this notice: a push service keeps only the newest for an offline phone.
    expect(push.headers.topic).toMatch(/^[0-9a-f]{32}$/);
    expect(push.headers.urgency).toBe('high');
    expect(Number(push.headers.ttl)).toBeGreaterThan(0);
    await verifyVapid(push.headers.authorization, publicKey, service.origin);

    const payload = JSON.parse(decrypt(device, push.body));
    expect(payload).toEqual({ title: 'Bo er klar til jeres videosamtale', body: 'Tryk for at deltage.', url: '/' });
    expect(JSON.stringify(payload)).not.toMatch(/Carl|Borger|Bostøtte|Testkommune/);
    // Push, not SMS as well; and recorded as sent, once.
    expect(outbound.gateway.delivered).toHaveLength(0);
    expect(await h.admin`select channel, status from reminders where call_session_id = ${call.json().id}`).toEqual([{ channel: 'push', status: 'sent' }]);
    await outbound.dispatcher.drain();
    expect(service.received.filter((r) => r.path === device.path)).toHaveLength(1);
    await endOpenCalls();
  });

  it('a push service answering 410 Gone: the subscription is deleted', async () => {
    await h.admin`delete from push_subscriptions`;
    const device = newDevice(service);
    await subscribe(device);
    expect(await subscriptionRows(org.citizenId)).toHaveLength(1);
    service.answers.set(device.path, 410);

    const call = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    expect(call.json().notice).toBe('push');
    await outbound.dispatcher.drain();
    expect(service.received.filter((r) => r.path === device.path)).toHaveLength(1);
    expect(await subscriptionRows(org.citizenId)).toEqual([]);
    // No device left, and the citizen allows neither SMS nor e-mail: not sent, and the row says why.
    expect(await h.admin`select channel, status, last_error from reminders where call_session_id = ${call.json().id}`).toEqual([
      { channel: 'push', status: 'cancelled', last_error: 'no device takes notifications any more, and SMS or e-mail may not be used now' },
    ]);
    expect(outbound.gateway.delivered).toHaveLength(0);
    await endOpenCalls();

    // With no device left, the next session is not announced by push (the citizen gave no SMS or e-mail consent).
    const next = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    expect(next.json().notice).toBe('none');
    await endOpenCalls();
  });

  it('when the only device is gone, the notice goes by SMS instead, if the citizen allows SMS', async () => {
    await h.admin`delete from push_subscriptions`;
    const device = newDevice(service);
    await subscribe(device);
    service.answers.set(device.path, 410);
    await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { smsReminders: true, remindersAtNight: true } });
    try {
      const call = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
      expect(call.json().notice).toBe('push');
      await outbound.dispatcher.drain();
      expect(outbound.gateway.delivered.map((s) => s.message)).toEqual([expect.stringMatching(/^Bo er klar til jeres videosamtale\. Tryk her: http:\/\/naervaer\.test\/join#/)]);
      expect(await h.admin`select channel, status from reminders where call_session_id = ${call.json().id}`).toEqual([{ channel: 'sms', status: 'sent' }]);
      await endOpenCalls();
    } finally {
      await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { smsReminders: false, remindersAtNight: false } });
    }
  });

  it('a temporary failure (503) is retried, a 404 also deletes', async () => {
    await h.admin`delete from push_subscriptions`;
    const device = newDevice(service);
    await subscribe(device);
    service.answers.set(device.path, 503);
    const call = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    await outbound.dispatcher.drain();
    const [pending] = await h.admin<{ status: string; attempts: number; last_error: string }[]>`
      select status, attempts, last_error from reminders where call_session_id = ${call.json().id}`;
    expect(pending).toEqual({ status: 'pending', attempts: 1, last_error: 'push service answered 503' });
    service.answers.set(device.path, 404);
    await h.admin`update reminders set next_attempt_at = now() where call_session_id = ${call.json().id}`;
    await outbound.dispatcher.drain();
    expect(await subscriptionRows(org.citizenId)).toEqual([]);
    await endOpenCalls();
  });

  it('subscribing: only a push service\'s address; again refreshes; unsubscribing and signing out delete it', async () => {
    await h.admin`delete from push_subscriptions`;
    const refused = await h.request('PUT', '/api/my/push-subscription', {
      cookie: citizen, body: { ...newDevice(service).subscription, endpoint: 'https://intranet.kommune.dk/admin' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('validation');
    expect(await subscriptionRows(org.citizenId)).toEqual([]);

    const device = newDevice(service);
    await subscribe(device);
    await subscribe(device);
    expect(await subscriptionRows(org.citizenId)).toEqual([{ endpoint: device.subscription.endpoint }]);

    const gone = await h.request('DELETE', '/api/my/push-subscription', { cookie: citizen, body: { endpoint: device.subscription.endpoint } });
    expect(gone.statusCode).toBe(204);
    expect(await subscriptionRows(org.citizenId)).toEqual([]);

    // A device's notifications end with the sign-in on it.
    const signedIn = await citizenCookie(h, org, cookies.worker);
    await subscribe(device, signedIn);
    expect(await subscriptionRows(org.citizenId)).toHaveLength(1);
    expect((await h.request('POST', '/api/auth/logout', { cookie: signedIn })).statusCode).toBe(204);
    expect(await subscriptionRows(org.citizenId)).toEqual([]);
  });

  it('retention: a subscription whose sign-in expired is not pushed to, and goes when that sign-in is deleted', async () => {
    await h.admin`delete from push_subscriptions`;
    const signedIn = await citizenCookie(h, org, cookies.worker);
    await subscribe(newDevice(service), signedIn);
    const [row] = await h.admin<{ auth_session_id: string }[]>`select auth_session_id from push_subscriptions where user_id = ${org.citizenId}`;
    await h.admin`update auth_sessions set created_at = now() - interval '100 days', expires_at = now() - interval '40 days' where id = ${row!.auth_session_id}`;
    // …and so did the sign-in link it came from (a sign-in is kept while its link is).
    await h.admin`
      update citizen_links set created_at = now() - interval '100 days', expires_at = now() - interval '90 days', used_at = now() - interval '99 days'
      where session_id = ${row!.auth_session_id}`;
    // Expired: no longer a way to tell the citizen.
    const call = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
    expect(call.json().notice).toBe('none');
    await endOpenCalls();
    // The organisation's link/sign-in retention (30 days by default) deletes the sign-in, and the subscription with it.
    const outcome = await retentionStore(h.sql).apply();
    expect(outcome).toContainEqual({ organisationId: org.id, category: 'sign_ins_deleted', affected: expect.any(Number) });
    expect(await subscriptionRows(org.citizenId)).toEqual([]);
  });

  it('a browser is one person\'s: another citizen subscribing it takes it over', async () => {
    await h.admin`delete from push_subscriptions`;
    const device = newDevice(service);
    await subscribe(device);
    const [other] = await h.admin<{ id: string }[]>`
      insert into auth_sessions (organisation_id, user_id, expires_at) values (${org.id}, ${org.otherCitizenId}, now() + interval '1 day') returning id`;
    const otherCookie = `naervaer_session=${await h.tokens.sign({ sub: org.otherCitizenId, org: org.id, role: 'citizen', sid: other!.id }, 'session', new Date(Date.now() + 86_400_000))}`;
    await subscribe(device, otherCookie);
    expect(await subscriptionRows(org.citizenId)).toEqual([]);
    expect(await subscriptionRows(org.otherCitizenId)).toHaveLength(1);
  });

  it('staff cannot subscribe (routes for citizens only), and bad bodies change nothing', async () => {
    await h.admin`delete from push_subscriptions`;
    expect((await h.request('PUT', '/api/my/push-subscription', { cookie: cookies.worker, body: newDevice(service).subscription })).statusCode).toBe(403);
    const bad = await h.request('PUT', '/api/my/push-subscription', { cookie: citizen, body: { endpoint: `${service.origin}/x/y/z`, keys: { p256dh: 'short', auth: 'short' } } });
    expect(bad.statusCode).toBe(400);
    expect(await h.admin`select count(*)::int as n from push_subscriptions`).toEqual([{ n: 0 }]);
  });
});

describe('the VAPID key pair', () => {
  it('is generated once into DATA_DIR/keys (readable by the server\'s user only) and the same on every start', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-vapid-'));
    try {
      const first = loadVapidKeys({ vapidKeys: undefined, dataDir });
      expect(fs.statSync(vapidKeysFile(dataDir)).mode & 0o777).toBe(0o600);
      expect(loadVapidKeys({ vapidKeys: undefined, dataDir })).toEqual(first);
      // …and it is the pair this server's push key route gives out.
      expect(loadVapidKeys({ vapidKeys: undefined, dataDir: h.dataDir }).publicKey).toBe(publicKey);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('VAPID_KEYS wins over the file, so several hosts can share one pair', () => {
    const given = newVapidKeys();
    const parsed = parseConfig({ VAPID_KEYS: `${given.publicKey}:${given.privateKey}`, DATA_DIR: h.dataDir });
    expect(loadVapidKeys(parsed)).toEqual(given);
  });
});

describe('which push endpoints are taken', () => {
  const production = parseConfig({ PUBLIC_URL: 'https://video.kommune.dk' }).publicUrl;
  const development = parseConfig({ PUBLIC_URL: 'http://localhost:8080' }).publicUrl;

  it('in production: https on the browsers\' push services only', () => {
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/abc:def', 'https://updates.push.services.mozilla.com/wpush/v2/gAAA',
      'https://web.push.apple.com/QOa5', 'https://wns2-db5p.notify.windows.com/w/?token=BQYAAA',
    ]) expect(isAllowedPushEndpoint(endpoint, production), endpoint).toBe(true);
    for (const endpoint of [
      'http://fcm.googleapis.com/fcm/send/abc', 'https://fcm.googleapis.com.evil.dk/x', 'https://169.254.169.254/latest/meta-data',
      'https://intranet.kommune.dk/', 'http://127.0.0.1:9000/push', 'https://fcm.googleapis.com:8443/x', 'https://user@fcm.googleapis.com/x', 'not a url',
    ]) expect(isAllowedPushEndpoint(endpoint, production), endpoint).toBe(false);
  });

  it('an http:// installation (development, tests) also takes a push service on loopback', () => {
    expect(isAllowedPushEndpoint('http://127.0.0.1:9000/push/1', development)).toBe(true);
    expect(isAllowedPushEndpoint('http://192.168.1.5:9000/push/1', development)).toBe(false);
  });
});
