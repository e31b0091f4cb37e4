/**
 * The validated config model, derived from the schemas in ./schema (never written by hand). Names
 * stay snake_case as in YAML, so a key in the file is the key in code. Defaults are not applied
 * here: the layer that uses a value owns its default (named constants with units).
 */
import type { Frozen, Static } from '../json-schema/index.js';
import type * as Schema from './schema/index.js';

/** A scalar a query string or placeholder can take. */
export type ConfigScalar = string | number | boolean;

/** The file as its schema describes it, after presets. */
export type ConfigShape = Frozen<Static<typeof Schema.ConnectdConfigSchema>>;

/** The whole file after presets and validation; `plugins` and `entities` are filled in when absent. */
export interface ConnectdConfig extends Omit<ConfigShape, 'plugins' | 'entities'> {
  readonly plugins: NonNullable<ConfigShape['plugins']>;
  readonly entities: NonNullable<ConfigShape['entities']>;
}

export type ServerConfig = Frozen<Static<typeof Schema.ServerSchema>>;
export type RetentionConfig = Frozen<Static<typeof Schema.RetentionSchema>>;
export type EntityConfig = Frozen<Static<typeof Schema.EntitySchema>>;
export type DestinationConfig = Frozen<Static<typeof Schema.DestinationSchema>>;
export type FlowConfig = Frozen<Static<typeof Schema.FlowSchema>>;
export type ConnectorConfig = Frozen<Static<typeof Schema.ConnectorSchema>>;
export type ConnectionConfig = Frozen<Static<typeof Schema.ConnectionSchema>>;
export type RequestConfig = Frozen<Static<typeof Schema.RequestSchema>>;
export type StreamConfig = Frozen<Static<typeof Schema.StreamSchema>>;
export type IncrementalConfig = Frozen<Static<typeof Schema.IncrementalSchema>>;
export type WebhooksConfig = Frozen<Static<typeof Schema.WebhooksSchema>>;
export type WebhookEventConfig = Frozen<Static<typeof Schema.WebhookEventSchema>>;
export type ActionConfig = Frozen<Static<typeof Schema.ActionSchema>>;
export type RateLimitConfig = Frozen<Static<typeof Schema.RateLimitSchema>>;
export type RetryConfig = Frozen<Static<typeof Schema.RetrySchema>>;
export type BreakerConfig = Frozen<Static<typeof Schema.BreakerSchema>>;
export type TimeoutsConfig = Frozen<Static<typeof Schema.TimeoutsSchema>>;

/**
 * The config of a plugin preset (`definePreset`): any key of a connector block except `extends`
 * (presets do not chain), every one optional, since the integrator's block adds the rest (URL,
 * credentials, secrets). Nested blocks keep the file's types, key sets and required keys.
 */
export type PresetConfig = { readonly [K in Exclude<keyof ConnectorConfig, 'extends'>]?: ConnectorConfig[K] };
/** A stream of a preset, for streams declared as separate constants (`satisfies PresetStream`). */
export type PresetStream = StreamConfig;
/** A preset's `webhooks` block, for a separately declared constant. */
export type PresetWebhooks = WebhooksConfig;
/** One event of a preset's `webhooks.events`. */
export type PresetWebhookEvent = WebhookEventConfig;
/** An action of a preset, for actions declared as separate constants (`satisfies PresetAction`). */
export type PresetAction = ActionConfig;
