import { describe, expect, it } from 'vitest';
import { createRateLimiter, limitConcurrency, type RateLimitPermit } from './rate-limiter.js';
import { TokenBucket } from './token-bucket.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('createRateLimiter', () => {
  it('limits nothing when no option is set', () => {
    expect(createRateLimiter({})).toBeUndefined();
  });

  it('builds a token bucket from a YAML rate', () => {
    const limiter = createRateLimiter({ rate: '600/min', burst: 20 });
    expect(limiter).toBeInstanceOf(TokenBucket);
    expect((limiter as TokenBucket).ratePerSecond).toBe(10);
    expect((limiter as TokenBucket).burst).toBe(20);
  });

  it('bounds attempts in flight to the concurrency, releasing slots in order', async () => {
    const limiter = createRateLimiter({ concurrency: 2 })!;
    const granted: RateLimitPermit[] = [];
    const pending = Array.from({ length: 5 }, () => limiter.acquire().then((p) => granted.push(p)));
    await tick();
    expect(granted).toHaveLength(2);
    granted[0]!.release!();
    granted[0]!.release!(); // releasing twice frees one slot only
    await tick();
    expect(granted).toHaveLength(3);
    granted[1]!.release!();
    granted[2]!.release!();
    await tick();
    expect(granted).toHaveLength(5);
    await Promise.all(pending);
  });

  it('takes the token only once a slot is free, so slow attempts do not bunch tokens up', async () => {
    const limiter = createRateLimiter({ rate: 1000, burst: 1, concurrency: 1 })!;
    const first = await limiter.acquire();
    let second: RateLimitPermit | undefined;
    void limiter.acquire().then((p) => (second = p));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(second).toBeUndefined();
    first.release!();
    await tick();
    expect(second).toBeDefined();
    second!.release!();
  });

  it('gives up a queued acquire when its signal aborts', async () => {
    const limiter = createRateLimiter({ concurrency: 1 })!;
    const held = await limiter.acquire();
    const controller = new AbortController();
    const queued = limiter.acquire(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(queued).rejects.toThrow();
    held.release!();
    const next = await limiter.acquire();
    expect(next.waitedMs).toBeGreaterThanOrEqual(0);
    next.release!();
  });

  it('passes the vendor budget on to the bucket it wraps', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5 });
    const limiter = limitConcurrency(bucket, 3);
    limiter.observe!(0.01);
    expect(bucket.tokens).toBeLessThan(0.5);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => createRateLimiter({ concurrency: 0 })).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_HTTP_INVALID_POLICY' }));
  });
});
