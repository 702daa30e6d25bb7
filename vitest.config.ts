import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own database, so files run in parallel; two workers match the 2-core machines.
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: '.cache/vitest-report.json' }]],
  },
});
