// The fake records vendor for process suites, from the public testing entry point integrators use.
export { createFakeRecordsVendor, fakeProducts, reply } from '@connectd/core/testing';
export type { FakeRecord, FakeRecordsVendor, FakeVendorRequest } from '@connectd/core/testing';
