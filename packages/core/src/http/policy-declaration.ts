/**
 * The HTTP policies as connectors.yaml declares them (snake_case, seconds where people think in
 * seconds) turned into the client's options (camelCase, milliseconds). http/ does not import
 * config/: these shapes are declared here, and the config model fits them.
 */
import type { BreakerPolicy, RetryPolicy, Timeouts } from './policies.js';
import type { RateLimitOptions } from './rate-limiter.js';

/** A connector's `rate_limit`, `retry`, `breaker` and `timeouts` blocks. */
export interface HttpPolicyDeclaration {
  readonly rate_limit?: { readonly rate?: string | undefined; readonly burst?: number | undefined; readonly concurrency?: number | undefined } | undefined;
  readonly retry?:
    | {
        readonly max_attempts?: number | undefined;
        readonly base_delay_ms?: number | undefined;
        readonly max_delay_ms?: number | undefined;
        readonly max_wait_ms?: number | undefined;
        readonly retry_on_status?: readonly number[] | undefined;
      }
    | undefined;
  readonly breaker?:
    | {
        readonly failure_threshold?: number | undefined;
        readonly failure_ratio?: number | undefined;
        readonly window_seconds?: number | undefined;
        readonly cooldown_seconds?: number | undefined;
      }
    | undefined;
  readonly timeouts?: { readonly connect_ms?: number | undefined; readonly headers_ms?: number | undefined; readonly body_ms?: number | undefined } | undefined;
}

/** The client options the declaration sets; what it leaves out gets the named defaults. */
export interface HttpPolicies {
  readonly rateLimit: RateLimitOptions;
  readonly retry: Partial<RetryPolicy>;
  readonly breaker: Partial<BreakerPolicy>;
  readonly timeouts: Partial<Timeouts>;
}

/** Copies the keys whose value is set, renamed; absent keys stay absent so defaults apply. */
function pick<T extends object>(entries: ReadonlyArray<readonly [keyof T, unknown]>): Partial<T> {
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * Maps a connector's declared policies onto the HTTP client's options.
 * @example
 * const policies = httpPoliciesOf({ retry: { max_attempts: 3 }, breaker: { cooldown_seconds: 10 } });
 * // { retry: { maxAttempts: 3 }, breaker: { cooldownMs: 10_000 }, rateLimit: {}, timeouts: {} }
 */
export function httpPoliciesOf(declaration: HttpPolicyDeclaration): HttpPolicies {
  const { rate_limit: rate, retry, breaker, timeouts } = declaration;
  const seconds = (value: number | undefined): number | undefined => (value === undefined ? undefined : value * 1000);
  return {
    rateLimit: pick<RateLimitOptions>([
      ['rate', rate?.rate],
      ['burst', rate?.burst],
      ['concurrency', rate?.concurrency],
    ]),
    retry: pick<RetryPolicy>([
      ['maxAttempts', retry?.max_attempts],
      ['baseDelayMs', retry?.base_delay_ms],
      ['maxDelayMs', retry?.max_delay_ms],
      ['maxWaitMs', retry?.max_wait_ms],
      ['retryOnStatus', retry?.retry_on_status],
    ]),
    breaker: pick<BreakerPolicy>([
      ['failureThreshold', breaker?.failure_threshold],
      ['failureRatio', breaker?.failure_ratio],
      ['windowMs', seconds(breaker?.window_seconds)],
      ['cooldownMs', seconds(breaker?.cooldown_seconds)],
    ]),
    timeouts: pick<Timeouts>([
      ['connectMs', timeouts?.connect_ms],
      ['headersMs', timeouts?.headers_ms],
      ['bodyMs', timeouts?.body_ms],
    ]),
  };
}
