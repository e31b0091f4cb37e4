/**
 * The plugin contract: what a connector package exports and what core hands to its components.
 * Built-in components (core's auth strategies, paginators, verifiers) use exactly these shapes.
 */
import type { Logger } from '../log/index.js';

/**
 * Identity of a connector package, checked at load. Name and version are read from the package's
 * package.json by the loader; leave them out. When given anyway, each must equal package.json's,
 * or the plugin fails to load (CONNECTD_ERR_PLUGIN_META_MISMATCH).
 */
export interface ConnectorMeta {
  /** npm package name, e.g. "@connectd/connector-storq"; default and only allowed value: package.json's `name`. */
  readonly name?: string;
  /** Default and only allowed value: package.json's `version`. */
  readonly version?: string;
  /** Prefix for component ids in connectors.yaml: namespace "storq" → "storq/hmac". */
  readonly namespace: string;
  /** semver range of @connectd/core this plugin supports. */
  readonly engine: string;
  /** Extra field names to redact in logs (added to core's fixed list). */
  readonly secrets?: readonly string[];
}

/** The meta of a loaded plugin: name and version filled in from its package.json. */
export interface LoadedPluginMeta extends ConnectorMeta {
  readonly name: string;
  readonly version: string;
}

/** A JSON Schema object (draft 2020-12 or 07 as ajv accepts it). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** The connection (one vendor account of one tenant) a component instance serves. */
export interface ConnectionInfo {
  readonly id: string;
  readonly tenant: string;
  /** The connection's settings from the config (e.g. `shop`), read-only. */
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * Supplies a connection's OAuth access token. Implemented by the engine on top of the token vault;
 * the `oauth2` auth strategy only asks it for tokens and never sees refresh tokens or secrets.
 */
export interface TokenProvider {
  /** The current access token; the provider caches it and refreshes ahead of expiry itself. */
  getAccessToken(): Promise<string>;
  /**
   * Gets a new access token now and returns it: the vendor rejected `rejectedToken` (default: the
   * last one handed out). When the stored token already differs from it, that one is returned.
   */
  refresh(rejectedToken?: string): Promise<string>;
}

/** What core hands to every component; components reach nothing ambient. */
export interface ComponentContext {
  /** Child logger bound to { connector, component }. */
  readonly log: Logger;
  /** Aborted on shutdown. */
  readonly signal: AbortSignal;
  now(): Date;
  /** The connection this instance serves; absent for components created outside one. */
  readonly connection?: ConnectionInfo;
  /** The connection's OAuth tokens; present when the connection has an OAuth grant. */
  readonly tokens?: TokenProvider;
}

/** A component: declarative meta plus a factory called once per configured use, not per request. */
export interface ComponentDefinition<Options = unknown, Runtime = unknown> {
  readonly meta: {
    /** Local type id; the registry key is `${namespace}/${type}` (core built-ins: bare `type`). */
    readonly type: string;
    readonly description: string;
    /** JSON Schema of the options object (the YAML mapping minus `type`). */
    readonly schema: JsonSchema;
  };
  create(options: Readonly<Options>, ctx: ComponentContext): Runtime;
}

/** A transport-neutral outgoing request. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | undefined;
}

/** A response as components see it: status, lower-cased headers, parsed body. */
export interface ReceivedPage {
  readonly request: OutgoingRequest;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

export interface AuthRuntime {
  authorize(request: OutgoingRequest): Promise<OutgoingRequest>;
  /** Called once after a 401 (with the request the vendor rejected) before the single retry; absent when the scheme cannot refresh. */
  refresh?(rejected?: OutgoingRequest): Promise<void>;
}

export interface PaginatorRuntime {
  /**
   * Prepares the first request (e.g. adds `limit=100&offset=0`); absent when the first request
   * goes out as declared.
   */
  first?(request: OutgoingRequest): OutgoingRequest;
  /** The next request, or null when the stream is done. */
  next(page: ReceivedPage, records: readonly unknown[]): OutgoingRequest | null;
  /** Records per page the paginator asks for, when it sets one; `stop_on_short_page` compares with it. */
  readonly pageSize?: number;
}

export type WebhookRejectReason = 'missing' | 'mismatch' | 'stale' | 'no_secret';

export interface WebhookVerifierRuntime {
  /** Constant-time and length-checked; returns a reason instead of throwing on bad input. */
  verify(input: { rawBody: Buffer; headers: Readonly<Record<string, string | string[] | undefined>>; url: string }):
    | { ok: true }
    | { ok: false; reason: WebhookRejectReason };
}

/**
 * Checks the query of an OAuth callback before the code is exchanged, for vendors that sign it
 * (Shopify's `hmac`). Throw a coded error to refuse the callback; nothing is stored then.
 */
export interface OAuthCallbackCheckRuntime {
  check(query: URLSearchParams): void | Promise<void>;
}

export type ErrorClass = 'ok' | 'retry' | 'rate-limited' | 'auth-expired' | 'fatal';

/** A classification with the wait the response asks for, when the vendor says it in its body. */
export interface Classification {
  readonly kind: ErrorClass;
  /**
   * For `rate-limited` and `retry`: how long to wait before the next attempt, in ms, read from the
   * response (a GraphQL throttle's missing points at its restore rate). A `Retry-After` header
   * asking for longer wins.
   */
  readonly retryAfterMs?: number | undefined;
}

export interface ErrorClassifierRuntime {
  /**
   * Names what a response means. Consulted when the status rules see nothing wrong (a GraphQL 200
   * carrying THROTTLED), and on a 429 for the wait only. `ok` means "no opinion".
   */
  classify(page: ReceivedPage): ErrorClass | Classification;
}

/**
 * The vendor's budget as one response reports it. Units are the vendor's: requests for a call-limit
 * header, points for a GraphQL cost budget; `costOf` counts in the same units.
 */
export interface RateLimitBudget {
  /** Fraction of the budget left (0..1); default `available / maximum`. The only figure older adapters give. */
  readonly remainingRatio?: number | undefined;
  /** Units the vendor would grant right now. With it, the limiter is re-synchronised from this answer. */
  readonly available?: number | undefined;
  /** The budget's capacity (bucket size). */
  readonly maximum?: number | undefined;
  /** Units restored (leaked) per second. */
  readonly restorePerSecond?: number | undefined;
}

/**
 * Reads response headers or bodies to pace a connection (call-limit headers, a GraphQL cost budget).
 * An adapter that reports `available` (with `maximum` and `restorePerSecond`, or a declared
 * `rate`/`burst`) makes the connection's limiter a budget kept in step with the vendor: before each
 * request it waits until the request's `costOf` units are available, so nothing is sent that the
 * vendor would throttle.
 */
export interface RateLimitAdapterRuntime {
  /** The budget this response reports, or undefined when it says nothing. */
  observe(page: ReceivedPage): RateLimitBudget | undefined;
  /**
   * What `request` will cost before it is sent, in the budget's units (Shopify GraphQL: the
   * query's requested cost). Undefined, or no `costOf`: one unit per request.
   */
  costOf?(request: OutgoingRequest): number | undefined;
}

/** A JSONata function a plugin adds, registered as `$<namespace>_<name>`. */
export interface MappingFunction {
  /** JSONata signature string, e.g. "<s:s>". */
  readonly signature?: string;
  readonly impl: (...args: never[]) => unknown;
}

/**
 * A YAML fragment integrators can `extends:` ("storq/default"). Declare it with `definePreset`,
 * whose `PresetConfig` type (derived from the config types, which build on this contract, hence
 * not named here) makes a misspelt key fail to compile. The loader checks it at run time.
 */
export interface ConnectorPreset {
  readonly description: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** The closed set of slots a plugin may fill. */
export interface ConnectorSlots {
  readonly auth?: Readonly<Record<string, ComponentDefinition<never, AuthRuntime>>>;
  readonly paginators?: Readonly<Record<string, ComponentDefinition<never, PaginatorRuntime>>>;
  readonly webhookVerifiers?: Readonly<Record<string, ComponentDefinition<never, WebhookVerifierRuntime>>>;
  readonly errorClassifiers?: Readonly<Record<string, ComponentDefinition<never, ErrorClassifierRuntime>>>;
  readonly rateLimitAdapters?: Readonly<Record<string, ComponentDefinition<never, RateLimitAdapterRuntime>>>;
  readonly oauthCallbackChecks?: Readonly<Record<string, ComponentDefinition<never, OAuthCallbackCheckRuntime>>>;
  readonly functions?: Readonly<Record<string, MappingFunction>>;
  readonly presets?: Readonly<Record<string, ConnectorPreset>>;
}

/** The whole plugin: a plain object with meta and closed, optional slots. */
export interface ConnectorPlugin extends ConnectorSlots {
  readonly meta: ConnectorMeta;
}

/** Slots that hold components (as opposed to functions and presets). */
export type ComponentSlot = 'auth' | 'paginators' | 'webhookVerifiers' | 'errorClassifiers' | 'rateLimitAdapters' | 'oauthCallbackChecks';

export const COMPONENT_SLOTS: readonly ComponentSlot[] = [
  'auth',
  'paginators',
  'webhookVerifiers',
  'errorClassifiers',
  'rateLimitAdapters',
  'oauthCallbackChecks',
];

/** Every slot name a plugin may fill; the set is closed, so the loader rejects any other key. */
export type SlotName = keyof ConnectorSlots;

export const SLOT_NAMES: readonly SlotName[] = [...COMPONENT_SLOTS, 'functions', 'presets'];

/**
 * What the config validator needs to know about loaded plugins: the component ids of each slot
 * with their option schemas, and the presets. Implemented by the registry in this folder.
 */
export interface ComponentCatalog {
  /** Ids registered for a slot (core built-ins bare, plugin ones `namespace/type`). */
  ids(slot: ComponentSlot): readonly string[];
  /** The options schema of a component, or undefined when the id is unknown. */
  schemaOf(slot: ComponentSlot, id: string): JsonSchema | undefined;
  /** A preset's YAML fragment by id (`namespace/name`), or undefined. */
  preset(id: string): ConnectorPreset | undefined;
  presetIds(): readonly string[];
}
