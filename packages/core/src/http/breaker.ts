import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  isBrokenCircuitError,
  SamplingBreaker,
  type CircuitBreakerPolicy,
  type IBreaker,
} from 'cockatiel';
import { HTTP_BREAKER_OPEN } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { DEFAULT_BREAKER_WINDOW_MS, type BreakerPolicy } from './policies.js';
import type { BreakerState, HttpMetrics } from './types.js';

const STATE_NAMES: Readonly<Record<CircuitState, BreakerState>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/**
 * A ratio breaker on cockatiel's SamplingBreaker. The ratio applies once the window holds at least
 * `minimumCalls` calls (the YAML `failure_threshold`), so two failures of a quiet connection do not
 * open it; cockatiel's own default would ask for 5/ratio calls per second, far above the traffic of
 * most connections. cockatiel opens when failures exceed ratio × calls and takes ratios below 1, so
 * a ratio of 1 ("every call failed") becomes the largest ratio below 1 that means the same.
 */
function ratioBreaker(ratio: number, windowMs: number, minimumCalls: number): SamplingBreaker {
  const threshold = ratio >= 1 ? 1 - 1e-9 : ratio;
  return new SamplingBreaker({ threshold, duration: windowMs, minimumRps: minimumCalls / (windowMs / 1000) });
}

/**
 * What decides that a connection's breaker opens, from the outcomes of its calls: cockatiel's
 * ConsecutiveBreaker (`failure_threshold` failures in a row) or the ratio breaker above. The
 * in-memory breaker and the one shared by several daemons (`SharedConnectionBreaker`) count alike.
 */
export function failureDetector(policy: BreakerPolicy): IBreaker {
  return policy.failureRatio === undefined
    ? new ConsecutiveBreaker(policy.failureThreshold)
    : ratioBreaker(policy.failureRatio, policy.windowMs ?? DEFAULT_BREAKER_WINDOW_MS, policy.failureThreshold);
}

/** A connection's circuit breaker as the client uses it: in memory (`ConnectionBreaker`) or shared by several daemons (`SharedConnectionBreaker`). */
export interface Breaker<R> {
  readonly state: BreakerState;
  /** When the next probe may go through (epoch ms), while the breaker is open. */
  readonly probeAt: number | undefined;
  /** Runs one call; `fn` learns whether it is the probe. Fails fast with CONNECTD_ERR_HTTP_BREAKER_OPEN while open. */
  execute(fn: (probe: boolean) => Promise<R>): Promise<R>;
  /**
   * Between two attempts of one call: throws CONNECTD_ERR_HTTP_BREAKER_OPEN when the breaker was
   * opened meanwhile (by another daemon), so a call admitted before does not keep retrying.
   */
  beforeRetry?(): Promise<void>;
}

export interface ConnectionBreakerOptions<R> {
  readonly connection: string;
  readonly policy: BreakerPolicy;
  readonly log: Logger;
  readonly metrics?: HttpMetrics | undefined;
  /** True for a thrown error that counts against the vendor (network, exhausted retries). */
  readonly isFailedError: (err: unknown) => boolean;
  /** True for a returned result that counts against the vendor (5xx, 429). */
  readonly isFailedResult: (result: R) => boolean;
}

/**
 * The circuit breaker of one connection, on cockatiel 3: its ConsecutiveBreaker and
 * SamplingBreaker are the two policies the YAML offers, and its half-open state already lets exactly
 * one probe through (calls arriving meanwhile wait for the probe's outcome instead of piling on).
 * This class adds what cockatiel leaves to us: the coded fail-fast error saying when the probe
 * comes, logs and metrics on every change, and telling the call whether it is the probe.
 *
 * One outcome per call: the breaker wraps the whole retried call, so five retries of one call are
 * one failure, not five. Errors it is not told to count (aborts, auth failures, bugs) and answers
 * that are not failures (2xx, other 4xx) leave the count alone or reset it.
 * @example
 * const breaker = new ConnectionBreaker({ connection: 'storq:acme', policy, log, isFailedError, isFailedResult });
 * const res = await breaker.execute((probe) => sendWithRetries(request, probe ? 1 : policy.maxAttempts));
 */
export class ConnectionBreaker<R> implements Breaker<R> {
  readonly #connection: string;
  readonly #cooldownMs: number;
  readonly #policy: CircuitBreakerPolicy;
  #openedAt = 0;

  constructor(options: ConnectionBreakerOptions<R>) {
    const { policy, log, metrics, connection } = options;
    this.#connection = connection;
    this.#cooldownMs = policy.cooldownMs;
    const breaker = failureDetector(policy);
    const filter = handleWhen(options.isFailedError).orWhenResult((r) => options.isFailedResult(r as R));
    this.#policy = circuitBreaker(filter, { halfOpenAfter: policy.cooldownMs, breaker });
    this.#policy.onBreak((reason) => {
      this.#openedAt = Date.now();
      const cause =
        'error' in reason ? (reason.error as { code?: string }).code ?? 'error' : `status ${(reason as { value: { status?: number } }).value.status}`;
      log.warn({ connection, breaker: 'open', cause, probeAt: new Date(this.probeAt ?? 0).toISOString() }, 'circuit breaker opened');
    });
    this.#policy.onHalfOpen(() => log.info({ connection, breaker: 'half_open' }, 'circuit breaker half-open: sending one probe'));
    this.#policy.onReset(() => log.info({ connection, breaker: 'closed' }, 'circuit breaker closed'));
    if (metrics !== undefined) {
      this.#policy.onStateChange((state) => metrics.breakerState({ connection, state: STATE_NAMES[state] }));
      metrics.breakerState({ connection, state: 'closed' });
    }
  }

  get state(): BreakerState {
    return STATE_NAMES[this.#policy.state];
  }

  /** When the next probe may go through (epoch ms), while the breaker is open. */
  get probeAt(): number | undefined {
    return this.#policy.state === CircuitState.Open ? this.#openedAt + this.#cooldownMs : undefined;
  }

  /**
   * Runs one call through the breaker. `fn` learns whether it is the half-open probe (callers keep
   * a probe to a single attempt, so a still-broken vendor is found out fast). While open, fails
   * with CONNECTD_ERR_HTTP_BREAKER_OPEN without calling `fn`.
   */
  async execute(fn: (probe: boolean) => Promise<R>): Promise<R> {
    try {
      // cockatiel calls fn before it records the half-open state, so "not closed" marks the probe.
      return await this.#policy.execute(() => fn(this.#policy.state !== CircuitState.Closed));
    } catch (err) {
      if (!isBrokenCircuitError(err)) throw err;
      const probeAt = this.probeAt ?? Date.now();
      throw HTTP_BREAKER_OPEN(
        { connection: this.#connection, probeAt: new Date(probeAt).toISOString(), retryInMs: Math.max(0, probeAt - Date.now()) },
        { cause: err },
      );
    }
  }
}
