import { describe, expect, it } from 'vitest';
import { leasePlan } from './shared-lease.js';

describe('leasePlan', () => {
  it('leases a tenth of a second of a high rate and refills the shared bucket that much below the burst', () => {
    expect(leasePlan(500, 500, 100)).toEqual({ batch: 50, leaseMs: 100, capacity: 450 });
    // A small burst shortens the lease to a quarter of the burst's time.
    expect(leasePlan(1000, 40, 100)).toEqual({ batch: 10, leaseMs: 10, capacity: 30 });
  });

  it('takes one token per request when a lease would hold fewer than five', () => {
    expect(leasePlan(10, 10, 100)).toEqual({ batch: 1, leaseMs: 0, capacity: 10 });
    expect(leasePlan(40, 8, 100)).toEqual({ batch: 1, leaseMs: 0, capacity: 8 });
  });
});
