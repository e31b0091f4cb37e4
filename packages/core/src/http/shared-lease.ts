// How a declared rate is taken from a budget shared in the database (`SharedBucket`): in batches
// (leases) when the rate is high, so the database is not asked once per request, with the shared
// bucket made smaller by what a lease may hold back, so the vendor still sees the declared promise.

/** Longest a leased token may wait for its request; it is dropped after (see `leasePlan`). */
export const SHARED_LEASE_MS = 100;
/** Below this many tokens per lease, leasing saves nothing worth the burst it costs: one take per request. */
export const MIN_LEASE_BATCH = 5;

/** How a declared rate is taken from the shared budget. */
export interface LeasePlan {
  /** Tokens taken per round trip at most (1: one take per request). */
  readonly batch: number;
  /** How long leased tokens stay usable (0: only by the requests waiting when they arrive). */
  readonly leaseMs: number;
  /** The bucket size the database refills to: the burst less what leases may hold back (see `leasePlan`). */
  readonly capacity: number;
}

/**
 * How a declared rate is taken from the shared budget so that the database is not asked once per
 * request when the rate is high. A daemon takes up to `batch` tokens in one round trip and uses
 * them within `leaseMs`, then drops what is left (a daemon that dies with a lease just loses it).
 *
 * Why the capacity is less than the burst: a token taken at t and used up to `leaseMs` later
 * shifts what reaches the vendor by up to that much, so in a window of W seconds the vendor may
 * see what the bucket granted in W + lease: `capacity + rate × (W + lease)`. Refilling the shared
 * bucket only up to `burst − rate × lease` keeps that at `burst + rate × W`, the promise of the
 * in-memory bucket. The lease is at most a quarter of the burst's time (so leases of half the
 * capacity or less are always possible); below `MIN_LEASE_BATCH` tokens a lease is not worth it,
 * and each request takes its own token with the full burst.
 * @example
 * leasePlan(500, 500, 100); // { batch: 50, leaseMs: 100, capacity: 450 }
 * leasePlan(10, 10, 100);   // { batch: 1, leaseMs: 0, capacity: 10 }
 */
export function leasePlan(ratePerSecond: number, burst: number, leaseMs: number = SHARED_LEASE_MS): LeasePlan {
  const span = Math.min(leaseMs, (1000 * burst) / (4 * ratePerSecond));
  const batch = Math.floor((ratePerSecond * span) / 1000);
  if (batch < MIN_LEASE_BATCH) return { batch: 1, leaseMs: 0, capacity: burst };
  return { batch, leaseMs: span, capacity: burst - (ratePerSecond * span) / 1000 };
}
