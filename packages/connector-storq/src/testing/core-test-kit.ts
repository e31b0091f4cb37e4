/**
 * The one door from this fake to `@connectd/core/testing` (a plugin's `src/testing/` may use
 * core's test kit; its other sources see only `@connectd/core/connector`).
 * @example
 * import { createFakeVendor, type FakeReply } from './core-test-kit.js';
 */
export { createFakeHttpServer, createFakeVendor, decodeCursor, encodeCursor, pageOf, reply, seededRandom, webhookSender } from '@connectd/core/testing';
export type { FakeAnswer, FakeHttpServer, FakeReply, FakeVendor, PagingOptions, RecordedRequest, VendorExchange, WebhookSendOptions } from '@connectd/core/testing';
