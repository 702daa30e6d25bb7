import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Sql } from 'postgres';
import { buildApp } from '../../server/app.js';
import { loadSigningKeys } from '../../server/auth/keys.js';
import { SESSION_COOKIE } from '../../server/auth/auth.js';
import { TokenService } from '../../server/auth/tokens.js';
import { parseConfig, type Config } from '../../server/config.js';
import { appLoginRoleName } from '../../server/db/app-login.js';
import { connect, connectApp } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { hashPassword } from '../../server/auth/password.js';
import { createOrganisation, upsertUser } from '../../server/people/store.js';
import { createLogger } from '../../server/log.js';
import { startMediaServer } from '../../server/media.js';
import { freePort } from '../../server/db/embedded.js';
import { CLIENT_DIR } from '../../server/paths.js';
import type { MediaServer } from '../../sfu/index.js';

export const PASSWORD = 'correct horse battery staple';

/**
 * PASSWORD's scrypt hash, made once per test process: the seeded staff all share the password, and each hash costs a
 * tenth of a second of CPU (hundreds of organisations are seeded in a run). Each user still gets a real hash; signing
 * in still runs scrypt.
 */
let passwordHash: Promise<string> | undefined;
const sharedPasswordHash = () => (passwordHash ??= hashPassword(PASSWORD));

/**
 * A fresh database (its own, so test files run in parallel) in the test cluster: empty, or with `migrated` a copy of
 * the run's migrated template when there is one (global-setup.ts; benchmarks have none, and migrate it themselves).
 */
export async function freshDatabase(options: { migrated?: boolean } = {}): Promise<{ url: string; admin: Sql; name: string; drop(): Promise<void> }> {
  // Inside vitest the global setup provides the cluster; benchmarks set the variable themselves.
  const inVitest = !process.env.NAERVAER_CLUSTER_URL;
  const clusterUrl = process.env.NAERVAER_CLUSTER_URL ?? (await import('vitest')).inject('clusterUrl');
  const template = options.migrated && inVitest ? (await import('vitest')).inject('templateDatabase') : undefined;
  const name = `naervaer_test_${randomBytes(5).toString('hex')}`;
  const root = connect(clusterUrl, { max: 1 });
  await root.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  const admin = connect(url.toString(), { max: 3 });
  return {
    url: url.toString(),
    admin,
    name,
    async drop() {
      await admin.end({ timeout: 1 });
      await root.unsafe(`drop database if exists ${name} with (force)`);
      // The application login of this database (server/db/app-login.ts) is cluster-wide: it goes with the database.
      await root.unsafe(`drop role if exists ${appLoginRoleName(name)}`);
      await root.end();
    },
  };
}

export interface Org {
  id: string;
  coordinatorId: string;
  coordinatorEmail: string;
  workerId: string;
  workerEmail: string;
  volunteerId: string;
  volunteerEmail: string;
  citizenId: string;
  otherCitizenId: string;
}

export interface Harness {
  app: FastifyInstance;
  /** Superuser URL of this harness's own database (for processes the test starts). */
  databaseUrl: string;
  /** The app's public origin (the listening address with `serve`). */
  baseUrl: string;
  media: MediaServer;
  config: Config;
  admin: Sql;
  sql: Sql;
  tokens: TokenService;
  logs: string[];
  dataDir: string;
  /** Seeds an organisation with one of each role; the worker has `citizenId` in their caseload, not `otherCitizenId`. */
  seedOrganisation(name?: string): Promise<Org>;
  login(email: string, password?: string): Promise<string>;
  request(method: string, url: string, options?: { cookie?: string; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * A fresh database, migrated, and the app built on it. With `serve`, the app also listens on a free loopback port
 * (PUBLIC_URL is that address, so browsers and socket.io pass the origin check) and serves the built client.
 */
export async function startHarness(env: Record<string, string> = {}, options: { serve?: boolean; clientDir?: string } = {}): Promise<Harness> {
  const port = options.serve ? await freePort() : 0;
  if (options.serve) env = { PUBLIC_URL: `http://127.0.0.1:${port}`, ...env };
  const database = await freshDatabase({ migrated: true });
  // Already migrated when copied from the template: then this only checks that the files still match.
  await migrate(database.admin);
  // The app pool logs in as the database's own application login (not the superuser), as the server's does.
  const sql = await connectApp(database.admin, database.url, { max: 5 });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naervaer-test-'));
  const config = parseConfig({
    PUBLIC_URL: 'http://naervaer.test', DATA_DIR: dataDir, LOG_LEVEL: 'info', SIGN_IN_RATE_LIMIT: '10000',
    MEDIA_WORKERS: '1', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1', ...env,
  });
  const tokens = new TokenService(loadSigningKeys(config));
  const logs: string[] = [];
  const media = await startMediaServer(config, createLogger({ level: 'silent' }));
  const log = createLogger({ level: config.logLevel, stream: { write: (line: string) => void logs.push(line) } });
  const app = await buildApp(config, { sql, tokens, media, log, clientDir: options.clientDir ?? (options.serve ? CLIENT_DIR : path.join(dataDir, 'no-client')) });
  await app.ready();
  if (options.serve) await app.listen({ port, host: '127.0.0.1' });

  const harness: Harness = {
    app, databaseUrl: database.url, baseUrl: config.publicUrl.origin, media, config, admin: database.admin, sql, tokens, logs, dataDir,
    async seedOrganisation(name = 'Testkommune') {
      const tag = randomBytes(4).toString('hex');
      const id = await createOrganisation(database.admin, name);
      const email = (role: string) => `${role}-${tag}@${name.toLowerCase().replace(/[^a-z]/g, '')}.dk`;
      const coordinatorId = await upsertUser(database.admin, { organisationId: id, role: 'coordinator', displayName: 'Karin Koordinator', email: email('coordinator') });
      const workerId = await upsertUser(database.admin, { organisationId: id, role: 'worker', displayName: 'Bo Bostøtte', email: email('worker') });
      const volunteerId = await upsertUser(database.admin, { organisationId: id, role: 'volunteer', displayName: 'Frida Frivillig', email: email('volunteer') });
      await database.admin`update users set password_hash = ${await sharedPasswordHash()} where id in (${coordinatorId}, ${workerId}, ${volunteerId})`;
      const citizenId = await upsertUser(database.admin, { organisationId: id, role: 'citizen', displayName: 'Carl Borger', phone: '+4512345678' });
      const otherCitizenId = await upsertUser(database.admin, { organisationId: id, role: 'citizen', displayName: 'Dorte Borger' });
      await database.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${id}, ${workerId}, ${citizenId})`;
      return {
        id, coordinatorId, coordinatorEmail: email('coordinator'), workerId, workerEmail: email('worker'),
        volunteerId, volunteerEmail: email('volunteer'), citizenId, otherCitizenId,
      };
    },
    async login(email, password = PASSWORD) {
      const response = await harness.request('POST', '/api/auth/login', { body: { email, password } });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      return sessionCookie(response);
    },
    async request(method, url, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (!['GET', 'HEAD'].includes(method) && !('origin' in headers)) headers.origin = config.publicUrl.origin;
      if (options.cookie) headers.cookie = options.cookie;
      const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      if (payload !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
      return app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
    },
    async close() {
      await app.close();
      await media.close();
      await sql.end({ timeout: 1 });
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The `name=value` of the session cookie a response set, ready for a Cookie header. */
export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('no session cookie set');
  return `${SESSION_COOKIE}=${cookie.value}`;
}

export async function count(admin: Sql, table: string): Promise<number> {
  const [row] = await admin.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`);
  return row!.n;
}
