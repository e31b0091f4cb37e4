/**
 * Typed presets. A preset is a connector block of connectors.yaml written in TypeScript, so its
 * type is derived from the config types (themselves derived from the schemas, see types.ts): a key
 * the file would refuse fails to compile in the plugin, at any depth, and a schema change reaches
 * plugin authors without anyone updating a mirror. It lives here, not in connector/, because the
 * contract is a leaf below config (connector/ must not import config's types); the
 * `@connectd/core/connector` entry point re-exports it.
 */
import type { PresetConfig } from './types.js';

/**
 * Declares a preset (a value of the `presets` slot, used in YAML as `extends: <namespace>/<key>`).
 * It does nothing at run time; its parameter type makes a misspelt key fail to compile. It is not
 * generic on purpose: TypeScript checks extra keys of an object literal only against a declared
 * type, never against a type parameter inferred from that literal. Constants declared apart from
 * the call are not checked for extra keys where they are used: declare them with
 * `satisfies PresetStream` (or `PresetWebhooks`, `PresetAction`). Component uses (`auth`,
 * `pagination`, `webhooks.verify`, error classifiers) are `{ type, ...options }` with open options,
 * checked by each component's schema when a config using the preset is validated; JSONata stays
 * `string`. The loader still checks every preset at run time, as plain-JS plugins never saw these
 * types.
 * @example
 * import { definePreset, type PresetStream } from '@connectd/core/connector';
 *
 * const stock = { request: { path: '/stock' }, records: '$.stock', entity: 'inventory_level' } satisfies PresetStream;
 * export const acmeDefault = definePreset({
 *   description: 'acme stock, hourly',
 *   config: { auth: { type: 'bearer' }, streams: { stock: { ...stock, schedule: '0 * * * *' } } },
 * });
 */
export function definePreset(preset: TypedPreset): TypedPreset {
  return preset;
}

/**
 * A `ConnectorPreset` (the contract's, with an open config record) whose config is typed. Written out rather than as an intersection with
 * ConnectorPreset, whose open `config` record would switch the extra-key check off.
 */
export interface TypedPreset {
  readonly description: string;
  readonly config: PresetConfig;
}
