/**
 * The shapes of connectors.yaml, written once: the validator compiles them, the config types are
 * derived from them, and the editor schema (packages/core/schema/connectors.schema.json) is
 * generated from them plus each built-in component's own options schema.
 */
export { ConnectdConfigSchema, EntitySchema, RetentionSchema, ServerSchema } from './config.js';
export { ConnectionSchema, ConnectorSchema } from './connector.js';
export { DestinationSchema } from './destinations.js';
export { FlowConnectionSchema, FlowSchema, FlowThenSchema, FlowWhenSchema } from './flows.js';
export { ActionSchema, IdempotencySchema } from './action.js';
export { BreakerSchema, RateLimitSchema, RetrySchema, TimeoutsSchema } from './policies.js';
export { IncrementalSchema, RequestSchema, StreamSchema } from './stream.js';
export { WebhookEventSchema, WebhooksSchema } from './webhooks.js';
export { slot } from './parts.js';
