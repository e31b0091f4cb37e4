/** Durations in milliseconds, for the lifetimes Square documents (5-minute codes, 30-day tokens…). */
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * RFC 3339 with milliseconds, as Square stamps `updated_at`, `created_at` and `calculated_at`.
 * @example
 * isoMs(0); // '1970-01-01T00:00:00.000Z'
 */
export function isoMs(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * RFC 3339 to the second, as ObtainToken's `expires_at` (`2025-04-03T18:31:06Z`).
 * @example
 * isoSeconds(1_500); // '1970-01-01T00:00:01Z'
 */
export function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / SECOND_MS) * SECOND_MS).toISOString().replace('.000Z', 'Z');
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Reads an RFC 3339 timestamp (any offset, up to nanoseconds) as epoch ms; undefined when it is not one.
 * @example
 * parseRfc3339('2019-03-04T21:54:45+00:00'); // 1551736485000
 * parseRfc3339('yesterday'); // undefined
 */
export function parseRfc3339(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  // Date.parse keeps milliseconds only; finer digits are cut, not rounded, so a bound never moves later.
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : ms;
}
