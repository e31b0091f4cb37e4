/**
 * Runs async tasks one at a time, in call order. PGlite has a single connection, so a transaction
 * must own it from BEGIN to COMMIT; queueing every statement and transaction here keeps other
 * callers' statements out of it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled; resolves or rejects with it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    // The chain must survive a failed task, or every later task would be skipped.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
