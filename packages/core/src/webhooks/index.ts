/**
 * webhooks/: verified, durable, deduplicated intake (verify/, intake/) and asynchronous
 * processing of the inbox (process/), both reading a connector's webhooks compiled once at load
 * (compile.ts, keys.ts). No SQL: the inbox and the entity tables are ports implemented in persist/.
 */
export * from './verify/index.js';
export * from './intake/index.js';
export * from './process/index.js';
export { compileDeliveryKeys, compileKeyExtractor, dedupeKeyOf, labelKeyOf, MAX_DEDUPE_KEY_CHARS, MAX_LABEL_KEY_CHARS } from './keys.js';
export type { DeliveryKeyDeclaration, DeliveryKeys, KeyExtractor } from './keys.js';
export { compileWebhooks } from './compile.js';
export { compileEventAction } from './event-action.js';
export type { CompiledFetch, EventAction, FetchDeclaration } from './event-action.js';
export type { CompiledWebhookEvent, CompiledWebhooks, CompileWebhooksOptions, WebhookCompileIssue, WebhookDeclaration, WebhookEventDeclaration } from './compile.js';
