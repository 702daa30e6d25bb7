import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLIENT_DIR } from '../../server/paths.js';

/**
 * What a browser downloads of the built client (`npm run build` writes dist/client), read from the build output: the
 * scripts of a first visit, and those it fetches when a call is near. Paths are relative to dist/client.
 */

/** The entry script and the modules index.html preloads: what a first visit downloads. */
export function firstVisitScripts(dist = CLIENT_DIR): string[] {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="\/([^"]+)"/g)].map((match) => match[1]!);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g)].map((match) => match[1]!);
  return [...entries, ...preloads];
}

/** The chunks a built chunk imports statically (`import … from "./x.js"`, `import "./x.js"`); not its lazy import()s. */
function staticImports(dist: string, file: string): string[] {
  const code = fs.readFileSync(path.join(dist, file), 'utf8');
  const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*)["']\.\/([^"']+\.js)["']/g)].map((match) => match[1]!);
  return [...new Set(specifiers)].map((name) => path.posix.join(path.posix.dirname(file), name));
}

/**
 * What joining a call adds to a first visit: the call screen's chunk (client/src/call/LazyCallScreen.tsx loads it when
 * a call is near) and every chunk it imports statically that the first visit did not bring.
 */
export function callChunkScripts(dist = CLIENT_DIR): string[] {
  const firstVisit = new Set(firstVisitScripts(dist));
  const callScreen = fs.readdirSync(path.join(dist, 'assets')).filter((f) => /^CallScreen-.*\.js$/.test(f)).map((f) => `assets/${f}`);
  const seen = new Set<string>();
  const queue = [...callScreen];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file) || firstVisit.has(file)) continue;
    seen.add(file);
    queue.push(...staticImports(dist, file));
  }
  return [...seen];
}

/** Each file's size gzipped (Node's default level, as a server would send it), in bytes. */
export function gzipSizes(files: string[], dist = CLIENT_DIR): [file: string, bytes: number][] {
  return files.map((file) => [file, gzipSync(fs.readFileSync(path.join(dist, file))).length]);
}
