/**
 * `@connectd/core/connector`: the contract plugin authors import: the contract types, the define
 * helpers, and error helpers so a plugin can throw coded errors. Plugin loading and the registry
 * are engine internals and stay out of this entry point.
 *
 * Its values come from the leaf modules that define them, not from the folders' index files: every
 * plugin loads this entry, and the barrels would bring the engine with it (ajv, TypeBox, every
 * error code: a quarter of a second of a daemon's start). The architecture test holds this entry
 * to a short list of modules.
 */
export { COMPONENT_SLOTS, SLOT_NAMES } from './connector/contract.js';
export {
  defineAuth,
  defineComponent,
  defineConnector,
  defineErrorClassifier,
  definePaginator,
  defineRateLimitAdapter,
  defineWebhookVerifier,
  defineOAuthCallbackCheck,
} from './connector/define.js';
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
export { definePreset } from './config/define-preset.js';
export type { PresetAction, PresetConfig, PresetStream, PresetWebhookEvent, PresetWebhooks, TypedPreset } from './config/index.js';
export { isConnectdError } from './errors/connectd-error.js';
export { defineError } from './errors/define-error.js';
// Exported so a plugin that emits declarations can export the errors it defines.
export type { ErrorFactory } from './errors/index.js';
