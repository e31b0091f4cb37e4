/**
 * destinations/: outbound events to the app (issue 15). Every change of the feed and every
 * lifecycle event is queued, once per destination that wants it, in a durable outbox and delivered
 * signed per Standard Webhooks, in order per entity key, with retries, a breaker per endpoint and
 * dead letters. docs/architecture.md, "Events to the app", walks through it.
 */
export { compileDestinations, eventMatcher, DEFAULT_DELIVERY_TIMEOUT_MS, DEFAULT_RETRY_WINDOW_MS } from './compile.js';
export type { Destination } from './compile.js';
export { signatureHeaders, signingKey, SECRET_PREFIX } from './signature.js';
export type { SignatureHeaders } from './signature.js';
export { changeEvent, lifecycleEvent, outboxRow } from './events.js';
export type { OutboundEvent } from './events.js';
export { fanOutChanges, fanOutLifecycle, OUTBOUND_CONSUMER } from './fan-out.js';
export { retryDelayMs, FIRST_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS } from './backoff.js';
export { EndpointBreaker, BREAKER_FAILURE_THRESHOLD, BREAKER_OPEN_MS } from './endpoint-breaker.js';
export { deliverEvent } from './deliver.js';
export type { DeliveryOutcome } from './deliver.js';
export { OutboundWorker, DELIVERY_CONCURRENCY } from './worker.js';
export type { OutboundWorkerOptions } from './worker.js';
export { emitLifecycleEvent } from './lifecycle.js';
export type { LifecycleEventType } from './lifecycle.js';
export { destinationReports } from './status.js';
export type { DestinationReport } from './status.js';
