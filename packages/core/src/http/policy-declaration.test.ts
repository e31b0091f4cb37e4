import { describe, expect, it } from 'vitest';
import { httpPoliciesOf } from './policy-declaration.js';

describe('httpPoliciesOf', () => {
  it('maps every declared policy key onto the client option it sets, seconds into milliseconds', () => {
    expect(
      httpPoliciesOf({
        rate_limit: { rate: '10/s', burst: 20, concurrency: 4 },
        retry: { max_attempts: 3, base_delay_ms: 100, max_delay_ms: 1000, max_wait_ms: 5000, retry_on_status: [429, 503] },
        breaker: { failure_threshold: 7, failure_ratio: 0.5, window_seconds: 60, cooldown_seconds: 10 },
        timeouts: { connect_ms: 1000, headers_ms: 2000, body_ms: 3000 },
      }),
    ).toEqual({
      rateLimit: { rate: '10/s', burst: 20, concurrency: 4 },
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxWaitMs: 5000, retryOnStatus: [429, 503] },
      breaker: { failureThreshold: 7, failureRatio: 0.5, windowMs: 60_000, cooldownMs: 10_000 },
      timeouts: { connectMs: 1000, headersMs: 2000, bodyMs: 3000 },
    });
  });

  it('leaves out what is not declared, so the named defaults apply', () => {
    expect(httpPoliciesOf({})).toEqual({ rateLimit: {}, retry: {}, breaker: {}, timeouts: {} });
    expect(httpPoliciesOf({ retry: { max_attempts: 2 } }).retry).toEqual({ maxAttempts: 2 });
  });
});
