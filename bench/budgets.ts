/**
 * `npm run bench:budgets`: the citizen's JS, gzip, from the build output (dist/client): what the first visit downloads
 * (the budget tests/budget.test.ts holds at 85 kB) and what joining a call adds (the call screen's lazy chunk and
 * the chunks only it imports). Memory per call is measured by `npm run bench:sfu` (rss_mb). Prints one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CLIENT_DIR } from '../server/paths.js';
import { callChunkScripts, firstVisitScripts, gzipSizes } from '../tests/support/client-build.js';

if (!fs.existsSync(path.join(CLIENT_DIR, 'index.html'))) throw new Error('dist/client is missing: run `npm run build` first');
const kB = (bytes: number) => Math.round(bytes / 100) / 10;
const measured = (files: string[]) => {
  const sizes = gzipSizes(files);
  return { gzip_kB: kB(sizes.reduce((sum, [, bytes]) => sum + bytes, 0)), files: Object.fromEntries(sizes.map(([file, bytes]) => [path.basename(file), kB(bytes)])) };
};
const firstVisit = measured(firstVisitScripts());
const callChunk = measured(callChunkScripts());
console.log(JSON.stringify({
  first_visit_js: firstVisit,
  call_chunk_js: callChunk,
  citizen_join_total_gzip_kB: Math.round((firstVisit.gzip_kB + callChunk.gzip_kB) * 10) / 10,
  first_visit_budget_kB: 85,
}));
