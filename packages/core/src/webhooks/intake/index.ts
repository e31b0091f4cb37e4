// Webhook intake: the route, its group-committed inbox writes, key extraction and metrics.
export { DEFAULT_GROUP_COMMIT, GroupCommitter } from './group-commit.js';
export type { GroupCommitOptions } from './group-commit.js';
export { keptHeaderNames, pickHeaders } from './kept-headers.js';
export { createWebhookMetrics, INTAKE_LATENCY_BUCKETS_SECONDS } from './metrics.js';
export { WEBHOOK_ROUTE } from './prepare.js';
export { registerWebhookIntake } from './route.js';
export { DEFAULT_WEBHOOK_BODY_LIMIT_BYTES, UNKNOWN_CONNECTOR_LABEL } from './types.js';
export type {
  InboxOutcome,
  InboxRow,
  InboxWriter,
  WebhookIntakeConnector,
  WebhookIntakeDeps,
  WebhookMetrics,
  WebhookRejection,
} from './types.js';
