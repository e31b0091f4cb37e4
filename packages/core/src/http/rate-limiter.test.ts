import { describe, expect, it } from 'vitest';
import type { RateLimitAdapterRuntime } from '../connector/index.js';
import { ManualClock } from '../testing/manual-clock.js';
import { BudgetBucket } from './budget-bucket.js';
import { createRateLimiter, limitConcurrency, reportBudget, type RateLimiter, type RateLimitPermit } from './rate-limiter.js';
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

  it('keeps the budget in step with the vendor when the connection has a rate-limit adapter', () => {
    const adapter: RateLimitAdapterRuntime = { observe: () => undefined };
    const limiter = createRateLimiter({}, adapter);
    expect(limiter).toBeInstanceOf(BudgetBucket);
    expect((limiter as BudgetBucket).mode).toBe('probing');
    const declared = createRateLimiter({ rate: '2/s', burst: 40 }, adapter) as BudgetBucket;
    expect([declared.mode, declared.capacity, declared.ratePerSecond]).toEqual(['paced', 40, 2]);
  });

  it('hands a bounded budget bucket the cost of each request and the answer of each permit', async () => {
    const clock = new ManualClock();
    const bucket = new BudgetBucket({ ratePerSecond: 1, burst: 10, now: clock.now, sleep: clock.sleep });
    const limiter = limitConcurrency(bucket, 2);
    const permit = await limiter.acquire(undefined, 4);
    expect(bucket.tokens).toBe(6);
    permit.observe?.({ available: 8, maximum: 10, restorePerSecond: 1 });
    permit.release?.();
    expect(bucket.tokens).toBe(7);
  });

  it("reports an answer's budget to the permit, or its fraction left to a limiter without permits", () => {
    const heard: unknown[] = [];
    const permit: RateLimitPermit = { waitedMs: 0, observe: (budget) => heard.push(budget) };
    reportBudget(undefined, permit, undefined);
    expect(heard).toEqual([undefined]);
    const ratios: number[] = [];
    const plain: RateLimiter = { acquire: async () => ({ waitedMs: 0 }), observe: (r) => ratios.push(r) };
    reportBudget(plain, { waitedMs: 0 }, { remainingRatio: 0.5 });
    reportBudget(plain, { waitedMs: 0 }, { available: 1, maximum: 4 });
    reportBudget(plain, { waitedMs: 0 }, { available: 1 });
    reportBudget(plain, { waitedMs: 0 }, undefined);
    expect(ratios).toEqual([0.5, 0.25]);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => createRateLimiter({ concurrency: 0 })).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_HTTP_INVALID_POLICY' }));
  });
});
