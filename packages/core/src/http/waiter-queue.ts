import type { RateLimitPermit } from './rate-limiter.js';

/** A request waiting for its cost, as a limiter sees it. */
export interface Waiter {
  readonly cost: number;
  /** When it started waiting, on the limiter's clock. */
  readonly start: number;
}

interface Entry extends Waiter {
  readonly signal: AbortSignal | undefined;
  readonly resolve: (permit: RateLimitPermit) => void;
  readonly reject: (reason: unknown) => void;
  readonly onAbort: () => void;
}

/**
 * The requests waiting on a budget limiter (`BudgetBucket`, `SharedBucket`), first come first
 * served. A request whose signal aborts leaves at once, rejected with the signal's reason, and
 * `onAbandoned` tells the limiter, which may have been waiting on that request's cost.
 * @example
 * const queue = new WaiterQueue((wasHead) => pump());
 * const permit = queue.wait(cost, now(), signal); pump(); // pump: queue.grantHead((w) => ({ waitedMs: now() - w.start }))
 */
export class WaiterQueue {
  readonly #entries: Entry[] = [];
  readonly #onAbandoned: (wasHead: boolean) => void;

  constructor(onAbandoned: (wasHead: boolean) => void) {
    this.#onAbandoned = onAbandoned;
  }

  get length(): number {
    return this.#entries.length;
  }

  /** The request served next. */
  get head(): Waiter | undefined {
    return this.#entries[0];
  }

  /** Queues a request at the back; the promise settles when it is granted, refused or given up. */
  wait(cost: number, start: number, signal: AbortSignal | undefined): Promise<RateLimitPermit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const entry: Entry = {
        cost,
        start,
        signal,
        resolve,
        reject,
        onAbort: () => {
          const at = this.#entries.indexOf(entry);
          if (at < 0) return;
          this.#entries.splice(at, 1);
          reject(signal?.reason);
          this.#onAbandoned(at === 0);
        },
      };
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      this.#entries.push(entry);
    });
  }

  /** Grants the head request: it leaves the queue with the permit `permitFor` makes for it. */
  grantHead(permitFor: (waiter: Waiter) => RateLimitPermit): void {
    const entry = this.#entries.shift();
    if (entry === undefined) return;
    entry.signal?.removeEventListener('abort', entry.onAbort);
    entry.resolve(permitFor(entry));
  }

  /** Refuses every waiting request with `reason`. */
  rejectAll(reason: unknown): void {
    for (const entry of this.#entries.splice(0)) {
      entry.signal?.removeEventListener('abort', entry.onAbort);
      entry.reject(reason);
    }
  }
}
