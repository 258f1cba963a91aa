import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Builds dist/ when stale: the bin and README tests import the built package.
    globalSetup: ['tests/global-setup.ts'],
    // The built-in games register themselves when games/ is imported (the package and the CLI do).
    setupFiles: ['tests/setup-games.ts'],
  },
});
