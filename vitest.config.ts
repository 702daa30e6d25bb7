import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll gives up after 1 s by default: a page that takes longer to load on a busy machine is not a failure.
    // Polls that wait for something slower say so themselves.
    expect: { poll: { timeout: 15_000 } },
    // Each file gets its own database, so files run in parallel. Three on the 2-core machines: the browser tests spend
    // much of their time waiting (for ICE, for media, for a page), and two left the cores idle half the run.
    maxWorkers: 3,
    reporters: ['default', ['json', { outputFile: '.cache/vitest-report.json' }]],
  },
});
