import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_RETRY, retryDelayMs } from './backoff.js';

describe('job retry backoff', () => {
  const exact = { ...DEFAULT_JOB_RETRY, jitterRatio: 0 };

  it('doubles from the base delay with each attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, exact))).toEqual([5_000, 10_000, 20_000, 40_000]);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelayMs(30, exact)).toBe(DEFAULT_JOB_RETRY.maxDelayMs);
    expect(retryDelayMs(30, DEFAULT_JOB_RETRY, () => 0.999)).toBeLessThanOrEqual(DEFAULT_JOB_RETRY.maxDelayMs);
  });

  it('takes at most the jitter share off, at random', () => {
    expect(retryDelayMs(1, DEFAULT_JOB_RETRY, () => 1)).toBe(4_000);
    expect(retryDelayMs(1, DEFAULT_JOB_RETRY, () => 0)).toBe(5_000);
  });
});
