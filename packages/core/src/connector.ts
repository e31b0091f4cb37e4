/**
 * `@connectd/core/connector`: the contract plugin authors import: the contract types, the define
 * helpers, and error helpers so a plugin can throw coded errors. Plugin loading and the registry
 * are engine internals and stay out of this entry point.
 */
export {
  COMPONENT_SLOTS,
  SLOT_NAMES,
  defineAuth,
  defineComponent,
  defineConnector,
  defineErrorClassifier,
  definePaginator,
  defineRateLimitAdapter,
  defineWebhookVerifier,
  defineOAuthCallbackCheck,
} from './connector/index.js';
export type {
  AuthRuntime,
  Classification,
  ComponentCatalog,
  ComponentContext,
  ComponentDefinition,
  ComponentSlot,
  ConnectionInfo,
  ConnectorMeta,
  ConnectorPlugin,
  ConnectorPreset,
  ConnectorSlots,
  ErrorClass,
  ErrorClassifierRuntime,
  JsonSchema,
  MappingFunction,
  NoUnknownSlots,
  OAuthCallbackCheckRuntime,
  OutgoingRequest,
  PaginatorRuntime,
  RateLimitAdapterRuntime,
  RateLimitBudget,
  ReceivedPage,
  SlotName,
  TokenProvider,
  WebhookRejectReason,
  WebhookVerifierRuntime,
} from './connector/index.js';
// Presets are typed by the config shapes, which live in config/ (above the contract's folder).
export { definePreset } from './config/index.js';
export type { PresetAction, PresetConfig, PresetStream, PresetWebhookEvent, PresetWebhooks, TypedPreset } from './config/index.js';
export { defineError, isConnectdError } from './errors/index.js';
// Exported so a plugin that emits declarations can export the errors it defines.
export type { ErrorFactory } from './errors/index.js';
