import { describe, expect, it } from 'vitest';
import { SharedBucket } from './shared-bucket.js';
import type { BudgetAnswer, BudgetStore, BudgetTakeRequest } from './shared-state.js';

const KEY = { connector: 'storq', connectionId: 'acme' };

/** A budget store that grants every take in full, on a manual clock, recording what was asked. */
function generousStore(): { store: BudgetStore; takes: BudgetTakeRequest[] } {
  const takes: BudgetTakeRequest[] = [];
  let grants = 0;
  const store: BudgetStore = {
    take: async (_key, request) => {
      takes.push(request);
      grants++;
      return { granted: true, cost: request.cost, waitMs: null, mode: 'paced', grantId: grants, grantedBefore: 0, inFlightBefore: 0 };
    },
    hold: async () => undefined,
    answer: async () => undefined,
  };
  return { store, takes };
}

describe('SharedBucket', () => {
  it('serves requests from a lease sized by the recent demand, and drops what is left when the lease ends', async () => {
    const clock = { now: 0 };
    const { store, takes } = generousStore();
    const bucket = new SharedBucket({ store, key: KEY, pacing: 'declared', ratePerSecond: 500, now: () => clock.now });
    await Promise.all(Array.from({ length: 10 }, () => bucket.acquire()));
    // The first take asked for the one request there; the nine that queued meanwhile, for nine.
    expect(takes.map((t) => t.cost)).toEqual([1, 9]);
    expect(takes[1]).toMatchObject({ minCost: 5, declaredCapacity: 450, declaredRatePerSecond: 500, recordFlight: false });
    clock.now = 50;
    await bucket.acquire();
    // Ten requests in the last lease period: a lease of ten, one used, nine kept for 100 ms.
    expect(takes.map((t) => t.cost)).toEqual([1, 9, 10]);
    clock.now = 140;
    await bucket.acquire();
    expect(takes).toHaveLength(3);
    clock.now = 151;
    await bucket.acquire();
    expect(takes).toHaveLength(4);
  });

  it('fails every waiting request with the store error when the budget cannot be read (fails closed)', async () => {
    const down = Object.assign(new Error('connection refused'), { code: 'CONNECTD_ERR_STORE_UNREACHABLE' });
    const store: BudgetStore = {
      take: async () => {
        throw down;
      },
      hold: async () => undefined,
      answer: async () => undefined,
    };
    const bucket = new SharedBucket({ store, key: KEY, pacing: 'declared', ratePerSecond: 10 });
    const outcomes = await Promise.allSettled([bucket.acquire(), bucket.acquire()]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code: string }).code : 'granted'))).toEqual([
      'CONNECTD_ERR_STORE_UNREACHABLE',
      'CONNECTD_ERR_STORE_UNREACHABLE',
    ]);
  });

  it('holds the shared budget when the vendor asks to wait, and drops the tokens leased here', async () => {
    const clock = { now: 0 };
    const { store, takes } = generousStore();
    const holds: number[] = [];
    const bucket = new SharedBucket({ store: { ...store, hold: async (_key, ms) => void holds.push(ms) }, key: KEY, pacing: 'declared', ratePerSecond: 500, now: () => clock.now });
    await Promise.all(Array.from({ length: 10 }, () => bucket.acquire()));
    await bucket.acquire();
    expect(takes).toHaveLength(3); // a lease of ten, nine left
    bucket.holdOff(2_000);
    await bucket.acquire();
    expect(holds).toEqual([2_000]);
    expect(takes).toHaveLength(4);
  });

  it("paced by the vendor: takes each request's cost as a flight, and hands each answer's figures to the shared budget", async () => {
    const { store, takes } = generousStore();
    const answers: BudgetAnswer[] = [];
    const bucket = new SharedBucket({ store: { ...store, answer: async (_key, answer) => void answers.push(answer) }, key: KEY, pacing: 'vendor' });
    const first = await bucket.acquire(undefined, 102);
    expect(takes[0]).toMatchObject({ cost: 102, minCost: 102, recordFlight: true, declaredCapacity: null, declaredRatePerSecond: null });
    first.observe?.({ available: 898, maximum: 1000, restorePerSecond: 50 });
    first.release?.();
    const second = await bucket.acquire(undefined, 10);
    second.release?.(); // ended without an answer: the flight ends, nothing re-synchronises
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toEqual([
      // 898 proves 897 (the rounding margin) after this grant: 999 before the 102 granted up to it, which the store subtracts.
      { grantId: 1, heard: true, available: 898, maximum: 1000, restorePerSecond: 50, resyncBase: 999, drain: false, declaredCapacity: null, declaredRatePerSecond: null },
      { grantId: 2, heard: false, available: null, maximum: null, restorePerSecond: null, resyncBase: null, drain: false, declaredCapacity: null, declaredRatePerSecond: null },
    ]);
  });
});
