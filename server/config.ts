import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from './log.js';

/**
 * Configuration is read once from the environment at start-up. Every variable is one row of SETTINGS below: its name,
 * its default, its description and how its text is read. Parsing, the defaults, the README's configuration table and
 * the docker-compose check all come from that table (tests/config.test.ts and tests/deployment.test.ts hold the README
 * and docker-compose.yml to it), so it stays the single truth.
 */
export interface Config {
  port: number;
  host: string;
  publicUrl: URL;
  databaseUrl: string | undefined;
  appDatabaseUrl: string | undefined;
  dataDir: string;
  logLevel: LogLevel;
  signingKeys: string | undefined;
  /** Web Push key pair `publicKey:privateKey` (server/push/keys.ts); generated in DATA_DIR/keys when unset. */
  vapidKeys: string | undefined;
  /** false, a number of proxy hops, or the proxies' addresses/CIDRs (Fastify's `trustProxy`). */
  trustProxy: TrustProxy;
  staffSessionHours: number;
  citizenSessionDays: number;
  citizenLinkHours: number;
  signInRateLimitPerMinute: number;
  smtpUrl: string | undefined;
  smtpFrom: string | undefined;
  smsGatewayUrl: string | undefined;
  smsGatewayToken: string | undefined;
  smsSender: string;
  /** The shared secret of the SMS gateway's incoming-message webhook (its JWT signature, HS256); unset: replies are refused. */
  smsWebhookSecret: string | undefined;
  dispatcherInServer: boolean;
  dispatchLeaseSeconds: number;
  mediasoupWorkerBin: string | undefined;
  rtcListenIp: string;
  rtcAnnouncedAddress: string | undefined;
  rtcPort: number;
  rtcUdp: boolean;
  /** TURN servers browsers may relay media through (turn:/turns: URIs); empty: none. */
  turnUrls: string[];
  /** coturn's static-auth-secret: the server hands out time-limited TURN credentials signed with it (TURN REST API). */
  turnSecret: string | undefined;
  turnCredentialHours: number;
  /** Bearer token a Prometheus scraper sends for GET /metrics; unset: /metrics is off. */
  metricsToken: string | undefined;
  mediaWorkers: number;
  callReconnectGraceSeconds: number;
  /** This host's name among several sharing the database (issue 14); unset: one instance alone, as before. */
  hostId: string | undefined;
  /** How long a host's lease on its calls lasts without renewal; after that its calls are placed on another host. */
  hostLeaseSeconds: number;
}

export type TrustProxy = false | number | string[];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable} ${detail}`);
  }
}

type Env = Record<string, string | undefined>;

/** What reading a variable may look at besides its own text. */
interface Context {
  env: Env;
  /** DATA_DIR is relative to it. */
  cwd: string;
}

export interface Variable<T = unknown> {
  name: string;
  /** The README's Default column: the default value itself, or in brackets what happens when the variable is unset. */
  default: string;
  description: string;
  /** Must be set explicitly in a production deployment (docker-compose). */
  production?: boolean;
  /** Holds a password or key: docker-compose takes it from .env, never written into the file. */
  secret?: boolean;
  /** The value from the variable's text (trimmed; undefined when unset or blank), or a ConfigError saying what is allowed. */
  read(raw: string | undefined, context: Context): T;
}

type Doc = Pick<Variable, 'description' | 'production' | 'secret'>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function wholeNumber(
  name: string,
  spec: Doc & { default: number | { value: () => number; shown: string }; min: number; max: number; check?: (value: number) => void },
): Variable<number> {
  const fallback = spec.default;
  return {
    name,
    description: spec.description,
    production: spec.production,
    secret: spec.secret,
    default: typeof fallback === 'number' ? String(fallback) : fallback.shown,
    read(raw) {
      if (raw === undefined) return typeof fallback === 'number' ? fallback : fallback.value();
      if (!/^\d+$/.test(raw) || Number(raw) < spec.min || Number(raw) > spec.max) {
        throw new ConfigError(name, `must be a whole number from ${spec.min} to ${spec.max} (got "${raw}")`);
      }
      spec.check?.(Number(raw));
      return Number(raw);
    },
  };
}

function flag(name: string, spec: Doc & { default: boolean }): Variable<boolean> {
  return {
    name,
    description: spec.description,
    production: spec.production,
    secret: spec.secret,
    default: String(spec.default),
    read(raw) {
      const value = raw?.toLowerCase();
      if (value === undefined) return spec.default;
      if (['true', '1', 'yes'].includes(value)) return true;
      if (['false', '0', 'no'].includes(value)) return false;
      throw new ConfigError(name, `must be true or false (got "${value}")`);
    },
  };
}

/** A text with a default value. */
function textWithDefault(name: string, spec: Doc & { default: string; check?: (value: string) => void }): Variable<string> {
  return {
    name,
    description: spec.description,
    production: spec.production,
    secret: spec.secret,
    default: spec.default,
    read(raw) {
      const value = raw ?? spec.default;
      spec.check?.(value);
      return value;
    },
  };
}

/** A text that may be left unset; `unset` says what happens then (the README's Default column). */
function optionalText(name: string, spec: Doc & { unset: string; check?: (value: string) => void }): Variable<string | undefined> {
  return {
    name,
    description: spec.description,
    production: spec.production,
    secret: spec.secret,
    default: spec.unset,
    read(raw) {
      if (raw !== undefined) spec.check?.(raw);
      return raw;
    },
  };
}

function parseUrl(name: string, raw: string, protocols: readonly string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`);
  }
  return parsed;
}

/** A URL that may be left unset, kept as its normalised text. */
function optionalUrl(name: string, protocols: readonly string[], spec: Doc & { unset: string }): Variable<string | undefined> {
  return { ...optionalText(name, spec), read: (raw) => (raw === undefined ? undefined : parseUrl(name, raw, protocols).toString()) };
}

// Names proxy-addr (Fastify's trustProxy) understands besides addresses.
const PROXY_ADDRESS_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(value: string): boolean {
  if (PROXY_ADDRESS_NAMES.has(value)) return true;
  const [address, prefix, ...rest] = value.split('/');
  const version = net.isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Which X-Forwarded-For entries to believe. `true` (trust every hop) is refused: the client writes the leftmost
 * entries itself, so it could pick a new address for every request and never meet the sign-in rate limit.
 */
function readTrustProxy(value: string | undefined): TrustProxy {
  const raw = value?.toLowerCase();
  if (raw === undefined || raw === 'false' || raw === 'no') return false;
  if (raw === 'true' || raw === 'yes') {
    throw new ConfigError('TRUST_PROXY', 'must not be true (that trusts every X-Forwarded-For entry, which clients can forge); write the number of proxies in front of Nærvær, usually 1, or their addresses, e.g. 10.0.0.5 or 10.0.0.0/8');
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError('TRUST_PROXY', `must be a number of proxies from 0 to 10 (got "${raw}")`);
    return hops === 0 ? false : hops;
  }
  const addresses = raw.split(',').map((a) => a.trim());
  const wrong = addresses.find((a) => !isProxyAddress(a));
  if (wrong !== undefined) {
    throw new ConfigError('TRUST_PROXY', `must be false, a number of proxies (e.g. 1) or proxy addresses/CIDRs separated by commas (got "${wrong}")`);
  }
  return addresses;
}

const DEFAULT_DATA_DIR = './data';
const DEFAULT_LOG_LEVEL = 'info';
const PORT = wholeNumber('PORT', { default: 8080, min: 0, max: 65535, description: 'HTTP port the server listens on.' });

/** Every variable, in the README's order, keyed by the Config field it fills: the compiler checks none is missing. */
const SETTINGS: { [K in keyof Config]: Variable<Config[K]> } = {
  port: PORT,
  host: textWithDefault('HOST', { default: '0.0.0.0', description: 'Interface to listen on (127.0.0.1 to keep it local).' }),
  publicUrl: {
    name: 'PUBLIC_URL',
    default: 'http://localhost:$PORT',
    production: true,
    description:
      'The address citizens and staff use (https://… in production). Used for links, cookie security and the CSRF origin check.',
    read(raw, context) {
      const publicUrl = raw === undefined ? new URL(`http://localhost:${PORT.read(text(context.env, PORT.name), context)}`) : parseUrl('PUBLIC_URL', raw, ['http', 'https']);
      if (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash) {
        throw new ConfigError('PUBLIC_URL', 'must be an origin without path, query or fragment (e.g. https://video.kommune.dk)');
      }
      return publicUrl;
    },
  },
  databaseUrl: optionalUrl('DATABASE_URL', ['postgres', 'postgresql'], {
    unset: '(embedded PostgreSQL in DATA_DIR)',
    production: true,
    secret: true,
    description:
      'postgres://user:password@host:5432/db of an external PostgreSQL ≥ 14, for migrations and set-up. The user owns the schema and must be a superuser, or have CREATEROLE and BYPASSRLS. Requests never use it: they run as a login Nærvær creates (naervaer_app_<database>).',
  }),
  appDatabaseUrl: optionalUrl('APP_DATABASE_URL', ['postgres', 'postgresql'], {
    unset: '(a login Nærvær creates and manages)',
    secret: true,
    description:
      'Only where a DBA creates the application\'s login: postgres://user:password@host:5432/db of a role that is a member of naervaer_app, not a superuser and without BYPASSRLS (checked at start).',
  }),
  dataDir: {
    name: 'DATA_DIR',
    default: DEFAULT_DATA_DIR,
    description: 'Folder for the embedded database and generated signing keys.',
    read: (raw, context) => path.resolve(context.cwd, raw ?? DEFAULT_DATA_DIR),
  },
  logLevel: {
    name: 'LOG_LEVEL',
    default: DEFAULT_LOG_LEVEL,
    description: `${LOG_LEVELS.slice(0, -2).join(', ')} or ${LOG_LEVELS.at(-2)}: the least severe level that is logged (see [Logs](#logs)); ${LOG_LEVELS.at(-1)} logs nothing.`,
    read(raw) {
      const level = raw ?? DEFAULT_LOG_LEVEL;
      const known = LOG_LEVELS.find((l) => l === level);
      if (known === undefined) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${level}")`);
      return known;
    },
  },
  signingKeys: optionalText('SIGNING_KEYS', {
    unset: '(generated in DATA_DIR/keys)',
    secret: true,
    description:
      'Session signing keys as kid:base64url-secret pairs separated by commas, newest first. Needed when several app instances share sessions.',
    check(value) {
      if (!/^[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43,}(,[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43,})*$/.test(value)) {
        throw new ConfigError('SIGNING_KEYS', 'must be kid:secret pairs separated by commas, each secret at least 32 bytes in base64url');
      }
    },
  }),
  vapidKeys: optionalText('VAPID_KEYS', {
    unset: '(generated in DATA_DIR/keys)',
    secret: true,
    description:
      'Web Push key pair as publicKey:privateKey in base64url (`npx web-push generate-vapid-keys`). Needed when several app instances or dispatchers run; changing it stops every citizen\'s notifications until their device subscribes again.',
    check(value) {
      if (!/^[A-Za-z0-9_-]{87}:[A-Za-z0-9_-]{43}$/.test(value)) {
        throw new ConfigError('VAPID_KEYS', 'must be publicKey:privateKey, a 65-byte public and a 32-byte private key in base64url');
      }
    },
  }),
  trustProxy: {
    name: 'TRUST_PROXY',
    default: 'false',
    description:
      'Behind a reverse proxy that sets X-Forwarded-For/-Proto: the number of proxies in front (usually 1; each must be on a loopback or private network), or the proxies\' addresses/CIDRs separated by commas. Not true: that would let any client choose its address.',
    read: readTrustProxy,
  },
  staffSessionHours: wholeNumber('STAFF_SESSION_HOURS', { default: 12, min: 1, max: 24 * 7, description: 'How long a staff sign-in lasts.' }),
  citizenSessionDays: wholeNumber('CITIZEN_SESSION_DAYS', { default: 90, min: 1, max: 400, description: 'How long a citizen stays signed in on a device.' }),
  citizenLinkHours: wholeNumber('CITIZEN_LINK_HOURS', { default: 72, min: 1, max: 24 * 30, description: 'How long a citizen sign-in link can be used.' }),
  signInRateLimitPerMinute: wholeNumber('SIGN_IN_RATE_LIMIT', {
    default: 10,
    min: 1,
    max: 100_000,
    description:
      'Sign-in and link exchange attempts per minute per client address (an IPv6 client counts by its /64). Besides this, an account is locked after 10 wrong passwords in a row (see Troubleshooting).',
  }),
  smtpUrl: optionalUrl('SMTP_URL', ['smtp', 'smtps'], { unset: '(none)', secret: true, description: 'smtp(s)://user:password@host:port for e-mail reminders.' }),
  smtpFrom: optionalText('SMTP_FROM', {
    unset: '(none)',
    description: 'Sender address of e-mail reminders.',
    check(value) {
      if (!/^[^@\s<>]+@[^@\s<>]+$/.test(value)) throw new ConfigError('SMTP_FROM', 'must be an e-mail address');
    },
  }),
  smsGatewayUrl: optionalUrl('SMS_GATEWAY_URL', ['http', 'https'], { unset: '(none)', description: 'Base URL of a GatewayAPI-compatible SMS gateway, e.g. https://gatewayapi.eu.' }),
  smsGatewayToken: optionalText('SMS_GATEWAY_TOKEN', { unset: '(none)', secret: true, description: 'API token of the SMS gateway.' }),
  smsSender: textWithDefault('SMS_SENDER', {
    default: 'Naervaer',
    description: 'Sender name shown on SMS (at most 11 letters/digits).',
    check(value) {
      if (!/^[A-Za-z0-9 ]{1,11}$/.test(value)) throw new ConfigError('SMS_SENDER', 'must be 1 to 11 letters, digits or spaces');
    },
  }),
  smsWebhookSecret: optionalText('SMS_WEBHOOK_SECRET', {
    unset: '(replies by SMS are refused)',
    secret: true,
    description:
      'Secret of the SMS gateway\'s incoming-message webhook (GatewayAPI signs each call with a JWT in X-Gwapi-Signature, HS256): set the same secret on the webhook pointing at PUBLIC_URL/api/sms/incoming, so citizens can answer the morning attendance check.',
    check(value) {
      if (value.length < 16) throw new ConfigError('SMS_WEBHOOK_SECRET', 'must be at least 16 characters');
    },
  }),
  dispatcherInServer: flag('DISPATCHER', { default: true, description: 'false to not send reminders from the server process (run `npm run dispatcher` instead).' }),
  dispatchLeaseSeconds: wholeNumber('DISPATCH_LEASE_SECONDS', {
    default: 60,
    min: 1,
    max: 3600,
    description: 'How long a dispatcher (in the server or `npm run dispatcher`) holds the reminders it claimed: those of one that dies mid-batch are sent by another after this.',
  }),
  mediasoupWorkerBin: optionalText('MEDIASOUP_WORKER_BIN', { unset: '(mediasoup prebuilt)', description: 'Path of an offline-built mediasoup-worker binary.' }),
  rtcListenIp: textWithDefault('RTC_LISTEN_IP', { default: '0.0.0.0', description: 'Address the media server listens on (0.0.0.0 = every interface).' }),
  rtcAnnouncedAddress: optionalText('RTC_ANNOUNCED_ADDRESS', {
    unset: '(RTC_LISTEN_IP, or when that is 0.0.0.0 the address of the interface with the default route)',
    description: 'Public IP or host name browsers send media to. Set it in production; the default suits a trial on the local network and is logged at start.',
  }),
  rtcPort: wholeNumber('RTC_PORT', {
    default: 20000,
    min: 0,
    max: 65535,
    description:
      'UDP and TCP port for media; media worker N uses RTC_PORT+N (open them in the firewall). Keep it below 32768, outside Linux\'s range for outgoing connections. 0 = any free port.',
    check(port) {
      if (port !== 0 && port < 1024) throw new ConfigError('RTC_PORT', `must be 0 or from 1024 to 65535 (got "${port}")`);
    },
  }),
  rtcUdp: flag('RTC_UDP', { default: true, description: 'false to offer media over TCP only (for networks that block UDP; TURN is better).' }),
  turnUrls: {
    name: 'TURN_URLS',
    default: '(none)',
    description:
      'TURN servers for networks that block the direct media path, comma-separated, e.g. turn:turn.kommune.dk:3478?transport=udp,turn:turn.kommune.dk:3478?transport=tcp,turns:turn.kommune.dk:443?transport=tcp (municipal networks that allow only 443). Needs TURN_SECRET.',
    read(raw, context) {
      const urls = raw ? raw.split(',').map((url) => url.trim()).filter(Boolean) : [];
      for (const url of urls) {
        if (!/^turns?:[A-Za-z0-9.\-[\]:]+(\?transport=(udp|tcp))?$/.test(url)) {
          throw new ConfigError('TURN_URLS', `has "${url}": each must look like turn:host:3478?transport=udp or turns:host:443?transport=tcp`);
        }
      }
      if (urls.length > 0 && !text(context.env, 'TURN_SECRET')) throw new ConfigError('TURN_URLS', 'needs TURN_SECRET (the static-auth-secret of the TURN server)');
      return urls;
    },
  },
  turnSecret: optionalText('TURN_SECRET', {
    unset: '(none)',
    secret: true,
    description: 'The TURN server\'s shared secret (coturn: use-auth-secret, static-auth-secret): each call gets credentials signed with it that expire after TURN_CREDENTIAL_HOURS. At least 16 characters.',
    check(value) {
      if (value.length < 16) throw new ConfigError('TURN_SECRET', 'must be at least 16 characters');
    },
  }),
  turnCredentialHours: wholeNumber('TURN_CREDENTIAL_HOURS', {
    default: 8,
    min: 1,
    max: 48,
    description: 'How long the TURN credentials handed to a browser for a call stay valid (a working day by default: longer than any call).',
  }),
  metricsToken: optionalText('METRICS_TOKEN', {
    unset: '(/metrics is off)',
    secret: true,
    description: 'Turns on GET /metrics (Prometheus format: HTTP latency, live calls, media workers, reminder outbox, call quality) for a scraper that sends it as `Authorization: Bearer <token>`. At least 32 characters.',
    check(value) {
      if (value.length < 32) throw new ConfigError('METRICS_TOKEN', 'must be at least 32 characters');
    },
  }),
  mediaWorkers: wholeNumber('MEDIA_WORKERS', {
    default: { value: () => os.availableParallelism(), shown: '(number of CPU cores)' },
    min: 1,
    max: 64,
    description: 'How many mediasoup worker processes to run.',
  }),
  callReconnectGraceSeconds: wholeNumber('CALL_RECONNECT_GRACE_SECONDS', {
    default: 60,
    min: 1,
    max: 3600,
    description: 'How long a dropped worker has to reconnect before the session ends for everyone.',
  }),
  hostId: {
    name: 'HOST_ID',
    default: '(one instance alone)',
    description:
      'Set only when several app hosts share one database: this host\'s name (lower-case letters, digits, hyphens; at most 32), unique and kept across restarts. Calls are placed on the least-loaded host, and browsers reach this host\'s signalling at PUBLIC_URL/rtc/<HOST_ID>/, which the reverse proxy routes here (see "Several hosts"). Needs DATABASE_URL and SIGNING_KEYS (the same on every host).',
    read(raw, context) {
      if (raw === undefined || raw === '') return undefined;
      if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(raw)) throw new ConfigError('HOST_ID', 'must be 1 to 32 lower-case letters, digits or hyphens, starting with a letter or digit');
      // Each host would otherwise run its own embedded database, and sign tokens the others cannot read.
      if (!text(context.env, 'DATABASE_URL')) throw new ConfigError('HOST_ID', 'needs DATABASE_URL: the hosts share one PostgreSQL');
      if (!text(context.env, 'SIGNING_KEYS')) throw new ConfigError('HOST_ID', 'needs SIGNING_KEYS, the same on every host: a token signed on one host is checked on another');
      return raw;
    },
  },
  hostLeaseSeconds: wholeNumber('HOST_LEASE_SECONDS', {
    default: 10,
    min: 3,
    max: 300,
    description: 'With HOST_ID: a host renews its lease on its calls every third of this; when a host has not renewed it for this long, its calls move to another host.',
  }),
};

/** The variables in the README's order. */
export const VARIABLES: readonly Variable[] = Object.values(SETTINGS);

export function parseConfig(env: Env, cwd = process.cwd()): Config {
  return readAll(SETTINGS, { env, cwd });
}

/** Each field read by its own variable: the table's type makes the result a whole T. */
function readAll<T>(table: { [K in keyof T]: Variable<T[K]> }, context: Context): T {
  const values = {} as T;
  for (const field in table) values[field] = table[field].read(text(context.env, table[field].name), context);
  return values;
}
