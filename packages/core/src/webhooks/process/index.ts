// webhooks/process: the inbox processor. Claims stored deliveries, maps them onto entities and
// settles them through the sync write path; the store side is an interface (types.ts) that the
// daemon implements. Replay of dead letters reads the payload shapes in dead-letter-payload.ts.
export { InboxProcessor, DEFAULT_INBOX_BATCH_SIZE, DEFAULT_INBOX_LEASE_MS, DEFAULT_INBOX_POLL_INTERVAL_MS, DEFAULT_INBOX_STOP_DEADLINE_MS } from './processor.js';
export type { BatchSummary, InboxProcessorOptions } from './processor.js';
export { DEFAULT_WEBHOOK_MAX_ATTEMPTS, DEFAULT_WEBHOOK_RETRY, webhookRetryDelayMs } from './backoff.js';
export type { WebhookRetryPolicy } from './backoff.js';
export { readWebhookDeadLetter, webhookRecordDeadLetter } from './dead-letter-payload.js';
export type { WebhookDeadLetterPayload, WebhookEventDeadLetter, WebhookRecordDeadLetter } from './dead-letter-payload.js';
export type {
  ConnectionDirectory,
  ConnectionResolution,
  DeadLetterReason,
  EventEffect,
  EventFetcher,
  EventRetry,
  EventSettlement,
  FetchAnswer,
  SettleOutcome,
  InboxEvent,
  WebhookEventStore,
  WebhookProcessingMetrics,
} from './types.js';
export { createProcessingMetrics, PROCESSING_LATENCY_BUCKETS_SECONDS } from './metrics.js';
