import type { Dispatcher } from 'undici';
import type { LazyAgent } from './lazy-agent.js';
import type { AuthRuntime, ErrorClassifierRuntime, RateLimitAdapterRuntime } from '../connector/index.js';
import type { Logger } from '../log/index.js';
import type { BreakerPolicy, RetryPolicy, Timeouts } from './policies.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SharedBreaker } from './shared-state.js';
import type { Sleep } from './sleep.js';

/** A request as callers hand it to a connection's client. */
export interface HttpRequest {
  readonly method: string;
  /** Absolute http(s) URL, query included. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | undefined;
  /**
   * Makes a non-idempotent request (POST, PATCH) retryable: the vendor dedupes on this key. It is
   * also sent in the `idempotencyHeader`.
   */
  readonly idempotencyKey?: string | undefined;
  /** Header carrying `idempotencyKey`; default `Idempotency-Key`; null sends no header. */
  readonly idempotencyHeader?: string | null | undefined;
  /**
   * Whether a failed attempt may be sent again, overriding the method rule when set: true for a
   * read sent as POST (a search endpoint), false for a request that must never be repeated.
   * Undefined: idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) and requests with an
   * `idempotencyKey` are retried, others not.
   */
  readonly idempotent?: boolean | undefined;
  /** Cancels the call, also while it waits for a token or a retry. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Classifies this request's answers instead of the client's classifier: a stream's own
   * `error_classifier`, which overrides its connector's for that stream's pages only. Its `ok`
   * means "no opinion", as the client's does.
   */
  readonly classifier?: ErrorClassifierRuntime | undefined;
}

/** A complete response: the whole body has been read. */
export interface HttpResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers (set-cookie) as arrays. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** Parses the body as JSON; throws CONNECTD_ERR_HTTP_RESPONSE_NOT_JSON when it is not. */
  json<T = unknown>(): T;
  /** The body as UTF-8 text. */
  text(): string;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * What the client reports for `/metrics`. Defined here; `createHttpMetrics` (prometheus.ts) implements it
 * with prom-client. Calls are synchronous and must be cheap.
 */
export interface HttpMetrics {
  /** One per attempt: a status when the vendor answered, an error code when it did not. */
  attempt(event: {
    readonly connection: string;
    readonly method: string;
    readonly status?: number | undefined;
    readonly error?: string | undefined;
    readonly durationMs: number;
    readonly attempt: number;
  }): void;
  /** On creation (closed) and on every change of the breaker. */
  breakerState(event: { readonly connection: string; readonly state: BreakerState }): void;
  /** One per attempt that went through a rate limiter, with the time it waited. */
  rateLimitWait(event: { readonly connection: string; readonly waitedMs: number }): void;
}

/** Options of one connection's client. Policies take the YAML names in camelCase; absent values get the named defaults. */
export interface ConnectionClientOptions {
  /** Connection id, for logs, metrics and error messages (e.g. `storq:acme`). */
  readonly name: string;
  readonly log: Logger;
  /**
   * Where requests go: a dispatcher, or a `LazyAgent` made on the first request; the owner of
   * either closes it. Default: a lazily made undici Agent owned (and closed) by the client, one
   * keep-alive pool per origin.
   */
  readonly dispatcher?: Dispatcher | LazyAgent | undefined;
  /** Headers sent with every request (the connector's `headers:`); a request's own header of the same name wins. */
  readonly defaultHeaders?: Readonly<Record<string, string>> | undefined;
  readonly timeouts?: Partial<Timeouts> | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly breaker?: Partial<BreakerPolicy> | undefined;
  /**
   * The breaker's state in the database, shared with the other daemons on it (Postgres); absent:
   * the breaker is this process's alone (`ConnectionBreaker`).
   */
  readonly sharedBreaker?: SharedBreaker | undefined;
  readonly auth?: AuthRuntime | undefined;
  /** The connection's limiter, shared with nothing but this client (which all its streams and actions share). */
  readonly rateLimiter?: RateLimiter | undefined;
  /** Plugin classifier (the connector's `error_classifier`); its `ok` means "no opinion", so the status rules apply. A request's own `classifier` replaces it. */
  readonly classifier?: ErrorClassifierRuntime | undefined;
  /**
   * Plugin adapter pricing each attempt (`costOf`) for the rate limiter and telling it the vendor's
   * budget from each answer; give the limiter the same adapter (`createRateLimiter(options, adapter)`).
   */
  readonly adapter?: RateLimitAdapterRuntime | undefined;
  readonly metrics?: HttpMetrics | undefined;
  /** Extra scrubbing of URLs in logs and errors, after the built-in rules. */
  readonly redact?: ((text: string) => string) | undefined;
  readonly bodyLimitBytes?: number | undefined;
  /** Injectables for tests: jitter source, sleep, wall clock (for HTTP-date `Retry-After`). */
  readonly random?: (() => number) | undefined;
  readonly sleep?: Sleep | undefined;
  readonly now?: (() => number) | undefined;
}

export interface ConnectionClientStats {
  readonly connection: string;
  readonly breaker: BreakerState;
  /** ISO time of the next probe while the breaker is open. */
  readonly probeAt?: string | undefined;
  readonly calls: number;
  readonly attempts: number;
  readonly inFlight: number;
}

/** The HTTP runtime of one connection: every vendor call of it goes through `send`. */
export interface ConnectionClient {
  readonly name: string;
  /**
   * Sends a request and reads the whole response. Returns the final response for 2xx-3xx, for 4xx
   * and 5xx outside the retried statuses, for a 401 that survived the refresh retry, and for a
   * retryable status of a request that may not be repeated (the caller decides). Throws coded
   * errors: RETRIES_EXHAUSTED, RETRY_AFTER_TOO_LONG, REQUEST_FAILED, BREAKER_OPEN, ABORTED,
   * BODY_TOO_LARGE, INVALID_URL, CLIENT_CLOSED; auth and classifier failures pass through.
   */
  send(request: HttpRequest): Promise<HttpResponse>;
  breakerState(): BreakerState;
  stats(): ConnectionClientStats;
  /** Closes the client's own Agent (an injected dispatcher stays open: its owner closes it). */
  close(): Promise<void>;
}
