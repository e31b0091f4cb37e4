/** The HTTP runtime's policies of a connector: rate limit, retry, breaker, timeouts. */
import { Type } from '../../json-schema/index.js';
import { slot, NonNegativeInt, PositiveInt } from './parts.js';

export const RateLimitSchema = Type.Object(
  {
    rate: Type.Optional(
      Type.String({
        pattern: '^\\d+(\\.\\d+)?/(s|sec|second|m|min|minute|h|hour)$',
        patternErrorMessage: 'must look like "10/s", "600/min" or "1000/hour"',
        description: 'Sustained rate, e.g. 10/s or 600/min.',
      }),
    ),
    burst: Type.Optional(PositiveInt('Requests allowed at once above the rate (bucket size).')),
    concurrency: Type.Optional(PositiveInt('Requests in flight at most.')),
    adapter: Type.Optional(slot('rateLimitAdapters', { description: 'A plugin component that adapts the pace from response headers or bodies.' })),
  },
  {
    title: 'Rate limit',
    description: 'Shared by every request of a connection within one daemon process; two daemons on one database each apply it (a limiter shared by several daemons is not built yet).',
    additionalProperties: false,
  },
);

export const RetrySchema = Type.Object(
  {
    max_attempts: Type.Optional(PositiveInt('Attempts in total, the first included (default 5).')),
    base_delay_ms: Type.Optional(NonNegativeInt('First backoff delay (default 500).')),
    max_delay_ms: Type.Optional(NonNegativeInt('Largest backoff delay (default 30000).')),
    max_wait_ms: Type.Optional(NonNegativeInt('Longest Retry-After honoured; longer waits fail the attempt (default 120000).')),
    retry_on_status: Type.Optional(
      Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
        uniqueItems: true,
        description: 'Statuses that are retried (default 408, 429, 500, 502, 503, 504).',
      }),
    ),
  },
  {
    title: 'Retry policy',
    description: 'Retries idempotent requests (and actions with an idempotency key) with jittered backoff; Retry-After wins.',
    additionalProperties: false,
  },
);

export const BreakerSchema = Type.Object(
  {
    failure_threshold: Type.Optional(PositiveInt('Consecutive failures that open the breaker (default 5).')),
    failure_ratio: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description: 'Alternatively, failure ratio within window_seconds that opens it, once the window holds at least failure_threshold calls.',
      }),
    ),
    window_seconds: Type.Optional(PositiveInt('Window for failure_ratio.')),
    cooldown_seconds: Type.Optional(PositiveInt('How long it stays open before a trial request (default 30).')),
  },
  { title: 'Circuit breaker', additionalProperties: false },
);

export const TimeoutsSchema = Type.Object(
  {
    connect_ms: Type.Optional(PositiveInt('TCP and TLS connect (default 10000).')),
    headers_ms: Type.Optional(PositiveInt('Until response headers arrive (default 30000).')),
    body_ms: Type.Optional(PositiveInt('Between body chunks (default 30000).')),
  },
  { title: 'Timeouts', additionalProperties: false },
);
