/**
 * `@connectd/core/testing`: helpers for tests of connectd and of plugins.
 * @example
 * import { createTestDatabases, storeBackends } from '@connectd/core/testing';
 */
export { createTestDatabases, storeBackends } from './store/testing.js';
export { createFakeHttpServer, reply } from './testing/fake-http-server.js';
export { createFakeRecordsVendor, fakeProducts, DEFAULT_FAKE_PAGE_SIZE, DEFAULT_FAKE_MAX_PAGE_SIZE, DEFAULT_FAKE_TOKEN } from './testing/fake-records-vendor.js';
export type { FakeRecord, FakeRecordsVendor, FakeRecordsVendorOptions, FakeVendorRequest, FakeVendorParams } from './testing/fake-records-vendor.js';
export type { StoreBackend, TestDatabases } from './store/testing.js';
