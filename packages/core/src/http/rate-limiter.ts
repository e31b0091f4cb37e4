import PQueue from 'p-queue';
import { HTTP_INVALID_POLICY } from '../errors/index.js';
import { parseRate, TokenBucket } from './token-bucket.js';

/** Granted by a rate limiter for one attempt. */
export interface RateLimitPermit {
  /** Time spent waiting for the token (and the concurrency slot), in ms. */
  readonly waitedMs: number;
  /** Gives a concurrency slot back once the attempt is over; absent when nothing is held. */
  release?(): void;
}

/**
 * Paces the attempts of one connection. The client takes one permit per attempt (retries too), so
 * what reaches the vendor is bounded. Implemented in memory by `TokenBucket`; a Postgres-backed
 * bucket shared by several daemons implements the same interface.
 */
export interface RateLimiter {
  /** Waits for a token; rejects with the signal's reason when it aborts first. */
  acquire(signal?: AbortSignal): Promise<RateLimitPermit>;
  /** Hears the vendor's remaining budget (0..1) from a rate-limit adapter, to slow down early. */
  observe?(remainingRatio: number): void;
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

  acquire(signal?: AbortSignal): Promise<RateLimitPermit> {
    const start = performance.now();
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const task = async (): Promise<void> => {
        let inner: RateLimitPermit | undefined;
        try {
          inner = await this.#inner?.acquire(signal);
        } catch (err) {
          reject(err);
          return;
        }
        // The task (and so the slot) lasts until the caller releases the permit.
        await new Promise<void>((done) => {
          let released = false;
          resolve({
            waitedMs: performance.now() - start,
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

/**
 * The rate limiter of one connection from its `rate_limit` options: a token bucket, bounded in
 * concurrency when asked. Returns undefined when the options limit nothing. Create one per
 * connection and hand it to that connection's client; every stream and action shares it.
 * @example
 * const limiter = createRateLimiter({ rate: '10/s', burst: 20, concurrency: 4 });
 * const client = createConnectionClient({ name: 'storq:acme', rateLimiter: limiter, log });
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter | undefined {
  const bucket =
    options.rate === undefined
      ? undefined
      : new TokenBucket({
          ratePerSecond: typeof options.rate === 'number' ? options.rate : parseRate(options.rate),
          ...(options.burst === undefined ? {} : { burst: options.burst }),
        });
  if (options.concurrency === undefined) return bucket;
  return limitConcurrency(bucket, options.concurrency);
}
