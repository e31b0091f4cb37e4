export * from './contract.js';
export {
  defineAuth,
  defineComponent,
  defineConnector,
  defineErrorClassifier,
  definePaginator,
  defineRateLimitAdapter,
  defineWebhookVerifier,
  defineOAuthCallbackCheck,
} from './define.js';
export type { NoUnknownSlots } from './define.js';
export { checkPluginShape, COMPONENT_KEY_PATTERN, FUNCTION_KEY_PATTERN, NAMESPACE_PATTERN } from './check-plugin-shape.js';
export { coreVersion, loadPlugins } from './load-plugins.js';
export type { LoadedPlugin, LoadPluginsOptions } from './load-plugins.js';
export { isPackageName } from './resolve-plugin.js';
export { compileComponentSchemas } from './compile-schemas.js';
export type { SchemaProblem } from './compile-schemas.js';
export { identifyPlugin, readPackageIdentity, recordPlugin } from './plugin-identity.js';
export type { PackageIdentity, PluginSource } from './plugin-identity.js';
export { createComponentRegistry, CORE_PLUGIN_NAME } from './registry.js';
export type { ComponentRegistry, RegisteredComponent, RegisteredFunction, SlotComponent } from './registry.js';
export { callPlugin, callPluginAsync, wrapRuntime } from './wrap-plugin-call.js';
export { createComponent } from './create-component.js';
export type { ComponentScope, ComponentUse, RuntimeOf } from './create-component.js';
export { optionsOf } from './options-of.js';
export { compileScalarPath, SCALAR_PATH_PATTERN, scalarText } from './scalar-path.js';
export type { ScalarPath, ScalarPathStep } from './scalar-path.js';
