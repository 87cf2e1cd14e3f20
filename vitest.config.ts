import { defineConfig } from 'vitest/config';

// Three projects: pure unit tests, integration tests that start real processes
// (anvil, nodes, host), and e2e tests that drive Debian's Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['app/**/*.test.ts', 'contracts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          // Projects run one after another: two sandboxes at once on 2 cores slow each other down.
          sequence: { groupOrder: 1 },
          include: ['app/**/*.int.test.ts', 'contracts/**/*.int.test.ts', 'system-tests/**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file starts its own anvil and nodes; two cores cannot take many at once.
          fileParallelism: false,
          execArgv: ['--no-node-snapshot'],
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['e2e/**/*.e2e.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
