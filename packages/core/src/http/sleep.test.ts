import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.js';

describe('sleep', () => {
  it('never returns before the time asked', async () => {
    for (const ms of [1, 7, 25]) {
      const start = performance.now();
      await sleep(ms);
      expect(performance.now() - start).toBeGreaterThanOrEqual(ms);
    }
  });

  it('returns at once for zero or negative waits', async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
    await expect(sleep(-5)).resolves.toBeUndefined();
  });

  it('rejects with the reason when the signal aborts, before or during the wait', async () => {
    const before = new AbortController();
    before.abort(new Error('before'));
    await expect(sleep(10, before.signal)).rejects.toThrow('before');
    const during = new AbortController();
    setTimeout(() => during.abort(new Error('during')), 10);
    const start = performance.now();
    await expect(sleep(10_000, during.signal)).rejects.toThrow('during');
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});
