import type { OutgoingRequest } from '../connector/index.js';
import type { ConnectionClient, RequestTemplate } from '../http/index.js';
import type { IdLookups, MappingBindings, MappingConnection } from '../mapping/index.js';

/**
 * An action as connectors.yaml declares it: the fields the runtime reads. `ActionConfig` of the
 * config model fits it (actions/ does not import config/).
 */
export interface ActionDeclaration {
  readonly description?: string | undefined;
  /** `method` defaults to POST; a string `body` is JSONata over the input, an object or list a literal with `{placeholders}`. */
  readonly request: RequestTemplate;
  /** JSON Schema the input must satisfy. */
  readonly input_schema?: Readonly<Record<string, unknown>> | undefined;
  /** JSONata from the vendor's answer (or the lookup's match) to the action result. */
  readonly map?: string | undefined;
  readonly idempotency?: IdempotencyDeclaration | undefined;
}

export interface IdempotencyDeclaration {
  /** Field (dotted path) of the request body that identifies the action, e.g. `external_id`. */
  readonly key: string;
  /** Also send the key in this header, for vendors that dedupe on one (e.g. `Idempotency-Key`). */
  readonly header?: string | undefined;
  /** How to find an earlier success: asked before every attempt to send the request. */
  readonly lookup?: LookupDeclaration | undefined;
}

export interface LookupDeclaration {
  /** GET path; `{placeholders}` from the body, the input and the connection's values. */
  readonly path: string;
  /** Query parameters; `{{field}}` templates from the request body. */
  readonly query?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** JSONata path to the list of matches in the lookup response; default the body, which must then be a list. */
  readonly records?: string | undefined;
}

/** The vendor side of one connection, as an action needs it (a daemon `ConnectionRuntime` fits). */
export interface ActionConnection {
  readonly client: Pick<ConnectionClient, 'send'>;
  /** The connector's `base_url`, `{placeholders}` and all. */
  readonly baseUrl: string;
  /** Connector vars and connection config; they win over input fields of the same name, so an input cannot redirect a request. */
  readonly templateValues: Readonly<Record<string, unknown>>;
  /** Bound as `$connection` in the body and result expressions; default `{ id: '', tenant: '', config: templateValues }`. */
  readonly connection?: MappingConnection | undefined;
  /** Resolves `$store()` / `$product()` in expressions; default: every id is unknown. */
  readonly lookups?: IdLookups | undefined;
}

/** One invocation's requests, built once from the validated input and reused by every attempt. */
export interface PreparedAction {
  readonly request: OutgoingRequest;
  /** The idempotency key's value (from the body), when the action declares idempotency. */
  readonly key: string | undefined;
  /** The GET that finds an earlier success, when the action declares a lookup. */
  readonly lookup: OutgoingRequest | undefined;
  /** The expressions' bindings for this invocation. */
  readonly bindings: MappingBindings;
}

/** What an action compiled once at load offers its runner. */
export interface CompiledAction {
  readonly connector: string;
  readonly name: string;
  readonly description: string | undefined;
  /** Upper-case HTTP method of the request. */
  readonly method: string;
  /** The declared input schema (for listings and docs), or undefined. */
  readonly inputSchema: Readonly<Record<string, unknown>> | undefined;
  readonly idempotency: { readonly key: string; readonly header: string | undefined; readonly lookup: boolean } | undefined;
  /**
   * `request.idempotent` as declared, undefined when not. Sent with the request so the client
   * repeats a declared-idempotent POST itself (and never repeats a request declared `false`).
   */
  readonly idempotent: boolean | undefined;
  /**
   * True when a failed attempt may be repeated: the request is idempotent (as declared, else by its
   * method), or the action declares an idempotency header or lookup. Otherwise an attempt whose
   * outcome is unknown is never repeated.
   */
  readonly retrySafe: boolean;
  /** A validated copy of the input, schema defaults filled in. Throws CONNECTD_ERR_ACTION_INPUT_INVALID. */
  checkInput(input: unknown): unknown;
  /** Builds the request, key and lookup for a checked input. Rejects with CONNECTD_ERR_ACTION_BODY_INVALID. */
  prepare(input: unknown, connection: ActionConnection): Promise<PreparedAction>;
  /** The records of a lookup response that match `key`. Rejects with CONNECTD_ERR_ACTION_LOOKUP_UNREADABLE. */
  matches(lookupBody: unknown, key: string | undefined): Promise<unknown[]>;
  /** Applies `map` to the vendor's answer or a lookup match (the value itself without `map`); rejects with the mapping's coded error. */
  result(value: unknown, bindings: MappingBindings): Promise<unknown>;
}

/** How an invocation ended. */
export interface ActionResult {
  /** `created`: this invocation's request succeeded; `existing`: the lookup found an earlier success, nothing was sent. */
  readonly outcome: 'created' | 'existing';
  /** Status of the answer the result came from (the request's, or the lookup's). */
  readonly status: number;
  readonly result: unknown;
  /** Attempts this invocation made (1 when the first succeeded). */
  readonly attempts: number;
}
