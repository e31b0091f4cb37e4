/**
 * `@connectd/connector-storq/testing`: a fake storq.io for tests of the storq connector and for
 * integrators who want to exercise their setup without storq.
 * @example
 * const { startFakeStorq } = await import('@connectd/connector-storq/testing');
 * const storq = await startFakeStorq();
 * // base_url: storq.baseUrl, api key: storq.liveKey (or storq.testKey for test mode)
 */
export { startFakeStorq, DEFAULT_STORQ_LIVE_KEY, DEFAULT_STORQ_TEST_KEY, DEFAULT_STORQ_WEBHOOK_SECRET, DEFAULT_STORQ_SEED } from './fake-storq.js';
export type { FakeStorq, FakeStorqOptions, StorqRequestRecord } from './fake-storq.js';
export type { StockSeed } from './fake-storq-state.js';
export { DEFAULT_STORQ_RETRY_AFTER_SECONDS } from './faults.js';
export type { StorqFaults, StorqFaultKind } from './faults.js';
export { DEFAULT_STORQ_PAGE_SIZE, MAX_STORQ_PAGE_SIZE } from './pagination.js';
export { STORQ_API_PATH } from './fake-storq-api.js';
export {
  deliverStorqEvent,
  signStorqPayload,
  STORQ_SIGNATURE_HEADER,
  STORQ_GUIDE_SIGNATURE_HEADER,
  DEFAULT_STORQ_DELIVERY_TIMEOUT_MS,
} from './webhooks.js';
export type { StorqDeliveryOptions, StorqDeliveryResult } from './webhooks.js';
export type { StorqErrorType, StorqEvent, StorqLineItem, StorqMode, StorqOrder, StorqOrderInput, StorqProduct, StorqStockRow } from './types.js';
