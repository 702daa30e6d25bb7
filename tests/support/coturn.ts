/**
 * A real coturn (Debian's `coturn` package) for the TURN tests: TURN over TCP only, on loopback, authenticating with
 * the TURN REST API's shared secret exactly as in production (use-auth-secret). Loopback peers are allowed because the
 * media server under test listens on 127.0.0.1; a deployment keeps coturn's default of refusing them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../server/db/embedded.js';

export const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';

export interface Coturn {
  /** A turn: URI for TCP, as TURN_URLS takes it. */
  url: string;
  secret: string;
  /** What coturn printed (allocations, refusals): for assertions and for the failure message. */
  log(): string;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** `relayIp`: the address coturn relays from (towards the media server); 127.0.0.1 unless a test needs to tell it apart. */
export async function startCoturn(secret = 'a-turn-secret-for-the-tests-only', relayIp = '127.0.0.1'): Promise<Coturn> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'naervaer-coturn-'));
  const child: ChildProcess = spawn(TURNSERVER, [
    '-n', // no configuration file: everything is on this line
    '--listening-ip=127.0.0.1', `--listening-port=${port}`, `--relay-ip=${relayIp}`,
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=naervaer.test',
    '--allow-loopback-peers', '--no-tls', '--no-dtls', '--no-udp', '--no-cli', '--fingerprint',
    '--min-port=40000', '--max-port=40999', `--pidfile=${join(dir, 'turnserver.pid')}`, `--log-file=stdout`, '--simple-log', '--verbose',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`coturn did not start on port ${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=tcp`,
    secret,
    log: () => output,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
