import { describe, expect, it } from 'vitest';
import { LeakyBucket, PointsBucket, retryAfterText } from './rate-buckets.js';

describe('REST leaky bucket', () => {
  it('takes 40 calls at once, refuses the 41st with the wait until one fits, and leaks 2 a second', () => {
    let now = 0;
    const bucket = new LeakyBucket(() => now, 40, 2);
    const used = Array.from({ length: 40 }, () => bucket.take());
    expect(used.map((t) => t.used)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(bucket.take()).toEqual({ ok: false, used: 40, retryAfterSeconds: 0.5 });
    now += 250;
    const refused = bucket.take();
    expect(refused.ok).toBe(false);
    expect(retryAfterText((refused as { retryAfterSeconds: number }).retryAfterSeconds)).toBe('0.3');
    now += 250;
    expect(bucket.take()).toEqual({ ok: true, used: 40 });
    now += 10_000;
    expect(bucket.take()).toEqual({ ok: true, used: 21 });
  });

  it('writes Retry-After as seconds with one decimal, rounded up', () => {
    expect([0.5, 1, 0.46, 0.01, 2.04].map(retryAfterText)).toEqual(['0.5', '1.0', '0.5', '0.1', '2.1']);
  });

  it('can be resized, and refuses nonsense limits', () => {
    const bucket = new LeakyBucket(() => 0, 40, 2);
    bucket.configure({ size: 2 });
    expect([bucket.take().ok, bucket.take().ok, bucket.take().ok]).toEqual([true, true, false]);
    expect(() => bucket.configure({ size: 0 })).toThrow(RangeError);
    expect(() => new LeakyBucket(() => 0, 40, 0)).toThrow(RangeError);
  });
});

describe('GraphQL points bucket', () => {
  it('charges the requested cost, refunds to the actual cost, restores at the rate, and refuses what is not there', () => {
    let now = 0;
    const points = new PointsBucket(() => now, 1000, 50);
    expect(points.charge(752)).toBe(true);
    points.refund(700);
    expect(points.status()).toEqual({ maximumAvailable: 1000, currentlyAvailable: 948, restoreRate: 50 });
    expect(points.charge(949)).toBe(false);
    expect(points.status().currentlyAvailable).toBe(948);
    now += 40;
    expect(points.charge(949)).toBe(true);
    now += 1_000_000;
    expect(points.status().currentlyAvailable).toBe(1000);
    points.drain();
    expect(points.status().currentlyAvailable).toBe(0);
  });
});
