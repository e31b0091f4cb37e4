import { HTTP_INVALID_POLICY, HTTP_INVALID_RATE } from '../errors/index.js';
import type { RateLimiter, RateLimitPermit } from './rate-limiter.js';
import { sleep as realSleep, type Sleep } from './sleep.js';

const RATE = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/;
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 };

/**
 * Turns a YAML rate (`10/s`, `600/min`, `1000/hour`; also `sec`, `second`, `m`, `minute`, `h`)
 * into requests per second. Throws CONNECTD_ERR_HTTP_INVALID_RATE on anything else.
 * @example
 * parseRate('600/min'); // 10
 */
export function parseRate(rate: string): number {
  const match = RATE.exec(rate);
  const perSecond = match === null ? Number.NaN : Number(match[1]) / (SECONDS_PER_UNIT[match[2] as string] as number);
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw HTTP_INVALID_RATE({ rate });
  return perSecond;
}

/** Below this fraction of the vendor's budget, the bucket drops its saved-up burst (see `observe`). */
export const LOW_BUDGET_RATIO = 0.2;

export interface TokenBucketOptions {
  /** Sustained rate in requests per second (use `parseRate` for YAML rates). */
  readonly ratePerSecond: number;
  /** Bucket size: requests allowed at once after a quiet period. Default: one second's worth, at least 1. */
  readonly burst?: number;
  /** Monotonic clock in ms; default `performance.now`. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

const NO_WAIT: RateLimitPermit = Object.freeze({ waitedMs: 0 });

/**
 * An in-memory token bucket: `burst` tokens, refilled at `ratePerSecond`, one token per request.
 * Waiters reserve future tokens in arrival order (the count goes negative), so they are served
 * first come, first served without a queue, and in any window of W seconds at most
 * `ratePerSecond × W + burst` requests get through.
 *
 * One bucket per connection, shared by all its streams and actions. A Postgres-backed bucket,
 * shared by several daemons, can replace it through the `RateLimiter` interface.
 * @example
 * const bucket = new TokenBucket({ ratePerSecond: parseRate('10/s'), burst: 20 });
 * const { waitedMs } = await bucket.acquire(signal);
 */
export class TokenBucket implements RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  #perMs: number;
  #tokens: number;
  #last: number;
  #now: () => number;
  #sleep: Sleep;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw HTTP_INVALID_POLICY({ option: 'rateLimit.rate', reason: 'must be a positive rate' });
    }
    const burst = options.burst ?? Math.max(1, Math.round(options.ratePerSecond));
    if (!Number.isInteger(burst) || burst < 1) throw HTTP_INVALID_POLICY({ option: 'rateLimit.burst', reason: 'must be an integer >= 1' });
    this.ratePerSecond = options.ratePerSecond;
    this.burst = burst;
    this.#perMs = options.ratePerSecond / 1000;
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? realSleep;
    this.#tokens = burst;
    this.#last = this.#now();
  }

  /** Tokens available now (negative while requests wait for reserved tokens). */
  get tokens(): number {
    this.#refill(this.#now());
    return this.#tokens;
  }

  #refill(now: number): void {
    this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
  }

  /** Takes one token, waiting for it when the bucket is empty; rejects with the signal's reason on abort. */
  async acquire(signal?: AbortSignal): Promise<RateLimitPermit> {
    if (signal?.aborted) throw signal.reason;
    const start = this.#now();
    this.#refill(start);
    this.#tokens -= 1;
    if (this.#tokens >= 0) return NO_WAIT;
    try {
      await this.#sleep(-this.#tokens / this.#perMs, signal);
    } catch (err) {
      // Hand the reservation back; later waiters keep their (now slightly conservative) slots.
      this.#refill(this.#now());
      this.#tokens = Math.min(this.burst, this.#tokens + 1);
      throw err;
    }
    return { waitedMs: this.#now() - start };
  }

  /**
   * The vendor's view of the budget (0..1) from a rate-limit adapter. Below `LOW_BUDGET_RATIO` the
   * saved-up burst is dropped: the next request waits until a token refills, and requests then go
   * at the sustained rate only until the vendor reports more room. Reservations of waiting
   * requests are kept; a ratio at or above the threshold changes nothing.
   */
  observe(remainingRatio: number): void {
    if (!(remainingRatio < LOW_BUDGET_RATIO)) return;
    this.#refill(this.#now());
    if (this.#tokens > 0) this.#tokens = 0;
  }
}
