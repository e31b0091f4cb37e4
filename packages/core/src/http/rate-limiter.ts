import PQueue from 'p-queue';
import type { RateLimitAdapterRuntime, RateLimitBudget } from '../connector/index.js';
import { HTTP_INVALID_POLICY } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { BudgetBucket } from './budget-bucket.js';
import { SharedBucket } from './shared-bucket.js';
import type { BudgetStore, SharedStateKey } from './shared-state.js';
import { parseRate, TokenBucket } from './token-bucket.js';

/** Granted by a rate limiter for one attempt. */
export interface RateLimitPermit {
  /** Time spent waiting for the token (and the concurrency slot), in ms. */
  readonly waitedMs: number;
  /** Gives a concurrency slot back once the attempt is over; absent when nothing is held. */
  release?(): void;
  /**
   * What the vendor's answer to this attempt reports about its budget (undefined: the adapter
   * found nothing in it), heard before `release`. Present on limiters kept in step with the vendor
   * (`BudgetBucket`), which re-synchronise from it.
   */
  observe?(budget: RateLimitBudget | undefined): void;
}

/**
 * Paces the attempts of one connection. The client takes one permit per attempt (retries too), so
 * what reaches the vendor is bounded. Implemented in memory by `TokenBucket` (a declared rate) and
 * `BudgetBucket` (a budget kept in step with the vendor's answers), and, for several daemons on one
 * Postgres, by `SharedBucket` over a `BudgetStore` (either pacing, the budget in the database).
 */
export interface RateLimiter {
  /**
   * Waits for `cost` units (default 1: one request; a rate-limit adapter may price a request, e.g.
   * a GraphQL query's points); rejects with the signal's reason when it aborts first. Limiters that
   * count requests only take one token whatever the cost.
   */
  acquire(signal?: AbortSignal, cost?: number): Promise<RateLimitPermit>;
  /** Hears the vendor's remaining budget (0..1) from a rate-limit adapter, to slow down early. */
  observe?(remainingRatio: number): void;
  /**
   * The vendor refused a request as rate limited and asked to wait `ms` (`Retry-After`, or a
   * classifier's reading of a throttle). The retried attempt waits in any case; a limiter shared
   * by several daemons also holds everyone's budget for that long, so the others do not send
   * into the refusal.
   */
  holdOff?(ms: number): void;
}

/** The YAML `rate_limit` block, in camelCase. */
export interface RateLimitOptions {
  /** `10/s`, `600/min`, `1000/hour`, or requests per second as a number; absent: no rate limit. */
  readonly rate?: string | number;
  /** Bucket size; default one second's worth of the rate, at least 1. */
  readonly burst?: number;
  /** Attempts in flight at most; absent: unbounded. */
  readonly concurrency?: number;
}

/**
 * Bounds how many attempts are in flight: an attempt holds a slot from before it takes its token
 * until `release()`. The slot is taken first so that a token is spent only right before sending;
 * taking tokens first would let queued attempts bunch up behind a slow one and then leave together,
 * breaking the bucket's promise about any window.
 */
class ConcurrencyLimited implements RateLimiter {
  #queue: PQueue;
  #inner: RateLimiter | undefined;

  constructor(inner: RateLimiter | undefined, concurrency: number) {
    this.#inner = inner;
    this.#queue = new PQueue({ concurrency });
  }

  acquire(signal?: AbortSignal, cost?: number): Promise<RateLimitPermit> {
    const start = performance.now();
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const task = async (): Promise<void> => {
        let inner: RateLimitPermit | undefined;
        try {
          inner = await this.#inner?.acquire(signal, cost);
        } catch (err) {
          reject(err);
          return;
        }
        // The task (and so the slot) lasts until the caller releases the permit.
        await new Promise<void>((done) => {
          let released = false;
          const observe = inner?.observe;
          resolve({
            waitedMs: performance.now() - start,
            ...(observe === undefined ? {} : { observe: (budget: RateLimitBudget | undefined) => observe(budget) }),
            release: () => {
              if (released) return;
              released = true;
              inner?.release?.();
              done();
            },
          });
        });
      };
      this.#queue.add(task, signal === undefined ? {} : { signal }).catch(reject);
    });
  }

  observe(remainingRatio: number): void {
    this.#inner?.observe?.(remainingRatio);
  }

  holdOff(ms: number): void {
    this.#inner?.holdOff?.(ms);
  }
}

/**
 * Wraps a limiter (or none) with a concurrency bound, for a shared bucket that brings no slots of
 * its own (e.g. a Postgres-backed one).
 */
export function limitConcurrency(inner: RateLimiter | undefined, concurrency: number): RateLimiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw HTTP_INVALID_POLICY({ option: 'rateLimit.concurrency', reason: 'must be an integer >= 1' });
  }
  return new ConcurrencyLimited(inner, concurrency);
}

/** A connection's budget in the database, shared with the other daemons on it (Postgres only). */
export interface SharedBudget {
  readonly store: BudgetStore;
  readonly key: SharedStateKey;
  /** Told when an answer could not be recorded in the shared budget. */
  readonly log?: Logger | undefined;
}

/**
 * The rate limiter of one connection from its `rate_limit` options, bounded in concurrency when
 * asked: a `TokenBucket` at the declared rate, or, when the connection has a rate-limit `adapter`,
 * a `BudgetBucket` kept in step with the budget the vendor reports (the declared rate and burst
 * then pace it until the vendor reports, and cap it afterwards). With `shared` (several daemons on
 * one Postgres) the same pacing runs on a budget in the database (`SharedBucket`), so the daemons
 * together keep to it. The concurrency bound stays per process. Returns undefined when nothing is
 * limited. Create one per connection and hand it to that connection's client (with the same
 * adapter); every stream and action shares it.
 * @example
 * const limiter = createRateLimiter({ rate: '10/s', burst: 20, concurrency: 4 });
 * const client = createConnectionClient({ name: 'storq:acme', rateLimiter: limiter, log });
 * const paced = createRateLimiter({}, graphqlCostAdapter); // learns Shopify's points budget
 * const shared = createRateLimiter({ rate: '10/s' }, undefined, { store: state.budgets, key: { connector: 'storq', connectionId: 'acme' } });
 */
export function createRateLimiter(options: RateLimitOptions, adapter?: RateLimitAdapterRuntime, shared?: SharedBudget): RateLimiter | undefined {
  const ratePerSecond = options.rate === undefined ? undefined : typeof options.rate === 'number' ? options.rate : parseRate(options.rate);
  const burst = options.burst === undefined ? {} : { burst: options.burst };
  let bucket: RateLimiter | undefined;
  if (shared !== undefined && (adapter !== undefined || ratePerSecond !== undefined)) {
    bucket = new SharedBucket({ ...shared, pacing: adapter === undefined ? 'declared' : 'vendor', ratePerSecond, ...burst });
  } else if (adapter !== undefined) bucket = new BudgetBucket({ ratePerSecond, ...burst });
  else if (ratePerSecond !== undefined) bucket = new TokenBucket({ ratePerSecond, ...burst });
  if (options.concurrency === undefined) return bucket;
  return limitConcurrency(bucket, options.concurrency);
}

/**
 * Hands what a rate-limit adapter read from an answer to the limiter: to the attempt's permit when
 * the limiter keeps in step with the vendor, else the fraction left (given, or `available /
 * maximum`) to `observe`.
 */
export function reportBudget(limiter: RateLimiter | undefined, permit: RateLimitPermit, budget: RateLimitBudget | undefined): void {
  if (permit.observe !== undefined) {
    permit.observe(budget);
    return;
  }
  if (budget === undefined || limiter?.observe === undefined) return;
  const { remainingRatio, available, maximum } = budget;
  const ratio = remainingRatio ?? (available !== undefined && maximum !== undefined && maximum > 0 ? available / maximum : undefined);
  if (ratio !== undefined && Number.isFinite(ratio)) limiter.observe(ratio);
}
