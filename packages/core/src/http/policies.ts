import { HTTP_INVALID_POLICY } from '../errors/index.js';

/**
 * Retry policy of a connection. The names match the YAML `retry` block in camelCase
 * (`max_attempts` → `maxAttempts`), so the composition root passes the values straight through.
 */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Cap of the first backoff delay; the cap doubles per retry (full jitter picks 0..cap). */
  readonly baseDelayMs: number;
  /** Largest backoff cap. */
  readonly maxDelayMs: number;
  /** Longest `Retry-After` honoured; a longer one fails the call with CONNECTD_ERR_HTTP_RETRY_AFTER_TOO_LONG. */
  readonly maxWaitMs: number;
  /** Statuses retried (401 is handled by the auth refresh, not by this list). */
  readonly retryOnStatus: readonly number[];
}

/** Circuit breaker policy of a connection (YAML `breaker`, with seconds turned into ms). */
export interface BreakerPolicy {
  /** Consecutive failed calls that open the breaker (used unless `failureRatio` is set). */
  readonly failureThreshold: number;
  /** How long the breaker stays open before one probe call goes through. */
  readonly cooldownMs: number;
  /** Alternatively: the failure ratio (0..1] within `windowMs` that opens it. */
  readonly failureRatio?: number;
  /** Window for `failureRatio`; default 60 s. */
  readonly windowMs?: number;
}

/** Timeouts of one attempt (YAML `timeouts`). */
export interface Timeouts {
  /** TCP (and TLS) connect. Applies to the client's own Agent; an injected dispatcher brings its own. */
  readonly connectMs: number;
  /** Until the response headers arrive. */
  readonly headersMs: number;
  /** Between two chunks of the response body. */
  readonly bodyMs: number;
}

/** Retry defaults; the same numbers the JSON Schema documents. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxWaitMs: 120_000, // two minutes: longer waits belong to the scheduler, not to a held connection
  retryOnStatus: Object.freeze([408, 429, 500, 502, 503, 504]),
});

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = Object.freeze({ failureThreshold: 5, cooldownMs: 30_000 });

/** Window of the ratio breaker when `failureRatio` is given without `windowMs`. */
export const DEFAULT_BREAKER_WINDOW_MS = 60_000;

export const DEFAULT_TIMEOUTS: Timeouts = Object.freeze({ connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 });

/** Largest response body read into memory; pages are far smaller, so a bigger body is a mistake. */
export const DEFAULT_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/** Methods retried without an idempotency key (RFC 9110 section 9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

function check(ok: boolean, option: string, reason: string): void {
  if (!ok) throw HTTP_INVALID_POLICY({ option, reason });
}

const isInt = (n: number, min: number): boolean => Number.isInteger(n) && n >= min;

/**
 * Fills a partial retry policy with the defaults and checks its ranges.
 * @example
 * resolveRetryPolicy({ maxAttempts: 3 }); // { maxAttempts: 3, baseDelayMs: 500, ... }
 */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(partial) };
  check(isInt(policy.maxAttempts, 1), 'retry.maxAttempts', 'must be an integer >= 1');
  check(isInt(policy.baseDelayMs, 0), 'retry.baseDelayMs', 'must be an integer >= 0');
  check(isInt(policy.maxDelayMs, 0), 'retry.maxDelayMs', 'must be an integer >= 0');
  check(isInt(policy.maxWaitMs, 0), 'retry.maxWaitMs', 'must be an integer >= 0');
  check(policy.retryOnStatus.every((s) => isInt(s, 100) && s <= 599), 'retry.retryOnStatus', 'must hold statuses 100..599');
  return Object.freeze({ ...policy, retryOnStatus: Object.freeze([...policy.retryOnStatus]) });
}

/** Fills a partial breaker policy with the defaults and checks its ranges. */
export function resolveBreakerPolicy(partial: Partial<BreakerPolicy> = {}): BreakerPolicy {
  const policy = { ...DEFAULT_BREAKER_POLICY, ...stripUndefined(partial) };
  check(isInt(policy.failureThreshold, 1), 'breaker.failureThreshold', 'must be an integer >= 1');
  check(isInt(policy.cooldownMs, 1), 'breaker.cooldownMs', 'must be an integer >= 1');
  if (policy.failureRatio !== undefined) {
    check(policy.failureRatio > 0 && policy.failureRatio <= 1, 'breaker.failureRatio', 'must be in (0, 1]');
  }
  if (policy.windowMs !== undefined) check(isInt(policy.windowMs, 1), 'breaker.windowMs', 'must be an integer >= 1');
  return Object.freeze(policy);
}

/** Fills partial timeouts with the defaults and checks they are positive. */
export function resolveTimeouts(partial: Partial<Timeouts> = {}): Timeouts {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...stripUndefined(partial) };
  for (const key of ['connectMs', 'headersMs', 'bodyMs'] as const) {
    check(isInt(timeouts[key], 1), `timeouts.${key}`, 'must be an integer >= 1');
  }
  return Object.freeze(timeouts);
}

// YAML blocks arrive with absent keys as undefined; they must not erase the defaults.
function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
