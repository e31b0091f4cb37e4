import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_RETRY, webhookRetryDelayMs } from './backoff.js';

describe('webhookRetryDelayMs', () => {
  it('doubles per attempt from the base, up to the cap', () => {
    const exact = { ...DEFAULT_WEBHOOK_RETRY, jitterRatio: 0 };
    expect([1, 2, 3, 4].map((a) => webhookRetryDelayMs(a, exact))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(webhookRetryDelayMs(30, exact)).toBe(DEFAULT_WEBHOOK_RETRY.maxDelayMs);
  });

  it('takes jitter off the delay, never adding to it', () => {
    expect(webhookRetryDelayMs(1, DEFAULT_WEBHOOK_RETRY, () => 0)).toBe(2_000);
    expect(webhookRetryDelayMs(1, DEFAULT_WEBHOOK_RETRY, () => 1)).toBe(1_600);
    expect(webhookRetryDelayMs(30, DEFAULT_WEBHOOK_RETRY, () => 0.5)).toBeLessThan(DEFAULT_WEBHOOK_RETRY.maxDelayMs);
  });
});
