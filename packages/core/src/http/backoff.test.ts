import { describe, expect, it } from 'vitest';
import { fullJitterDelayMs } from './backoff.js';

const range = { baseDelayMs: 500, maxDelayMs: 30_000 };

describe('fullJitterDelayMs', () => {
  it('doubles the cap with each retry and picks a delay between 0 and the cap', () => {
    expect(fullJitterDelayMs(0, range, () => 0.999999)).toBe(499);
    expect(fullJitterDelayMs(1, range, () => 0.999999)).toBe(999);
    expect(fullJitterDelayMs(3, range, () => 0.5)).toBe(2000);
    expect(fullJitterDelayMs(3, range, () => 0)).toBe(0);
  });

  it('never exceeds maxDelayMs, even for huge retry numbers', () => {
    expect(fullJitterDelayMs(10, range, () => 0.999999)).toBeLessThan(30_000);
    expect(fullJitterDelayMs(5000, range, () => 0.999999)).toBeLessThan(30_000);
  });

  it('spreads real random delays over the whole range', () => {
    const delays = Array.from({ length: 2000 }, () => fullJitterDelayMs(2, range));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(2000);
    expect(delays.filter((d) => d < 1000).length).toBeGreaterThan(500);
    expect(delays.filter((d) => d >= 1000).length).toBeGreaterThan(500);
  });
});
