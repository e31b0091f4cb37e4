/** The wait after a first failed attempt. */
export const FIRST_RETRY_DELAY_MS = 5_000;
/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * The wait before the next attempt after `attempts` failed ones: 5 s, 10 s, 20 s, … doubling up to
 * an hour, with up to 20% jitter so the events of an endpoint that comes back do not all arrive in
 * the same second.
 * @example
 * retryDelayMs(3, () => 0); // 20_000
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(base * (1 + 0.2 * random()));
}
