import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig, VARIABLES } from '../server/config.js';

interface Service {
  image?: string;
  profiles?: string[];
  network_mode?: string;
  command?: string[];
  build?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parse(fs.readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const app = compose.services.app!;
const db = compose.services.db!;

/** What `docker compose` would make of ${VAR:?msg} and ${VAR} given a .env with these values. */
const DOTENV: Record<string, string> = { PUBLIC_URL: 'https://video.kommune.dk', POSTGRES_PASSWORD: 'long-random-password', RTC_ANNOUNCED_ADDRESS: '203.0.113.10' };
/** The .env of a deployment with TURN (README "TURN"). */
const TURN_DOTENV: Record<string, string> = { ...DOTENV, TURN_REALM: 'turn.kommune.dk', TURN_SECRET: 'a-long-random-turn-secret', TURN_URLS: 'turn:turn.kommune.dk:3478?transport=udp,turns:turn.kommune.dk:443?transport=tcp' };
/** ${VAR:?msg} must be in .env; ${VAR:-default} may be. */
const substitute = (value: string, dotenv = DOTENV) =>
  value.replace(/\$\{(\w+)(?:(:\?[^}]*)|:-([^}]*))?\}/g, (_, name: string, required: string | undefined, fallback: string | undefined) => {
    if (name in dotenv) return dotenv[name]!;
    if (required !== undefined || fallback === undefined) throw new Error(`compose needs ${name}, which the README does not mention`);
    return fallback;
  });

/** Whether the service publishes this port (`"20000-20001:20000-20001/udp"` style entries) for the protocol. */
function publishes(service: Service, protocol: string, port: number): boolean {
  return service.ports!.some((entry) => {
    const [range, proto] = entry.split('/');
    const [from, to] = range!.split(':').at(-1)!.split('-').map(Number);
    return proto === protocol && port >= from! && port <= (to ?? from!);
  });
}

describe('docker-compose.yml', () => {
  it('sets every variable a production deployment needs, and only variables the server knows', () => {
    const env = app.environment!;
    const known = new Set(VARIABLES.map((v) => v.name));
    for (const name of Object.keys(env)) expect(known, name).toContain(name);
    for (const variable of VARIABLES.filter((v) => v.production)) expect(env, variable.name).toHaveProperty(variable.name);
  });

  it('takes every secret from .env, never writing one into the file', () => {
    const env = app.environment!;
    // ${NAME:?…} (required) or ${NAME:-} (optional, empty when .env has none): either way the value is only in .env
    for (const variable of VARIABLES.filter((v) => v.secret && v.name in env)) expect(env[variable.name], variable.name).toMatch(/\$\{\w+(:\?[^}]*|:-)\}/);
  });

  it('the image sets only variables the server knows (besides NODE_ENV)', () => {
    const known = new Set(VARIABLES.map((v) => v.name));
    const set = [...fs.readFileSync('Dockerfile', 'utf8').matchAll(/^ENV (.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/(\w+)=/g)].map((n) => n[1]!));
    expect(set.length).toBeGreaterThan(0);
    for (const name of set.filter((n) => n !== 'NODE_ENV')) expect(known, name).toContain(name);
  });

  it('the image runs the media worker the tests run, with every library it links installed', () => {
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
    const [build, final] = dockerfile.split(/^FROM .*$/m).slice(1);
    // Built by our script (mediasoup's tarball and sfu/worker-build/'s patch), not mediasoup's prebuilt download.
    expect(build).toMatch(/COPY sfu\/worker-build sfu\/worker-build[\s\S]*bash scripts\/build-mediasoup-worker\.sh[\s\S]*RUN npm ci/);
    expect(final).toMatch(/^ENV .*MEDIASOUP_WORKER_BIN=\/app\/mediasoup-worker/m);
    expect(final).toContain('COPY --from=build /app/mediasoup-worker ./mediasoup-worker');
    // The Debian packages of the libraries the worker built here links (the image's Debian is this machine's).
    const installed = new Set(/apt-get install[^\n]*--no-install-recommends ([^\\\n]+)/.exec(final!)![1]!.trim().split(/\s+/));
    const libraries = [...execFileSync('ldd', ['.cache/mediasoup-worker'], { encoding: 'utf8' }).matchAll(/=> (\/\S+)/g)].map((m) => m[1]!);
    // Debian 12 merged /lib into /usr/lib: dpkg knows each file under one of the two spellings.
    const spellings = (file: string) => [file.replace(/^\/usr\/lib\//, '/lib/'), file.replace(/^\/lib\//, '/usr/lib/')];
    const owners = new Map<string, string>();
    const search = spawnSync('dpkg', ['-S', ...libraries.flatMap((l) => [...spellings(l), ...spellings(fs.realpathSync(l))])], { encoding: 'utf8' });
    for (const [, owner, file] of search.stdout.matchAll(/^([^:\n]+):[^:\n]*: (\S+)$/gm)) owners.set(file!, owner!);
    const inBaseImage = new Set(['libc6', 'libgcc-s1', 'libstdc++6']);
    expect(libraries.length).toBeGreaterThan(5);
    for (const library of libraries) {
      const owner = [...spellings(library), ...spellings(fs.realpathSync(library))].map((f) => owners.get(f)).find(Boolean);
      expect(owner, library).toBeDefined();
      if (!inBaseImage.has(owner!)) expect(installed, library).toContain(owner);
    }
  });

  it('gives the app an environment the config accepts, pointing at the db service', () => {
    const env = Object.fromEntries(Object.entries(app.environment!).map(([k, v]) => [k, substitute(String(v))]));
    const config = parseConfig(env);
    expect(config.publicUrl.protocol).toBe('https:');
    const database = new URL(config.databaseUrl!);
    expect(database.hostname).toBe('db');
    expect(database.pathname).toBe(`/${db.environment!.POSTGRES_DB}`);
    expect(decodeURIComponent(database.username)).toBe(db.environment!.POSTGRES_USER);
    expect(decodeURIComponent(database.password)).toBe(substitute(db.environment!.POSTGRES_PASSWORD!));
    expect(config.dataDir).toBe('/data');
    // One reverse proxy in front: only the address it adds to X-Forwarded-For is believed.
    expect(config.trustProxy).toBe(1);
  });

  it('publishes the port the app listens on, and health-checks it', () => {
    const port = app.environment!.PORT;
    expect(app.ports!.map((p) => p.split(':').at(-1))).toContain(port);
    expect(app.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${port}/api/health`);
    expect(fs.readFileSync('Dockerfile', 'utf8')).toMatch(new RegExp(`EXPOSE ${port}\\b`));
  });

  it('publishes one UDP and one TCP media port per media worker', () => {
    const env = Object.fromEntries(Object.entries(app.environment!).map(([k, v]) => [k, substitute(String(v))]));
    const config = parseConfig(env);
    for (let i = 0; i < config.mediaWorkers; i++) {
      for (const protocol of ['udp', 'tcp']) {
        expect(publishes(app, protocol, config.rtcPort + i), `${protocol} ${config.rtcPort + i}`).toBe(true);
      }
    }
    expect(config.rtcAnnouncedAddress).toBe('203.0.113.10');
  });

  it('starts the app only after a healthy database, with persistent volumes for both', () => {
    expect(app.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(db.healthcheck!.test.join(' ')).toContain('pg_isready');
    const named = (s: Service) => s.volumes!.map((v) => v.split(':')[0]);
    for (const volume of [...named(app), ...named(db)]) expect(compose.volumes).toHaveProperty(volume!);
    expect(app.volumes!.some((v) => v.endsWith(`:${app.environment!.DATA_DIR}`))).toBe(true);
  });

  describe('TURN (the turn profile)', () => {
    const turn = compose.services.turn!;
    const flags = () => turn.command!.map((part) => substitute(part, TURN_DOTENV));

    it('is off unless asked for, and the app then offers no TURN', () => {
      expect(turn.profiles).toEqual(['turn']);
      const env = Object.fromEntries(Object.entries(app.environment!).map(([k, v]) => [k, substitute(String(v))]));
      expect(parseConfig(env).turnUrls).toEqual([]);
    });

    it('shares its secret with the app, from .env only, and accepts nothing but the credentials the app signs', () => {
      const env = Object.fromEntries(Object.entries(app.environment!).map(([k, v]) => [k, substitute(String(v), TURN_DOTENV)]));
      const config = parseConfig(env);
      expect(config.turnUrls).toEqual(['turn:turn.kommune.dk:3478?transport=udp', 'turns:turn.kommune.dk:443?transport=tcp']);
      expect(flags()).toContain(`--static-auth-secret=${config.turnSecret}`);
      expect(flags()).toContain('--use-auth-secret');
      expect(turn.command!.join(' ')).not.toContain(TURN_DOTENV.TURN_SECRET);
      expect(() => turn.command!.map((part) => substitute(part))).toThrow(/TURN_REALM|TURN_SECRET/);
    });

    it('relays only to the media server: every other peer address is refused', () => {
      expect(flags()).toContain('--denied-peer-ip=0.0.0.0-255.255.255.255');
      expect(flags()).toContain(`--allowed-peer-ip=${TURN_DOTENV.RTC_ANNOUNCED_ADDRESS}`);
      expect(flags()).toContain(`--external-ip=${TURN_DOTENV.RTC_ANNOUNCED_ADDRESS}`);
      expect(turn.network_mode).toBe('host');
    });
  });
});

describe('docker-compose.hosts.yml (several hosts behind nginx)', () => {
  const hostsCompose = parse(fs.readFileSync('docker-compose.hosts.yml', 'utf8'), { merge: true }) as { services: Record<string, Service & { command?: string[] }>; volumes: Record<string, unknown> };
  const nginx = fs.readFileSync('deploy/nginx-hosts.conf', 'utf8');
  const HOSTS_DOTENV: Record<string, string> = {
    ...DOTENV, SIGNING_KEYS: `k1:${'s'.repeat(43)}`,
    VAPID_KEYS: `${'p'.repeat(87)}:${'q'.repeat(43)}`,
  };
  const configOf = (service: Service) => parseConfig(Object.fromEntries(Object.entries(service.environment!).map(([k, v]) => [k, substitute(String(v), HOSTS_DOTENV)])));
  const appHosts = Object.entries(hostsCompose.services).filter(([, s]) => s.environment?.HOST_ID);

  it('runs two app hosts the config accepts, with their own names, one database and one set of keys', () => {
    expect(appHosts).toHaveLength(2);
    const configs = appHosts.map(([, s]) => configOf(s));
    expect(new Set(configs.map((c) => c.hostId)).size).toBe(2);
    for (const config of configs) {
      expect(new URL(config.databaseUrl!).hostname).toBe('db');
      expect(config.signingKeys).toBe(HOSTS_DOTENV.SIGNING_KEYS);
      expect(config.vapidKeys).toBe(HOSTS_DOTENV.VAPID_KEYS);
      // one dispatcher beside the hosts sends the reminders
      expect(config.dispatcherInServer).toBe(false);
    }
    expect(hostsCompose.services.dispatcher!.command!.join(' ')).toContain('dispatcher');
    // Without shared keys in .env compose refuses to start, rather than each host making its own.
    expect(() => substitute(String(appHosts[0]![1].environment!.SIGNING_KEYS))).toThrow(/SIGNING_KEYS/);
  });

  it('publishes each host\'s media ports, no port twice', () => {
    const seen = new Set<string>();
    for (const [, service] of appHosts) {
      const config = configOf(service);
      for (let i = 0; i < config.mediaWorkers; i++) {
        for (const protocol of ['udp', 'tcp']) {
          expect(publishes(service, protocol, config.rtcPort + i), `${config.hostId} ${protocol} ${config.rtcPort + i}`).toBe(true);
          expect(seen.has(`${protocol}${config.rtcPort + i}`)).toBe(false);
          seen.add(`${protocol}${config.rtcPort + i}`);
        }
      }
    }
  });

  it('nginx routes /rtc/<host>/ to that host, everything else to any host, WebSockets included', () => {
    const proxy = hostsCompose.services.proxy!;
    expect(proxy.volumes!.some((v) => v.startsWith('./deploy/nginx-hosts.conf:'))).toBe(true);
    for (const [name, service] of appHosts) {
      const config = configOf(service);
      expect(nginx).toMatch(new RegExp(`location /rtc/${config.hostId}/ \\{\\s*proxy_pass http://${name}:${config.port};`));
      expect(nginx).toMatch(new RegExp(`upstream naervaer_any \\{[^}]*server ${name}:${config.port}`));
    }
    expect(nginx).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(nginx).toContain('proxy_set_header Connection $connection_upgrade;');
  });
});
