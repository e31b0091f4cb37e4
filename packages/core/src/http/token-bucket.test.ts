import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { LOW_BUDGET_RATIO, parseRate, TokenBucket } from './token-bucket.js';

/** A bucket on a manual clock: sleeping advances the clock, so waits are exact and instant. */
function manualBucket(ratePerSecond: number, burst: number): { bucket: TokenBucket; clock: { now: number } } {
  const clock = { now: 0 };
  const bucket = new TokenBucket({
    ratePerSecond,
    burst,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
  });
  return { bucket, clock };
}

describe('parseRate', () => {
  it('reads rates per second, minute and hour', () => {
    expect(parseRate('10/s')).toBe(10);
    expect(parseRate('600/min')).toBe(10);
    expect(parseRate('3600/hour')).toBe(1);
    expect(parseRate('2.5/sec')).toBe(2.5);
    expect(parseRate('120/m')).toBe(2);
    expect(parseRate('7200/h')).toBe(2);
  });

  it('rejects anything else with a coded error', () => {
    for (const bad of ['10', '10/day', '0/s', 'fast', '-1/s', '']) {
      let caught: unknown;
      try {
        parseRate(bad);
      } catch (err) {
        caught = err;
      }
      expect(isConnectdError(caught, 'CONNECTD_ERR_HTTP_INVALID_RATE'), bad).toBe(true);
    }
  });
});

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces at the rate', async () => {
    const { bucket, clock } = manualBucket(10, 20);
    for (let i = 0; i < 20; i++) expect((await bucket.acquire()).waitedMs).toBe(0);
    expect(clock.now).toBe(0);
    const permit = await bucket.acquire();
    expect(permit.waitedMs).toBeCloseTo(100, 6);
    await bucket.acquire();
    expect(clock.now).toBeCloseTo(200, 6);
  });

  it('refills over time up to the burst, no further', () => {
    const { bucket, clock } = manualBucket(10, 5);
    clock.now = 60_000;
    expect(bucket.tokens).toBe(5);
  });

  it('serves concurrent waiters in arrival order, one token interval apart', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 50, burst: 1 });
    const start = performance.now();
    const order: number[] = [];
    const times: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        await bucket.acquire();
        order.push(i);
        times.push(performance.now() - start);
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // 4 waits of 20 ms at least; generous upper bound for a busy machine.
    expect(times[4]).toBeGreaterThanOrEqual(80 - 1);
    expect(times[4]).toBeLessThan(2_000);
  });

  it('never grants more than rate × window + burst in any window', async () => {
    const rate = 100;
    const burst = 5;
    const bucket = new TokenBucket({ ratePerSecond: rate, burst });
    const grants: number[] = [];
    await Promise.all(Array.from({ length: 60 }, async () => {
      await bucket.acquire();
      grants.push(performance.now());
    }));
    grants.sort((a, b) => a - b);
    const windowMs = 100;
    for (const from of grants) {
      const inWindow = grants.filter((t) => t >= from && t < from + windowMs).length;
      expect(inWindow).toBeLessThanOrEqual(Math.floor((rate * windowMs) / 1000 + burst));
    }
  });

  it('rejects a waiter whose signal aborts and hands its token back', async () => {
    const { bucket } = manualBucket(1, 1);
    await bucket.acquire();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(bucket.acquire(controller.signal)).rejects.toThrow('stop');
    expect(bucket.tokens).toBeCloseTo(0, 6);

    const real = new TokenBucket({ ratePerSecond: 1, burst: 1 });
    await real.acquire();
    const late = new AbortController();
    const waiting = real.acquire(late.signal);
    setTimeout(() => late.abort(new Error('late')), 20);
    await expect(waiting).rejects.toThrow('late');
    expect(real.tokens).toBeGreaterThan(-0.5);
  });

  it('drops the saved-up burst when the vendor reports a low budget, and only then', async () => {
    const { bucket } = manualBucket(10, 20);
    bucket.observe(LOW_BUDGET_RATIO + 0.1);
    expect(bucket.tokens).toBe(20);
    bucket.observe(0.05);
    expect(bucket.tokens).toBe(0);
    expect((await bucket.acquire()).waitedMs).toBeCloseTo(100, 6);
  });

  it('refuses a rate or burst it cannot honour', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_HTTP_INVALID_POLICY' }));
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_HTTP_INVALID_POLICY' }));
    expect(new TokenBucket({ ratePerSecond: 0.2 }).burst).toBe(1);
    expect(new TokenBucket({ ratePerSecond: 10 }).burst).toBe(10);
  });
});
