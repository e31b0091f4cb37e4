/**
 * The validated config model, by hand to match packages/core/schema/connectors.schema.json.
 * Names stay snake_case as in YAML, so a key in the file is the key in code. Defaults are not
 * applied here: the layer that uses a value owns its default (named constants with units).
 */

/** A scalar a query string or placeholder can take. */
export type ConfigScalar = string | number | boolean;

export interface ConnectdConfig {
  readonly version: 1;
  /** Plugin packages to load; [] when absent. */
  readonly plugins: readonly string[];
  readonly server?: ServerConfig;
  /** Custom entities; {} when absent. */
  readonly entities: Readonly<Record<string, EntityConfig>>;
  /** Every connector, idle ones included: check `idleConnectors` of the result before starting one. */
  readonly connectors: Readonly<Record<string, ConnectorConfig>>;
}

export interface ServerConfig {
  readonly port?: number;
  readonly host?: string;
  readonly body_limit_bytes?: number;
  readonly public_url?: string;
}

export interface EntityConfig {
  readonly description?: string;
  /** JSON Schema (type: object) of the entity. */
  readonly schema: Readonly<Record<string, unknown>>;
  readonly natural_key: readonly string[];
}

export interface ConnectorConfig {
  readonly description?: string;
  readonly optional?: boolean;
  /** The preset id(s) that were merged in. */
  readonly extends?: string | readonly string[];
  readonly base_url?: string;
  readonly vars?: Readonly<Record<string, ConfigScalar>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: AuthConfig;
  readonly rate_limit?: RateLimitConfig;
  readonly retry?: RetryConfig;
  readonly breaker?: BreakerConfig;
  readonly timeouts?: TimeoutsConfig;
  /** Default pagination for the connector's streams. */
  readonly pagination?: PaginationConfig;
  readonly error_classifier?: PluginComponentConfig;
  readonly connections?: readonly ConnectionConfig[];
  readonly streams?: Readonly<Record<string, StreamConfig>>;
  readonly webhooks?: WebhooksConfig;
  readonly actions?: Readonly<Record<string, ActionConfig>>;
}

/** A component from a plugin: `type: namespace/name` plus options its schema describes. */
export interface PluginComponentConfig {
  readonly type: `${string}/${string}`;
  readonly [option: string]: unknown;
}

export type AuthConfig = ApiKeyAuthConfig | BearerAuthConfig | BasicAuthConfig | OAuth2AuthConfig | PluginComponentConfig;

export interface ApiKeyAuthConfig {
  readonly type: 'api_key';
  readonly in?: 'header' | 'query';
  readonly name: string;
  readonly value: string;
  readonly prefix?: string;
}

export interface BearerAuthConfig {
  readonly type: 'bearer';
  readonly token: string;
}

export interface BasicAuthConfig {
  readonly type: 'basic';
  readonly username: string;
  readonly password: string;
}

export interface OAuth2AuthConfig {
  readonly type: 'oauth2';
  readonly grant?: 'authorization_code' | 'client_credentials';
  /** Required for authorization_code; may hold `{shop}`-style placeholders. */
  readonly authorize_url?: string;
  readonly token_url: string;
  readonly client_id: string;
  /** Required unless `pkce: true`. */
  readonly client_secret?: string;
  /** A list, or one string split on `scope_separator`. */
  readonly scopes?: readonly string[] | string;
  readonly scope_separator?: string;
  readonly pkce?: boolean;
  readonly client_auth?: 'body' | 'basic';
  readonly token_request_format?: 'json' | 'form';
  readonly refresh_margin_seconds?: number;
  readonly extra_authorize_params?: Readonly<Record<string, string>>;
  /** Header carrying the access token (default Authorization). */
  readonly header?: string;
  /** Text before the token (default "Bearer "). */
  readonly prefix?: string;
}

export interface RateLimitConfig {
  /** `10/s`, `600/min`, `1000/hour`. */
  readonly rate?: string;
  readonly burst?: number;
  readonly concurrency?: number;
  readonly adapter?: PluginComponentConfig;
}

export interface RetryConfig {
  readonly max_attempts?: number;
  readonly base_delay_ms?: number;
  readonly max_delay_ms?: number;
  readonly max_wait_ms?: number;
  readonly retry_on_status?: readonly number[];
}

export interface BreakerConfig {
  readonly failure_threshold?: number;
  readonly failure_ratio?: number;
  readonly window_seconds?: number;
  readonly cooldown_seconds?: number;
}

export interface TimeoutsConfig {
  readonly connect_ms?: number;
  readonly headers_ms?: number;
  readonly body_ms?: number;
}

export interface ConnectionConfig {
  readonly id: string;
  readonly tenant: string;
  readonly name?: string;
  readonly config?: Readonly<Record<string, ConfigScalar>>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface RequestConfig {
  readonly method?: HttpMethod;
  readonly path: string;
  readonly query?: Readonly<Record<string, ConfigScalar>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A literal JSON body, or a JSONata expression string. */
  readonly body?: string | Readonly<Record<string, unknown>> | readonly unknown[];
  readonly graphql?: { readonly query: string; readonly variables?: Readonly<Record<string, unknown>> };
}

interface PaginationLimits {
  readonly stop_on_empty?: boolean;
  readonly stop_on_short_page?: boolean;
  readonly max_pages?: number;
}

export type PaginationConfig =
  | { readonly type: 'none' }
  | (PaginationLimits & { readonly type: 'link_header'; readonly rel?: string })
  | (PaginationLimits & {
      readonly type: 'cursor';
      readonly from?: 'body' | 'header';
      readonly path?: string;
      readonly header?: string;
      readonly param: string;
      readonly in?: 'query' | 'body';
      readonly body_path?: string;
    })
  | (PaginationLimits & { readonly type: 'offset'; readonly param?: string; readonly limit_param?: string; readonly limit?: number })
  | (PaginationLimits & { readonly type: 'page'; readonly param?: string; readonly size_param?: string; readonly size?: number; readonly start?: number })
  | PluginComponentConfig;

export interface StreamConfig {
  readonly description?: string;
  readonly request: RequestConfig;
  readonly records?: string;
  readonly pagination?: PaginationConfig;
  readonly entity: string;
  /** JSONata from a vendor record to an entity. */
  readonly map?: string;
  /** Cron, 5 fields or 6 with seconds. */
  readonly schedule?: string;
  readonly incremental?: IncrementalConfig;
  readonly error_classifier?: PluginComponentConfig;
}

export interface IncrementalConfig {
  readonly cursor_field: string;
  readonly param?: string;
  readonly in?: 'query' | 'body' | 'graphql_variable';
  readonly variable?: string;
  readonly body_path?: string;
  readonly lookback_seconds?: number;
  readonly initial?: string;
}

export interface WebhooksConfig {
  readonly path?: string;
  readonly body_limit_bytes?: number;
  readonly verify: VerifierConfig;
  /** `header:<Name>` or a body path such as `$.id`. */
  readonly event_id?: string;
  readonly event_type?: string;
  readonly route?: string;
  readonly events: Readonly<Record<string, WebhookEventConfig>>;
}

export interface WebhookEventConfig {
  readonly description?: string;
  readonly entity: string;
  readonly map?: string;
  readonly records?: string;
}

export type VerifierConfig = HmacVerifierConfig | PluginComponentConfig;

export interface HmacVerifierConfig {
  readonly type: 'hmac';
  readonly header: string;
  readonly algorithm?: 'sha256' | 'sha1' | 'sha512';
  readonly encoding?: 'hex' | 'base64';
  readonly prefix?: string;
  readonly signed_payload?: 'body' | 'url_body' | 'timestamp_body';
  readonly url?: string;
  readonly timestamp_header?: string;
  readonly separator?: string;
  readonly tolerance_seconds?: number;
  /** Exactly one of secret / secrets is set. */
  readonly secret?: string;
  readonly secrets?: readonly string[];
}

export interface ActionConfig {
  readonly description?: string;
  readonly request: RequestConfig;
  readonly input_schema?: Readonly<Record<string, unknown>>;
  readonly map?: string;
  readonly idempotency?: {
    readonly key: string;
    readonly header?: string;
    /** Finds an earlier success; `records` is the JSONata path to the matches (default: the body, which must be a list). */
    readonly lookup?: { readonly path: string; readonly query?: Readonly<Record<string, ConfigScalar>>; readonly records?: string };
  };
}
