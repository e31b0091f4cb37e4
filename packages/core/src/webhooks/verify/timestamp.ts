/**
 * Signing timestamps for `signed_payload: timestamp_body`: vendors send epoch seconds (Stripe,
 * Slack) or epoch milliseconds; both are read, and a timestamp further than the tolerance from
 * the daemon's clock, in the past (a replay) or the future (a forged or skewed clock), is refused.
 */

/** Default `tolerance_seconds`: five minutes, as Stripe and Slack recommend. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Epoch values at or above this are milliseconds: 1e11 seconds is the year 5138, while 1e11
 * milliseconds is 1973, long before any webhook.
 */
const MILLISECONDS_FROM = 1e11;
const DIGITS = /^\d{1,16}$/;

/** Seconds since the epoch from a header value, or undefined when it is not a plain integer. */
export function parseEpochSeconds(value: string): number | undefined {
  const text = value.trim();
  if (!DIGITS.test(text)) return undefined;
  const n = Number(text);
  return n >= MILLISECONDS_FROM ? n / 1000 : n;
}

/**
 * True when `epochSeconds` is within `toleranceSeconds` of `nowMs`, on either side.
 * @example
 * isWithinTolerance(parseEpochSeconds('1700000000')!, Date.now(), 300);
 */
export function isWithinTolerance(epochSeconds: number, nowMs: number, toleranceSeconds: number): boolean {
  return Math.abs(nowMs / 1000 - epochSeconds) <= toleranceSeconds;
}
