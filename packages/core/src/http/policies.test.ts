import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BREAKER_POLICY,
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIMEOUTS,
  resolveBreakerPolicy,
  resolveRetryPolicy,
  resolveTimeouts,
} from './policies.js';

const code = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('policies', () => {
  it('names the defaults the schema documents', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxWaitMs: 120_000, retryOnStatus: [408, 429, 500, 502, 503, 504] });
    expect(DEFAULT_BREAKER_POLICY).toEqual({ failureThreshold: 5, cooldownMs: 30_000 });
    expect(DEFAULT_TIMEOUTS).toEqual({ connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 });
  });

  it('fills what a YAML block leaves out, also keys present as undefined', () => {
    expect(resolveRetryPolicy({ maxAttempts: 2, baseDelayMs: undefined })).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2 });
    expect(resolveBreakerPolicy({ failureRatio: 0.5, windowMs: 10_000 })).toEqual({ ...DEFAULT_BREAKER_POLICY, failureRatio: 0.5, windowMs: 10_000 });
    expect(resolveTimeouts({ headersMs: 1_000 })).toEqual({ ...DEFAULT_TIMEOUTS, headersMs: 1_000 });
    expect(resolveRetryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
  });

  it('refuses values out of range with a coded error', () => {
    expect(code(() => resolveRetryPolicy({ maxAttempts: 0 }))).toBe('CONNECTD_ERR_HTTP_INVALID_POLICY');
    expect(code(() => resolveRetryPolicy({ retryOnStatus: [700] }))).toBe('CONNECTD_ERR_HTTP_INVALID_POLICY');
    expect(code(() => resolveBreakerPolicy({ failureRatio: 1.5 }))).toBe('CONNECTD_ERR_HTTP_INVALID_POLICY');
    expect(code(() => resolveBreakerPolicy({ cooldownMs: 0 }))).toBe('CONNECTD_ERR_HTTP_INVALID_POLICY');
    expect(code(() => resolveTimeouts({ bodyMs: -1 }))).toBe('CONNECTD_ERR_HTTP_INVALID_POLICY');
  });
});
