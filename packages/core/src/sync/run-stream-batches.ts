import type { PageWrite, WriteCounts } from './types.js';

/**
 * Most pages one transaction applies. Eight pages of 250 records: enough to spread a commit's cost
 * (measured on Postgres: one commit per page was a third of the write), few enough that the pages
 * held in memory stay small.
 */
export const MAX_PAGES_PER_WRITE = 8;

/** Writes pages in order, several to a transaction when they arrive faster than they are written. */
export interface PageBatcher {
  /**
   * Queues a page; resolves at once while there is room, else when the writer takes the queue
   * (so at most two batches are held: one written, one queued). Rejects with the error of a failed write: nothing after it
   * is written.
   */
  add(page: PageWrite): Promise<void>;
  /** Writes what is queued and resolves when everything is applied; rejects with a failed write's error. */
  drain(): Promise<void>;
}

/** Options of {@link createPageBatcher}. */
export interface PageBatcherOptions {
  /** The store's write of one transaction (`SyncStore.applyPage`). */
  apply(page: PageWrite): Promise<WriteCounts>;
  /** Told once per committed batch: its pages, in order, and what the batch wrote. */
  applied(pages: readonly PageWrite[], counts: WriteCounts): void;
  readonly maxPages?: number | undefined;
}

/**
 * One write of several pages: their rows and failures in page order, their progress added up, and
 * the last page's checkpoint, so a crash after the commit resumes after the last page and a crash
 * before it resumes where the batch began (the upserts being idempotent, nothing is applied twice).
 * @example
 * const write = mergePages([page1, page2]); // write.checkpoint === page2.checkpoint
 */
export function mergePages(pages: readonly PageWrite[]): PageWrite {
  const last = pages[pages.length - 1]!;
  if (pages.length === 1) return last;
  return {
    ...last,
    rows: pages.flatMap((p) => p.rows),
    failures: pages.flatMap((p) => p.failures),
    progress: { pages: pages.reduce((n, p) => n + p.progress.pages, 0), records: pages.reduce((n, p) => n + p.progress.records, 0) },
  };
}

/**
 * Creates the write side of a run: pages are written one transaction at a time, in order; while
 * one is written, the pages that arrive queue up and the next transaction takes all of them (up to
 * `maxPages`). When the store keeps up, every page is its own transaction, as before.
 * @example
 * const batcher = createPageBatcher({ apply: (p) => store.applyPage(p), applied: (pages, counts) => tally(pages, counts) });
 * await batcher.add(page); // ... for each page
 * await batcher.drain();
 */
export function createPageBatcher(options: PageBatcherOptions): PageBatcher {
  const maxPages = options.maxPages ?? MAX_PAGES_PER_WRITE;
  const queue: PageWrite[] = [];
  let writing: Promise<void> | undefined;
  let failure: { readonly error: unknown } | undefined;
  // Adders waiting for room: woken when the writer takes the queue, or stops.
  let waiters: (() => void)[] = [];
  const wake = (): void => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };

  const pump = async (): Promise<void> => {
    while (queue.length > 0 && failure === undefined) {
      const batch = queue.splice(0, maxPages);
      wake();
      const counts = await options.apply(mergePages(batch));
      options.applied(batch, counts);
    }
  };
  const start = (): Promise<void> => {
    writing ??= pump()
      .catch((error: unknown) => {
        failure = { error };
      })
      .finally(() => {
        writing = undefined;
        wake();
      });
    return writing;
  };
  const rethrow = (): void => {
    if (failure !== undefined) throw failure.error;
  };

  return {
    async add(page) {
      rethrow();
      queue.push(page);
      void start();
      while (queue.length >= maxPages && failure === undefined) {
        await new Promise<void>((resolve) => waiters.push(resolve));
        if (writing === undefined && failure === undefined) void start();
      }
      rethrow();
    },
    async drain() {
      while (writing !== undefined || (queue.length > 0 && failure === undefined)) await start();
      rethrow();
    },
  };
}
