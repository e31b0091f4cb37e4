import { describe, expect, it } from 'vitest';
import { WaiterQueue } from './waiter-queue.js';

describe('WaiterQueue', () => {
  it('grants in arrival order, each with the permit made for it', async () => {
    const queue = new WaiterQueue(() => undefined);
    const first = queue.wait(3, 10, undefined);
    const second = queue.wait(1, 20, undefined);
    expect([queue.length, queue.head?.cost]).toEqual([2, 3]);
    queue.grantHead((w) => ({ waitedMs: 100 - w.start }));
    queue.grantHead((w) => ({ waitedMs: 100 - w.start }));
    expect(await Promise.all([first, second])).toEqual([{ waitedMs: 90 }, { waitedMs: 80 }]);
    expect(queue.head).toBeUndefined();
  });

  it('lets an aborted request leave with its reason and says whether it was the head', async () => {
    const abandoned: boolean[] = [];
    const queue = new WaiterQueue((wasHead) => abandoned.push(wasHead));
    const [a, b] = [new AbortController(), new AbortController()];
    const first = queue.wait(1, 0, a.signal);
    const second = queue.wait(2, 0, b.signal);
    const third = queue.wait(3, 0, undefined);
    b.abort(new Error('second gave up'));
    a.abort(new Error('first gave up'));
    await expect(second).rejects.toThrow('second gave up');
    await expect(first).rejects.toThrow('first gave up');
    expect(abandoned).toEqual([false, true]);
    expect([queue.length, queue.head?.cost]).toEqual([1, 3]);
    queue.grantHead(() => ({ waitedMs: 0 }));
    await expect(third).resolves.toEqual({ waitedMs: 0 });
  });

  it('refuses an already aborted request without queueing it, and refuses all on request; a later abort changes nothing', async () => {
    const abandoned: boolean[] = [];
    const queue = new WaiterQueue((wasHead) => abandoned.push(wasHead));
    await expect(queue.wait(1, 0, AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
    expect(queue.length).toBe(0);
    const controller = new AbortController();
    const waiting = [queue.wait(1, 0, controller.signal), queue.wait(1, 0, undefined)];
    queue.rejectAll(new Error('store away'));
    for (const w of waiting) await expect(w).rejects.toThrow('store away');
    controller.abort();
    expect([queue.length, abandoned]).toEqual([0, []]);
  });
});
