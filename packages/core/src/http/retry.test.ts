import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from './policies.js';
import { classifyStatus, decideRetry, mayRetry, transportErrorCode, type RetryState } from './retry.js';

const policy = DEFAULT_RETRY_POLICY;
const fresh: RetryState = { attempts: 1, maxAttempts: 5, retryable: true, canRefresh: false, refreshed: false };

describe('transportErrorCode', () => {
  it('recognises network errors and timeouts, also in the cause', () => {
    expect(transportErrorCode(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(transportErrorCode(Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(transportErrorCode(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }))).toBe('ECONNREFUSED');
    expect(transportErrorCode(new Error('socket hang up'))).toBe('ECONNRESET');
  });

  it('leaves other errors alone', () => {
    expect(transportErrorCode(new Error('bug'))).toBeUndefined();
    expect(transportErrorCode(Object.assign(new Error('bad'), { code: 'UND_ERR_INVALID_ARG' }))).toBeUndefined();
    expect(transportErrorCode('text')).toBeUndefined();
    expect(transportErrorCode(null)).toBeUndefined();
  });
});

describe('mayRetry', () => {
  it('retries idempotent methods, and others only with an idempotency key', () => {
    for (const m of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']) expect(mayRetry(m, undefined)).toBe(true);
    expect(mayRetry('POST', undefined)).toBe(false);
    expect(mayRetry('PATCH', undefined)).toBe(false);
    expect(mayRetry('POST', 'order-42')).toBe(true);
  });

  it('lets an explicit idempotent flag override the method and key rule either way', () => {
    expect(mayRetry('POST', undefined, true)).toBe(true);
    expect(mayRetry('PATCH', undefined, true)).toBe(true);
    expect(mayRetry('GET', undefined, false)).toBe(false);
    expect(mayRetry('POST', 'order-42', false)).toBe(false);
    expect(mayRetry('GET', undefined, undefined)).toBe(true);
  });
});

describe('classifyStatus', () => {
  it('sorts statuses into what the runtime does with them', () => {
    expect(classifyStatus(200, policy)).toBe('ok');
    expect(classifyStatus(404, policy)).toBe('ok');
    expect(classifyStatus(501, policy)).toBe('ok');
    expect(classifyStatus(401, policy)).toBe('auth-expired');
    expect(classifyStatus(429, policy)).toBe('rate-limited');
    for (const s of [408, 500, 502, 503, 504]) expect(classifyStatus(s, policy)).toBe('retry');
  });
});

describe('decideRetry', () => {
  it('returns successes and non-retryable answers to the caller', () => {
    expect(decideRetry({ kind: 'ok', threw: false }, fresh, policy)).toEqual({ action: 'return' });
    expect(decideRetry({ kind: 'fatal', threw: false }, fresh, policy)).toEqual({ action: 'return' });
  });

  it('retries with full-jitter backoff growing with the attempt', () => {
    expect(decideRetry({ kind: 'retry', threw: true }, fresh, policy, () => 0.999)).toEqual({ action: 'retry', delayMs: 499 });
    expect(decideRetry({ kind: 'retry', threw: false }, { ...fresh, attempts: 3 }, policy, () => 0.999)).toEqual({ action: 'retry', delayMs: 1998 });
  });

  it('waits exactly what Retry-After asks, up to maxWaitMs', () => {
    expect(decideRetry({ kind: 'rate-limited', threw: false, retryAfterMs: 2000 }, fresh, policy)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(decideRetry({ kind: 'rate-limited', threw: false, retryAfterMs: 120_001 }, fresh, policy)).toEqual({
      action: 'fail',
      reason: 'retry_after_too_long',
    });
  });

  it('fails when the attempts are used up', () => {
    expect(decideRetry({ kind: 'retry', threw: false }, { ...fresh, attempts: 5 }, policy)).toEqual({ action: 'fail', reason: 'exhausted' });
  });

  it('does not repeat a request that may not be repeated', () => {
    const post = { ...fresh, retryable: false };
    expect(decideRetry({ kind: 'retry', threw: false }, post, policy)).toEqual({ action: 'return' });
    expect(decideRetry({ kind: 'retry', threw: true }, post, policy)).toEqual({ action: 'fail', reason: 'not_retryable' });
  });

  it('refreshes credentials once on auth-expired, for any method', () => {
    const canRefresh = { ...fresh, retryable: false, canRefresh: true };
    expect(decideRetry({ kind: 'auth-expired', threw: false }, canRefresh, policy)).toEqual({ action: 'refresh' });
    expect(decideRetry({ kind: 'auth-expired', threw: false }, { ...canRefresh, refreshed: true }, policy)).toEqual({ action: 'return' });
    expect(decideRetry({ kind: 'auth-expired', threw: false }, fresh, policy)).toEqual({ action: 'return' });
  });
});
