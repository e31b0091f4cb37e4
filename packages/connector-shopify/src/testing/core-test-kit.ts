/**
 * The one door from this fake to `@connectd/core/testing` (a plugin's `src/testing/` may use
 * core's test kit; its other sources see only `@connectd/core/connector`).
 * @example
 * import { createFakeHttpServer, type FakeReply } from './core-test-kit.js';
 */
export { createFakeHttpServer, reply, seededRandom } from '@connectd/core/testing';
export type { FakeAnswer, FakeHttpServer, FakeReply, RecordedRequest } from '@connectd/core/testing';
