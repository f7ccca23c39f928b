import { defineConfig } from 'vitest/config';

// Tests import the workspace packages through the "@mesolite/source" export
// condition, so they run against TypeScript sources without a build; tests that
// spawn the `mesolite` binary use the built dist/ that `npm test` produces first.
export default defineConfig({
  resolve: { conditions: ['@mesolite/source'] },
  ssr: { resolve: { conditions: ['@mesolite/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Tests that run real daemons, engines and browsers on two busy cores can take a while.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start real daemons, engines and browsers.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
