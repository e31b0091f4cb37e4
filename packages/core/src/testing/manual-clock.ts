/**
 * A clock for limiter tests: time moves only when the test advances it, and sleeps end exactly at
 * their deadline, so waits are asserted to the millisecond without depending on the machine.
 */
import type { Sleep } from '../http/index.js';

interface Timer {
  readonly at: number;
  readonly resolve: () => void;
}

/** Lets queued promise callbacks run (several rounds of microtasks and one macrotask). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A monotonic clock and a `Sleep` driven by the test.
 * @example
 * const clock = new ManualClock();
 * const bucket = new BudgetBucket({ now: clock.now, sleep: clock.sleep });
 * await clock.advance(1_000); // sleeps due within the second end, in order
 */
export class ManualClock {
  #now = 0;
  #timers: Timer[] = [];

  readonly now = (): number => this.#now;

  readonly sleep: Sleep = (ms, signal) => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { at: this.#now + Math.max(0, ms), resolve };
      this.#timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.#timers = this.#timers.filter((t) => t !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  };

  /** Moves time to the earliest pending sleep and ends it; false when none is pending. */
  async next(): Promise<boolean> {
    await settle();
    const due = [...this.#timers].sort((a, b) => a.at - b.at)[0];
    if (due === undefined) return false;
    this.#timers = this.#timers.filter((t) => t !== due);
    this.#now = Math.max(this.#now, due.at);
    due.resolve();
    await settle();
    return true;
  }

  /** Ends sleeps in deadline order until `pending` settles; returns its value. */
  async until<T>(pending: Promise<T>): Promise<T> {
    let done = false;
    const watched = pending.finally(() => (done = true));
    await settle();
    while (!done && (await this.next()));
    return watched;
  }

  /** Moves time forward by `ms`, firing due sleeps in deadline order and letting their callbacks run. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.resolve();
      await settle();
    }
    this.#now = target;
    await settle();
  }
}
