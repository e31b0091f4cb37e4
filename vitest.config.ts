import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (file: string): string => fileURLToPath(new URL(`./packages/core/src/${file}`, import.meta.url));

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
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/third-party/*/src/**/*.test.ts'],
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
