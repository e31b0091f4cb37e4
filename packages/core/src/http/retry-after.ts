const SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/;
// Every HTTP-date form starts with a day name; V8's Date.parse alone also takes "-5" as a year.
const HTTP_DATE_START = /^\s*[A-Za-z]{3}/;

/**
 * How long a `Retry-After` header asks to wait, in ms, or undefined when it is absent or unreadable.
 * Both forms of RFC 9110 section 10.2.3 are read: delay-seconds (fractions accepted, as some vendors
 * send them) and an HTTP-date; a date in the past means no wait. Rounded up, so the wait is never
 * shorter than asked.
 * @example
 * parseRetryAfterMs('2');                               // 2000
 * parseRetryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', now); // ms from now until then, or 0
 */
export function parseRetryAfterMs(
  value: string | readonly string[] | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : (value as string | undefined);
  if (text === undefined || text === '') return undefined;
  const seconds = SECONDS.exec(text);
  if (seconds !== null) return Math.ceil(Number(seconds[1]) * 1000);
  if (!HTTP_DATE_START.test(text)) return undefined;
  // Date.parse reads the three date forms of RFC 9110 (IMF-fixdate, RFC 850, asctime) in V8.
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil(at - nowMs));
}
