/** Waits `ms` milliseconds (at least), or rejects with the signal's reason when it aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The real sleep. Node timers may fire up to a millisecond early (libuv rounds its loop clock), and
 * a rate limit or a `Retry-After` is a promise of "not before", so the wait is re-checked against
 * `performance.now()` and topped up when short.
 * @example
 * await sleep(2_000, AbortSignal.timeout(5_000));
 */
export const sleep: Sleep = (ms, signal) => {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (!(ms > 0)) return Promise.resolve();
  const deadline = performance.now() + ms;
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const arm = (delay: number): void => {
      timer = setTimeout(() => {
        const left = deadline - performance.now();
        if (left > 0) return arm(left);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.ceil(delay));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm(ms);
  });
};
