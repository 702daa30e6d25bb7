import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs as TypeScript (server/) or compiled (dist/server/). */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json)');
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot();
export const MIGRATIONS_DIR = path.join(ROOT, 'migrations');
export const CLIENT_DIR = path.join(ROOT, 'dist', 'client');
/** Where scripts/build-mediasoup-worker.sh links the offline-built worker (used when MEDIASOUP_WORKER_BIN is unset). */
export const LOCAL_WORKER_BIN = path.join(ROOT, '.cache', 'mediasoup-worker');
/** The product's version, as package.json states it (health reports it; npm's environment is not there under systemd or Docker). */
export const VERSION: string = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
