/**
 * `@connectd/core/testing`: helpers for tests of connectd and of plugins.
 * @example
 * import { createTestDatabases, storeBackends } from '@connectd/core/testing';
 */
export { createTestDatabases, storeBackends } from './store/testing.js';
export { createFakeHttpServer, reply } from './testing/fake-http-server.js';
