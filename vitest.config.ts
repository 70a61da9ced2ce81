import { defineConfig } from 'vitest/config';

/**
 * Tests that need a Temporal server, the workflow bundle or the product's processes. Everything
 * else is a unit test: no Temporal, seconds in all (`npm run test:unit`).
 */
const INTEGRATION = [
  'test/e2e/**/*.test.ts',
  'test/stack/**/*.test.ts',
  'test/workflows/payout.test.ts',
  'test/workflows/first-check.test.ts',
  'test/workflows/payout-devserver.test.ts',
  'test/workflows/replay.test.ts',
  'test/workflows/fence.test.ts',
  'test/temporal/smoke.test.ts',
  'test/temporal/search-attributes-setup.test.ts',
  'test/client/**/*.test.ts',
  'test/cli/**/*.int.test.ts',
  'test/codec/history.test.ts',
  'test/codec/no-key.test.ts',
  'test/worker/startup-check.test.ts',
  'test/worker/workflow-bundle.test.ts',
  'test/boundaries/log-safety.test.ts',
  'test/sandbox/main.test.ts',
  'test/metrics/endpoint.test.ts',
];
/**
 * A real Chromium against `npm start`: the operator's path in the Temporal Web UI. (How it finds
 * Chromium, test/browser/install-chromium.test.ts, is a unit test.)
 */
const BROWSER = ['test/browser/operator.test.ts'];
/** The soak runs alone, after the rest: it loads both cores on its own. */
const SOAK = ['test/soak/**/*.test.ts'];

export default defineConfig({
  test: {
    // Two cores: few files at a time.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...INTEGRATION, ...BROWSER, ...SOAK],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: INTEGRATION,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Finds or installs the Temporal binaries and bundles the workflows, once.
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'browser',
          include: BROWSER,
          testTimeout: 60_000,
          hookTimeout: 150_000,
          // Finds Chromium, or installs it (apt-get) on a machine without one.
          globalSetup: ['test/browser/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'soak',
          include: SOAK,
          testTimeout: 600_000,
          hookTimeout: 120_000,
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
