import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // A guard against hangs, not a measure of speed: browser tests on a busy 2-core machine can take a while.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll gives up after 1 s by default: a page that takes longer to load on a busy machine is not a failure.
    // Polls that wait for something slower say so themselves.
    expect: { poll: { timeout: 15_000 } },
    // Each file gets its own database, so files run in parallel; two workers match the 2-core machines (three only
    // made the browser tests slower: the cores are busy encoding and decoding video).
    maxWorkers: 2,
    // The files share a worker's loaded modules instead of each importing the server and its libraries again (several
    // seconds a file). Nothing in the tests mocks or changes a module: each file builds its own app on its own database.
    isolate: false,
    reporters: ['default', ['json', { outputFile: '.cache/vitest-report.json' }]],
  },
});
