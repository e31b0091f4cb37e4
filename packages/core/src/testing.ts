/**
 * `@connectd/core/testing`: helpers for tests of connectd and of plugins.
 * @example
 * import { createTestDatabases, storeBackends } from '@connectd/core/testing';
 */
export { createTestDatabases, oneStoreBackend, serverStoreBackend, storeBackends } from './store/testing.js';
export { createFakeHttpServer, reply } from './testing/fake-http-server.js';
export type { FakeAnswer, FakeHandler, FakeHttpServer, FakeReply, RecordedRequest } from './testing/fake-http-server.js';
export { createFakeRecordsVendor, fakeProducts, DEFAULT_FAKE_PAGE_SIZE, DEFAULT_FAKE_MAX_PAGE_SIZE, DEFAULT_FAKE_TOKEN } from './testing/fake-records-vendor.js';
export type { FakeRecord, FakeRecordsVendor, FakeRecordsVendorOptions, FakeVendorRequest, FakeVendorParams } from './testing/fake-records-vendor.js';
export type { StoreBackend, TestDatabases } from './store/testing.js';
export { createFakeMeteredVendor, maxInWindow, DEFAULT_METERED_CLIENT_HEADER } from './testing/fake-metered-vendor.js';
export type { FakeMeteredVendor, FakeMeteredVendorOptions, MeteredRecord, MeteredRequest } from './testing/fake-metered-vendor.js';
export {
  startFakeOAuthProvider,
  DEFAULT_FAKE_ACCOUNT_ID,
  DEFAULT_FAKE_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_FAKE_CLIENT_ID,
  DEFAULT_FAKE_CLIENT_SECRET,
  FAKE_ACCESS_TOKEN_PREFIX,
  FAKE_CODE_PREFIX,
  FAKE_CODE_TTL_MS,
  FAKE_OAUTH_ITEMS,
  FAKE_REFRESH_TOKEN_PREFIX,
  s256Challenge,
} from './testing/fake-oauth-provider.js';
export type {
  ApiRequestRecord,
  AuthorizeRequestRecord,
  ClientAuthUsed,
  FakeGrantType,
  FakeOAuthProvider,
  FakeOAuthProviderOptions,
  TokenRequestRecord,
} from './testing/fake-oauth-provider.js';
export { waitFor } from './testing/wait-for.js';
export { createTestClient } from './testing/test-client.js';
export type { TestClientOptions } from './testing/test-client.js';
export { ManualClock } from './testing/manual-clock.js';
export { seededRandom } from './testing/seeded-random.js';
export { fuzzCases, runFuzz, summary as fuzzSummary, violations as fuzzViolations } from './testing/webhook-fuzz.js';
export type { FuzzCase, FuzzResult, FuzzTarget } from './testing/webhook-fuzz.js';
// Seeding a store in tests the way the daemon writes it: connections, encrypted tokens, dead letters.
export { insertDeadLetters, saveConnection, upsertDeclaredConnection } from './store/index.js';
export type { Queryable } from './store/index.js';
export { createVault, keyIdOf, parseKeyRing } from './auth/index.js';
export { saveTokenSet } from './oauth/index.js';
// Signing connect session tokens the way the daemon does (a test forges an expired one with the real key).
export { sessionKeyFrom, signSessionToken } from './oauth/index.js';
export { projectYaml as webhookProcessingYaml } from './testing/webhook-processing.js';
// The plugin author's tester: components and presets checked the way core uses them.
export { testComponent, formatAjvErrors } from './testing/test-component.js';
export type { InvalidComponentCase, TestComponentOptions, TestComponentReport, ValidComponentCase } from './testing/test-component.js';
export { testPreset, DEFAULT_TEST_BASE_URL } from './testing/test-preset.js';
export type { PresetSample, TestPresetOptions, TestPresetReport } from './testing/test-preset.js';
export { presetWebhookVerifier } from './testing/preset-webhook-verifier.js';
export type { PresetWebhookVerifier, PresetWebhookVerifierOptions } from './testing/preset-webhook-verifier.js';
export { CasesFailed } from './testing/case-failures.js';
export type { CaseFailure } from './testing/case-failures.js';
export { createTestContext } from './testing/component-context.js';
export type { CapturedLogLine, TestComponentContext, TestContextOptions } from './testing/component-context.js';
export { loadInMemoryPlugin, IN_MEMORY_PLUGIN_NAME, IN_MEMORY_PLUGIN_VERSION } from './testing/in-memory-plugin.js';
export type { InMemoryLoad } from './testing/in-memory-plugin.js';
// A fake REST vendor in a few lines: routes, paging styles, faults, signed webhooks.
export { createFakeVendor } from './testing/fake-vendor.js';
export type { FakeVendor, FakeVendorOptions, Listed, RecordsRouteOptions, VendorExchange, VendorRouteOptions, VendorFault, VendorHandler, VendorRouteContext } from './testing/fake-vendor.js';
export { DEFAULT_VENDOR_MAX_PAGE_SIZE, DEFAULT_VENDOR_PAGE_SIZE, compareCursorKeys, decodeCursor, encodeCursor, pageAnswer, pageOf, pageSizeOf, servePage } from './testing/fake-vendor-paging.js';
export type { CursorKey, PagePosition, PagingOptions, PagingParams, PagingProblem, PagingStyle, RecordSource, SourceSlice, VendorPage } from './testing/fake-vendor-paging.js';
export { webhookSender, DEFAULT_WEBHOOK_SEND_TIMEOUT_MS } from './testing/fake-vendor-webhooks.js';
export type { WebhookSender, WebhookSendOptions, WebhookSendResult, WebhookSigning } from './testing/fake-vendor-webhooks.js';
