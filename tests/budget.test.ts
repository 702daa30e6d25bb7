import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { firstVisitScripts, gzipSizes } from './support/client-build.js';

// Issue 9's budgets, kept on the build output (`npm run build` writes dist/client before the tests run): what a first
// visit downloads is the entry script and the modules it preloads; the call code waits until a call is near.
const dist = fileURLToPath(new URL('../dist/client/', import.meta.url));
/** 85 kB as the issue and Vite count them (1 kB = 1000 bytes), the stricter reading. */
const BUDGET = 85_000;

describe('the JS a first visit downloads', () => {
  it('is built', () => {
    expect(existsSync(`${dist}index.html`), 'dist/client/index.html is missing: run `npm run build` first').toBe(true);
    expect(firstVisitScripts(dist).length).toBeGreaterThan(0);
  });

  it(`stays within ${BUDGET / 1000} kB gzip`, () => {
    const sizes = gzipSizes(firstVisitScripts(dist), dist);
    const total = sizes.reduce((sum, [, size]) => sum + size, 0);
    const detail = sizes.map(([file, size]) => `${file} ${(size / 1000).toFixed(1)} kB`).join(', ');
    expect(total, `first visit: ${(total / 1000).toFixed(1)} kB gzip of JS (${detail}), budget ${BUDGET / 1000} kB`).toBeLessThanOrEqual(BUDGET);
  });

  it('leaves out the call code (mediasoup-client): it is a lazy chunk, loaded when a call is near', () => {
    const callCode = (file: string) => /mediasoup|RTCPeerConnection|getSendExtendedRtpCapabilities/.test(readFileSync(`${dist}${file}`, 'utf8'));
    expect(firstVisitScripts(dist).filter(callCode), 'the call code is in the first download').toEqual([]);
    // …and it is in the build at all, in a chunk of its own (else the line above would hold for any build).
    const chunks = readdirSync(`${dist}assets`).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
    expect(chunks.filter(callCode).length, 'no chunk carries the call code').toBeGreaterThan(0);
  });
});
