/**
 * The shapes of connectors.yaml, written once: the validator compiles them, the config types are
 * derived from them, and the editor schema (packages/core/schema/connectors.schema.json) is
 * generated from them plus each built-in component's own options schema.
 */
export { ConnectdConfigSchema, Entity, Server } from './config.js';
export { Connection, Connector } from './connector.js';
export { Action, Idempotency } from './action.js';
export { Breaker, RateLimit, Retry, Timeouts } from './policies.js';
export { Incremental, Request, Stream } from './stream.js';
export { WebhookEvent, Webhooks } from './webhooks.js';
export { slot } from './parts.js';
