/** Durations in milliseconds. */
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * A REST Admin API timestamp: ISO 8601 to the second in the shop's time zone offset, as
 * `2025-04-02T11:29:59-05:00` in Shopify's REST examples.
 * @example
 * restTime(Date.parse('2025-04-02T16:29:59Z'), -300); // '2025-04-02T11:29:59-05:00'
 */
export function restTime(epochMs: number, offsetMinutes: number): string {
  const local = new Date(Math.floor(epochMs / SECOND_MS) * SECOND_MS + offsetMinutes * MINUTE_MS);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * A GraphQL `DateTime`: ISO 8601 in UTC to the second, as `2025-04-02T16:29:59Z`.
 * @example
 * graphqlTime(0); // '1970-01-01T00:00:00Z'
 */
export function graphqlTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / SECOND_MS) * SECOND_MS).toISOString().replace('.000Z', 'Z');
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a timestamp a client may send in a filter (`updated_at_min`, a search `updated_at:>…`):
 * ISO 8601 with or without offset or seconds, or a date alone (midnight UTC; without an offset,
 * UTC too; Shopify reads those in the shop's zone, which the fake keeps simple). Undefined when it
 * is not one.
 * @example
 * parseTimestamp('2025-01-01T00:00:00Z'); // 1735689600000
 * parseTimestamp('2025-01-01'); // 1735689600000
 */
export function parseTimestamp(text: string): number | undefined {
  const trimmed = text.trim();
  let normalised: string;
  if (DATE_ONLY.test(trimmed)) normalised = `${trimmed}T00:00:00Z`;
  else if (DATE_TIME.test(trimmed)) {
    normalised = trimmed.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1');
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(normalised)) normalised += 'Z';
    normalised = normalised.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  } else return undefined;
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : ms;
}
