import { describe, expect, it } from 'vitest';
import { ConsumerLoop } from './consumer-loop.js';

/** Resolves once `predicate` holds, checking after each turn of the event loop (bounded). */
async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !predicate(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(predicate()).toBe(true);
}

describe('ConsumerLoop', () => {
  it('runs passes back to back while they find work, then waits for a wake', async () => {
    let work = 3;
    let passes = 0;
    const loop = new ConsumerLoop({ pass: async () => (passes++, work > 0 ? (work--, true) : false), pollIntervalMs: 3_600_000, onError: () => undefined });
    loop.start();
    await until(() => passes === 4);
    // Idle now: an hour's poll interval, so only a wake brings the next pass.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(passes).toBe(4);
    work = 1;
    loop.wake();
    await until(() => passes === 6);
    await loop.stop();
    expect(loop.started).toBe(true);
  });

  it('reports a pass that threw and carries on at the next poll', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const loop = new ConsumerLoop({
      pass: async () => {
        passes++;
        if (passes === 1) throw new Error('store away');
        return false;
      },
      pollIntervalMs: 1,
      onError: (err) => errors.push(err),
    });
    loop.start();
    await until(() => passes >= 2);
    await loop.stop();
    expect(errors).toEqual([new Error('store away')]);
  });

  it('lets the pass in progress finish when stopped, and runs none after', async () => {
    let release: () => void = () => undefined;
    let passes = 0;
    let finished = 0;
    const loop = new ConsumerLoop({
      pass: async () => {
        passes++;
        await new Promise<void>((resolve) => (release = resolve));
        finished++;
        return true;
      },
      pollIntervalMs: 1,
      onError: () => undefined,
    });
    loop.start();
    await until(() => passes === 1);
    const stopped = loop.stop();
    release();
    await stopped;
    expect([passes, finished]).toEqual([1, 1]);
  });
});
