import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (file: string): string => fileURLToPath(new URL(`./packages/core/src/${file}`, import.meta.url));

const UNIT_TESTS = ['packages/*/src/**/*.test.ts', 'examples/third-party/*/src/**/*.test.ts'];
// Suites that replace a module (vi.mock) or install process-wide signal handlers get a process of their own.
const ISOLATED_UNIT_TESTS = ['packages/core/src/daemon/http/admin-auth.test.ts', 'packages/core/src/cli/commands/held-signals.test.ts'];

export default defineConfig({
  resolve: {
    // Tests run against core's sources; a spawned daemon and dynamically loaded plugins use dist/.
    alias: [
      { find: /^@connectd\/core\/connector$/, replacement: src('connector.ts') },
      { find: /^@connectd\/core\/testing$/, replacement: src('testing.ts') },
      { find: /^@connectd\/core$/, replacement: src('index.ts') },
      {
        find: /^@connectd\/connector-storq\/testing$/,
        replacement: fileURLToPath(new URL('./packages/connector-storq/src/testing/index.ts', import.meta.url)),
      },
      {
        find: /^@connectd\/connector-square\/testing$/,
        replacement: fileURLToPath(new URL('./packages/connector-square/src/testing/index.ts', import.meta.url)),
      },
      {
        find: /^@connectd\/connector-shopify\/testing$/,
        replacement: fileURLToPath(new URL('./packages/connector-shopify/src/testing/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'modules',
          include: UNIT_TESTS,
          exclude: ISOLATED_UNIT_TESTS,
          // One process runs many module suites one after another: importing the core's modules again
          // for each of 230 files cost a quarter of the suite's time. Every suite closes what it opens.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: [...ISOLATED_UNIT_TESTS, 'test/**/*.test.ts'] } },
    ],
    // Bounds, not assertions: a process test starts daemons (PGlite's first open runs initdb).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most suites wait on child processes, sockets and databases rather than the CPU: on a 2-core
    // machine the default (one worker) leaves it idle half the time; more than two starves the
    // daemons the process suites start.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
