import { describe, expect, it } from 'vitest';
import type { RateLimitBudget } from '../connector/index.js';
import { ManualClock, settle } from '../testing/manual-clock.js';
import { BudgetBucket, VENDOR_ROUNDING_MARGIN } from './budget-bucket.js';
import type { RateLimitPermit } from './rate-limiter.js';
import { LOW_BUDGET_RATIO } from './token-bucket.js';

interface Tracked {
  permit?: RateLimitPermit;
  error?: unknown;
}

function track(pending: Promise<RateLimitPermit>): Tracked {
  const tracked: Tracked = {};
  pending.then(
    (permit) => (tracked.permit = permit),
    (error: unknown) => (tracked.error = error),
  );
  return tracked;
}

function bucketOnClock(options: { ratePerSecond?: number; burst?: number } = {}): { bucket: BudgetBucket; clock: ManualClock } {
  const clock = new ManualClock();
  return { bucket: new BudgetBucket({ ...options, now: clock.now, sleep: clock.sleep }), clock };
}

/** Takes a permit and answers it at once with `budget` (the vendor's figures after this request). */
async function answered(bucket: BudgetBucket, cost: number, budget: RateLimitBudget | undefined): Promise<void> {
  const permit = await bucket.acquire(undefined, cost);
  permit.observe?.(budget);
  permit.release?.();
}

const SHOPIFY = { maximum: 1000, restorePerSecond: 50 };

describe('BudgetBucket: learning the budget', () => {
  it('sends the first request alone while nothing is known, then paces from its answer', async () => {
    const { bucket, clock } = bucketOnClock();
    expect(bucket.mode).toBe('probing');
    const first = await bucket.acquire(undefined, 100);
    const second = track(bucket.acquire(undefined, 100));
    await clock.advance(10_000);
    expect(second.permit).toBeUndefined();
    first.observe?.({ available: 900, ...SHOPIFY });
    first.release?.();
    await settle();
    expect(bucket.mode).toBe('paced');
    expect(second.permit).toBeDefined();
    expect(bucket.tokens).toBe(900 - VENDOR_ROUNDING_MARGIN - 100);
    expect(bucket.capacity).toBe(1000);
    expect(bucket.ratePerSecond).toBe(50);
  });

  it('stops probing when the answers carry no figures, and paces once they do', async () => {
    const { bucket } = bucketOnClock();
    await answered(bucket, 1, undefined);
    expect(bucket.mode).toBe('open');
    const many = await Promise.all([1, 2, 3].map(() => bucket.acquire()));
    expect(many).toHaveLength(3);
    many[0]!.observe?.({ available: 10, maximum: 40, restorePerSecond: 2 });
    for (const permit of many) permit.release?.();
    expect(bucket.mode).toBe('paced');
    // Two other requests were in flight while the first was answered: they may be missing from its figure.
    expect(bucket.tokens).toBe(10 - 2 - VENDOR_ROUNDING_MARGIN);
  });

  it('probes again when the probe failed without an answer', async () => {
    const { bucket } = bucketOnClock();
    const probe = await bucket.acquire();
    const next = track(bucket.acquire());
    await settle();
    expect(next.permit).toBeUndefined();
    probe.release?.(); // a network error: no answer to observe
    await settle();
    expect(next.permit).toBeDefined();
    expect(bucket.mode).toBe('probing');
  });
});

describe('BudgetBucket: waiting for the points a request needs', () => {
  it('waits exactly until the cost is restored', async () => {
    const { bucket, clock } = bucketOnClock();
    await answered(bucket, 1, { available: 21, maximum: 100, restorePerSecond: 10 });
    expect(bucket.tokens).toBe(20);
    const request = track(bucket.acquire(undefined, 30)); // 10 points short at 10/s
    await clock.advance(999);
    expect(request.permit).toBeUndefined();
    await clock.advance(1);
    expect(request.permit?.waitedMs).toBe(1_000);
    expect(bucket.tokens).toBe(0);
  });

  it('re-plans a wait when an answer reports less than it counted on (another client spent)', async () => {
    const { bucket, clock } = bucketOnClock();
    await answered(bucket, 1, { available: 51, maximum: 100, restorePerSecond: 10 });
    const inFlight = await bucket.acquire(undefined, 20); // 30 left
    const waiting = track(bucket.acquire(undefined, 40)); // 1 s away
    inFlight.observe?.({ available: 1, maximum: 100, restorePerSecond: 10 });
    inFlight.release?.();
    await clock.advance(1_000);
    expect(waiting.permit).toBeUndefined();
    await clock.advance(3_000); // from 0 (1 − margin) to 40 at 10/s
    expect(waiting.permit?.waitedMs).toBe(4_000);
  });

  it('lets a waiter go early when an answer reports more (the vendor refunded unused points)', async () => {
    const { bucket, clock } = bucketOnClock();
    await answered(bucket, 1, { available: 101, maximum: 1000, restorePerSecond: 10 });
    const page = await bucket.acquire(undefined, 100); // requested 100: 0 left
    const next = track(bucket.acquire(undefined, 100));
    await clock.advance(50);
    expect(next.permit).toBeUndefined();
    page.observe?.({ available: 96, maximum: 1000, restorePerSecond: 10 }); // actual cost 5
    page.release?.();
    await clock.advance(500);
    expect(next.permit?.waitedMs).toBe(550);
  });

  it('serves requests in arrival order: a cheap request does not overtake an expensive one', async () => {
    const { bucket, clock } = bucketOnClock();
    await answered(bucket, 1, { available: 11, maximum: 100, restorePerSecond: 10 });
    const big = track(bucket.acquire(undefined, 30));
    const small = track(bucket.acquire(undefined, 1));
    await clock.advance(1_999);
    expect(big.permit).toBeUndefined();
    expect(small.permit).toBeUndefined();
    await clock.advance(1);
    expect(big.permit).toBeDefined();
    await clock.advance(100);
    expect(small.permit?.waitedMs).toBe(2_100);
  });

  it('waits for a full bucket when a request costs more than the bucket holds', async () => {
    const { bucket, clock } = bucketOnClock();
    await answered(bucket, 1, { available: 1, maximum: 100, restorePerSecond: 100 });
    const huge = track(bucket.acquire(undefined, 5_000));
    await clock.advance(999);
    expect(huge.permit).toBeUndefined();
    await clock.advance(1);
    expect(huge.permit).toBeDefined();
  });

  it('drops an aborted waiter and serves the one behind it', async () => {
    const { bucket, clock } = bucketOnClock();
    await answered(bucket, 1, { available: 1, maximum: 100, restorePerSecond: 10 });
    const controller = new AbortController();
    const big = track(bucket.acquire(controller.signal, 90));
    const small = track(bucket.acquire(undefined, 5));
    await clock.advance(100);
    controller.abort(new Error('stop'));
    await settle();
    expect(big.error).toEqual(new Error('stop'));
    await clock.advance(400);
    expect(small.permit?.waitedMs).toBe(500);
    await expect(bucket.acquire(controller.signal)).rejects.toThrow('stop');
  });
});

describe('BudgetBucket: declared rate and burst', () => {
  it('paces at the declared rate until the vendor reports, as a token bucket', async () => {
    const { bucket, clock } = bucketOnClock({ ratePerSecond: 2, burst: 3 });
    expect(bucket.mode).toBe('paced');
    for (let i = 0; i < 3; i++) expect((await bucket.acquire()).waitedMs).toBe(0);
    const fourth = track(bucket.acquire());
    await clock.advance(500);
    expect(fourth.permit?.waitedMs).toBe(500);
  });

  it("takes the vendor's figures over the declared ones once it reports them", async () => {
    const { bucket } = bucketOnClock({ ratePerSecond: 1, burst: 10 });
    await answered(bucket, 1, { available: 400, maximum: 400, restorePerSecond: 20 });
    expect(bucket.capacity).toBe(400);
    expect(bucket.ratePerSecond).toBe(20);
    expect(bucket.tokens).toBe(399);
  });

  it('keeps the declared rate for a figure the vendor does not report (a call-limit header has no leak rate)', async () => {
    const { bucket, clock } = bucketOnClock({ ratePerSecond: 2 });
    expect(bucket.capacity).toBe(2);
    await answered(bucket, 1, { available: 1, maximum: 40 });
    expect(bucket.capacity).toBe(40);
    expect(bucket.ratePerSecond).toBe(2);
    expect(bucket.tokens).toBe(0);
    const next = track(bucket.acquire());
    await clock.advance(500);
    expect(next.permit?.waitedMs).toBe(500);
  });

  it('drops the saved-up burst on a low remaining ratio from an older adapter', async () => {
    const { bucket, clock } = bucketOnClock({ ratePerSecond: 10, burst: 20 });
    await answered(bucket, 1, { remainingRatio: LOW_BUDGET_RATIO + 0.1 });
    expect(bucket.tokens).toBe(19);
    await answered(bucket, 1, { remainingRatio: LOW_BUDGET_RATIO / 2 });
    expect(bucket.tokens).toBe(0);
    const next = track(bucket.acquire());
    await clock.advance(100);
    expect(next.permit?.waitedMs).toBe(100);
  });

  it('refuses a rate or burst it cannot honour', () => {
    expect(() => new BudgetBucket({ ratePerSecond: 0 })).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_HTTP_INVALID_POLICY' }));
    expect(() => new BudgetBucket({ burst: 1.5 })).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_HTTP_INVALID_POLICY' }));
  });
});

/**
 * A vendor's points bucket on the same clock: a request is throttled when its requested cost is
 * above the level; otherwise the requested cost is taken and the unused part given back at once.
 */
function pointsVendor(clock: ManualClock, capacity: number, restorePerSecond: number) {
  let level = capacity;
  let last = clock.now();
  const refill = (): void => {
    level = Math.min(capacity, level + ((clock.now() - last) * restorePerSecond) / 1000);
    last = clock.now();
  };
  return {
    throttled: 0,
    answer(requested: number, actual: number): RateLimitBudget {
      refill();
      if (requested > level) this.throttled++;
      else level -= actual;
      // Whole numbers, rounded in the client's favour, as a vendor might.
      return { available: Math.round(level), maximum: capacity, restorePerSecond };
    },
  };
}

describe('BudgetBucket: a walk against the vendor bucket', () => {
  it('is never throttled and takes the theoretical minimum: (total cost − initial bucket) / restore rate', async () => {
    const { bucket, clock } = bucketOnClock();
    const vendor = pointsVendor(clock, 1000, 50);
    const pages = 100;
    const requested = 102;
    const actual = 52;
    for (let i = 0; i < pages; i++) {
      const permit = await clock.until(bucket.acquire(undefined, requested));
      await clock.advance(20); // the request's flight
      permit.observe?.(vendor.answer(requested, actual));
      permit.release?.();
    }
    expect(vendor.throttled).toBe(0);
    const minimumMs = ((pages * actual - 1000) / 50) * 1000;
    // The last page needs its requested cost in the bucket, the margin is held back once, and
    // every page's own flight (20 ms) is in the elapsed time; the rest is the minimum.
    const slackMs = ((requested - actual + VENDOR_ROUNDING_MARGIN + 1) / 50) * 1000 + 20;
    expect(clock.now()).toBeGreaterThanOrEqual(minimumMs);
    expect(clock.now()).toBeLessThanOrEqual(minimumMs + slackMs + 5);
  });
});
