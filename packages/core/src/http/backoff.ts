/** Cap and floor of the retry delays a backoff may produce. */
export interface BackoffRange {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Delay before retry number `retryIndex` (0 for the first retry), with full jitter:
 * `random(0, min(maxDelayMs, baseDelayMs * 2^retryIndex))`. Full jitter spreads the retries of many
 * callers that failed together, so they do not hit a recovering vendor in lockstep (AWS
 * Architecture Blog, "Exponential Backoff And Jitter").
 * @example
 * fullJitterDelayMs(2, { baseDelayMs: 500, maxDelayMs: 30_000 }); // somewhere in 0..2000
 */
export function fullJitterDelayMs(retryIndex: number, range: BackoffRange, random: () => number = Math.random): number {
  // 2^retryIndex overflows to Infinity for huge indexes, which min() then caps: no special case needed.
  const cap = Math.min(range.maxDelayMs, range.baseDelayMs * 2 ** Math.max(0, retryIndex));
  return Math.floor(random() * cap);
}
