import type { RateLimitBudget } from '../connector/index.js';
import { HTTP_INVALID_POLICY } from '../errors/index.js';

// The arithmetic of a budget kept in step with the vendor, shared by the in-memory `BudgetBucket`
// and the bucket several daemons share in the database (`SharedBucket`), so both read the
// vendor's figures and re-synchronise from them the same way.

/**
 * Units held back from every level the vendor reports. Vendors report whole numbers (Shopify's
 * `32/40`), which may be rounded in the client's favour (a bucket 39.6 full shown as 39); one unit
 * covers that. It costs one unit of the first burst, once: the level is re-read from every answer,
 * so the margin never accumulates.
 */
export const VENDOR_ROUNDING_MARGIN = 1;

/** Two levels this close are equal: refills computed from float clocks land a hair short. */
export const LEVEL_EPSILON = 1e-9;

/** `n` when it is a finite number of at least `min`, else undefined. */
export const finiteAtLeast = (n: unknown, min: number): number | undefined => (typeof n === 'number' && Number.isFinite(n) && n >= min ? n : undefined);

/**
 * Checks a declared `rate` (units per second) and `burst`.
 * @throws CONNECTD_ERR_HTTP_INVALID_POLICY
 */
export function checkDeclared(ratePerSecond: number | undefined, burst: number | undefined): void {
  if (ratePerSecond !== undefined && finiteAtLeast(ratePerSecond, Number.MIN_VALUE) === undefined) {
    throw HTTP_INVALID_POLICY({ option: 'rateLimit.rate', reason: 'must be a positive rate' });
  }
  if (burst !== undefined && !(Number.isInteger(burst) && burst >= 1)) {
    throw HTTP_INVALID_POLICY({ option: 'rateLimit.burst', reason: 'must be an integer >= 1' });
  }
}

/**
 * The declared bucket size: the burst, else one second's worth of the rate (at least 1), as
 * `TokenBucket` does; undefined when neither is declared.
 * @example
 * declaredCapacity(10, undefined); // 10
 */
export function declaredCapacity(ratePerSecond: number | undefined, burst: number | undefined): number | undefined {
  return burst ?? (ratePerSecond === undefined ? undefined : Math.max(1, Math.round(ratePerSecond)));
}

/** The figures of one answer, each a finite number in its range or undefined. */
export interface VendorFigures {
  readonly available: number | undefined;
  readonly maximum: number | undefined;
  readonly restorePerSecond: number | undefined;
  readonly remainingRatio: number | undefined;
}

/** What an adapter read from an answer, with anything that is not a usable number dropped. */
export function vendorFigures(budget: RateLimitBudget | undefined): VendorFigures {
  return {
    available: finiteAtLeast(budget?.available, Number.NEGATIVE_INFINITY),
    maximum: finiteAtLeast(budget?.maximum, Number.MIN_VALUE),
    restorePerSecond: finiteAtLeast(budget?.restorePerSecond, Number.MIN_VALUE),
    remainingRatio: finiteAtLeast(budget?.remainingRatio, 0),
  };
}

/**
 * The level an answer proves. The vendor measured `available` at some point while the request was
 * in flight, so any other request in flight at any time during that flight may be missing from the
 * figure: their cost (`othersCost`) comes off, and the rounding margin. A lower bound of the
 * vendor's level (restoring since the measurement only adds), at most the capacity.
 * @example
 * resyncedLevel(898, 102, 1000); // 795
 */
export function resyncedLevel(available: number, othersCost: number, capacity: number): number {
  return Math.min(capacity, available - othersCost - VENDOR_ROUNDING_MARGIN);
}
