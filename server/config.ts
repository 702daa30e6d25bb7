import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Configuration is read once from the environment at start-up. Every variable is listed here with its default and
 * description; the README table and the docker-compose check are driven by this list, so it stays the single truth.
 */
export interface Config {
  port: number;
  host: string;
  publicUrl: URL;
  databaseUrl: string | undefined;
  appDatabaseUrl: string | undefined;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  signingKeys: string | undefined;
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
  dispatcherInServer: boolean;
  mediasoupWorkerBin: string | undefined;
  rtcListenIp: string;
  rtcAnnouncedAddress: string | undefined;
  rtcPort: number;
  rtcUdp: boolean;
  mediaWorkers: number;
  callReconnectGraceSeconds: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable} ${detail}`);
  }
}

type Env = Record<string, string | undefined>;

interface Variable {
  name: string;
  description: string;
  default: string;
  /** Must be set explicitly in a production deployment (docker-compose). */
  production?: boolean;
  secret?: boolean;
}

export const VARIABLES: readonly Variable[] = [
  { name: 'PORT', default: '8080', description: 'HTTP port the server listens on.' },
  { name: 'HOST', default: '0.0.0.0', description: 'Interface to listen on (127.0.0.1 to keep it local).' },
  {
    name: 'PUBLIC_URL',
    default: 'http://localhost:$PORT',
    production: true,
    description:
      'The address citizens and staff use (https://… in production). Used for links, cookie security and the CSRF origin check.',
  },
  {
    name: 'DATABASE_URL',
    default: '(embedded PostgreSQL in DATA_DIR)',
    production: true,
    secret: true,
    description:
      'postgres://user:password@host:5432/db of an external PostgreSQL ≥ 14, for migrations and set-up. The user owns the schema and must be a superuser, or have CREATEROLE and BYPASSRLS. Requests never use it: they run as a login Nærvær creates (naervaer_app_<database>).',
  },
  {
    name: 'APP_DATABASE_URL',
    default: '(a login Nærvær creates and manages)',
    secret: true,
    description:
      'Only where a DBA creates the application\'s login: postgres://user:password@host:5432/db of a role that is a member of naervaer_app, not a superuser and without BYPASSRLS (checked at start).',
  },
  { name: 'DATA_DIR', default: './data', description: 'Folder for the embedded database and generated signing keys.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent.' },
  {
    name: 'SIGNING_KEYS',
    default: '(generated in DATA_DIR/keys)',
    secret: true,
    description:
      'Session signing keys as kid:base64url-secret pairs separated by commas, newest first. Needed when several app instances share sessions.',
  },
  {
    name: 'TRUST_PROXY',
    default: 'false',
    description:
      'Behind a reverse proxy that sets X-Forwarded-For/-Proto: the number of proxies in front (usually 1; each must be on a loopback or private network), or the proxies\' addresses/CIDRs separated by commas. Not true: that would let any client choose its address.',
  },
  { name: 'STAFF_SESSION_HOURS', default: '12', description: 'How long a staff sign-in lasts.' },
  { name: 'CITIZEN_SESSION_DAYS', default: '90', description: 'How long a citizen stays signed in on a device.' },
  { name: 'CITIZEN_LINK_HOURS', default: '72', description: 'How long a citizen sign-in link can be used.' },
  { name: 'SIGN_IN_RATE_LIMIT', default: '10', description: 'Sign-in and link exchange attempts per minute per client address.' },
  { name: 'SMTP_URL', default: '(none)', secret: true, description: 'smtp(s)://user:password@host:port for e-mail reminders.' },
  { name: 'SMTP_FROM', default: '(none)', description: 'Sender address of e-mail reminders.' },
  { name: 'SMS_GATEWAY_URL', default: '(none)', description: 'Base URL of a GatewayAPI-compatible SMS gateway, e.g. https://gatewayapi.eu.' },
  { name: 'SMS_GATEWAY_TOKEN', default: '(none)', secret: true, description: 'API token of the SMS gateway.' },
  { name: 'SMS_SENDER', default: 'Naervaer', description: 'Sender name shown on SMS (at most 11 letters/digits).' },
  { name: 'DISPATCHER', default: 'true', description: 'false to not send reminders from the server process (run `npm run dispatcher` instead).' },
  { name: 'MEDIASOUP_WORKER_BIN', default: '(mediasoup prebuilt)', description: 'Path of an offline-built mediasoup-worker binary.' },
  { name: 'RTC_LISTEN_IP', default: '0.0.0.0', description: 'Address the media server listens on (0.0.0.0 = every interface).' },
  {
    name: 'RTC_ANNOUNCED_ADDRESS',
    default: '(RTC_LISTEN_IP, or when that is 0.0.0.0 the address of the interface with the default route)',
    description: 'Public IP or host name browsers send media to. Set it in production; the default suits a trial on the local network and is logged at start.',
  },
  { name: 'RTC_PORT', default: '20000', description: 'UDP and TCP port for media; media worker N uses RTC_PORT+N (open them in the firewall). Keep it below 32768, outside Linux\'s range for outgoing connections. 0 = any free port.' },
  { name: 'RTC_UDP', default: 'true', description: 'false to offer media over TCP only (for networks that block UDP; TURN is better).' },
  { name: 'MEDIA_WORKERS', default: '(number of CPU cores)', description: 'How many mediasoup worker processes to run.' },
  { name: 'CALL_RECONNECT_GRACE_SECONDS', default: '60', description: 'How long a dropped worker has to reconnect before the session ends for everyone.' },
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function url(env: Env, name: string, protocols: readonly string[]): URL | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
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

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

export type TrustProxy = false | number | string[];

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
function trustProxy(env: Env): TrustProxy {
  const raw = optional(env, 'TRUST_PROXY')?.toLowerCase();
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

function smsSender(env: Env): string {
  const sender = optional(env, 'SMS_SENDER') ?? 'Naervaer';
  if (!/^[A-Za-z0-9 ]{1,11}$/.test(sender)) throw new ConfigError('SMS_SENDER', 'must be 1 to 11 letters, digits or spaces');
  return sender;
}

function rtcPort(env: Env): number {
  const port = integer(env, 'RTC_PORT', 20000, 0, 65535);
  if (port !== 0 && port < 1024) throw new ConfigError('RTC_PORT', `must be 0 or from 1024 to 65535 (got "${port}")`);
  return port;
}

export function parseConfig(env: Env, cwd = process.cwd()): Config {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const publicUrl = url(env, 'PUBLIC_URL', ['http', 'https']) ?? new URL(`http://localhost:${port}`);
  if (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash) {
    throw new ConfigError('PUBLIC_URL', 'must be an origin without path, query or fragment (e.g. https://video.kommune.dk)');
  }
  const logLevel = optional(env, 'LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres', 'postgresql']);
  const signingKeys = optional(env, 'SIGNING_KEYS');
  if (signingKeys !== undefined && !/^[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43,}(,[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43,})*$/.test(signingKeys)) {
    throw new ConfigError('SIGNING_KEYS', 'must be kid:secret pairs separated by commas, each secret at least 32 bytes in base64url');
  }
  const smtpUrl = url(env, 'SMTP_URL', ['smtp', 'smtps']);
  const smtpFrom = optional(env, 'SMTP_FROM');
  if (smtpFrom !== undefined && !/^[^@\s<>]+@[^@\s<>]+$/.test(smtpFrom)) {
    throw new ConfigError('SMTP_FROM', 'must be an e-mail address');
  }
  return {
    port,
    host: optional(env, 'HOST') ?? '0.0.0.0',
    publicUrl,
    databaseUrl: databaseUrl?.toString(),
    appDatabaseUrl: url(env, 'APP_DATABASE_URL', ['postgres', 'postgresql'])?.toString(),
    dataDir: path.resolve(cwd, optional(env, 'DATA_DIR') ?? 'data'),
    logLevel: logLevel as Config['logLevel'],
    signingKeys,
    trustProxy: trustProxy(env),
    staffSessionHours: integer(env, 'STAFF_SESSION_HOURS', 12, 1, 24 * 7),
    citizenSessionDays: integer(env, 'CITIZEN_SESSION_DAYS', 90, 1, 400),
    citizenLinkHours: integer(env, 'CITIZEN_LINK_HOURS', 72, 1, 24 * 30),
    signInRateLimitPerMinute: integer(env, 'SIGN_IN_RATE_LIMIT', 10, 1, 100_000),
    smtpUrl: smtpUrl?.toString(),
    smtpFrom,
    smsGatewayUrl: url(env, 'SMS_GATEWAY_URL', ['http', 'https'])?.toString(),
    smsGatewayToken: optional(env, 'SMS_GATEWAY_TOKEN'),
    smsSender: smsSender(env),
    dispatcherInServer: boolean(env, 'DISPATCHER', true),
    mediasoupWorkerBin: optional(env, 'MEDIASOUP_WORKER_BIN'),
    rtcListenIp: optional(env, 'RTC_LISTEN_IP') ?? '0.0.0.0',
    rtcAnnouncedAddress: optional(env, 'RTC_ANNOUNCED_ADDRESS'),
    rtcPort: rtcPort(env),
    rtcUdp: boolean(env, 'RTC_UDP', true),
    mediaWorkers: integer(env, 'MEDIA_WORKERS', os.availableParallelism(), 1, 64),
    callReconnectGraceSeconds: integer(env, 'CALL_RECONNECT_GRACE_SECONDS', 60, 1, 3600),
  };
}
