import { retentionCutoffs, type RetentionPolicy } from './policy.js';
import { RETENTION_TABLES, type PruneSession, type RetentionStore, type RetentionTable } from './types.js';

/**
 * The least pause between two batches of a pass. A batch that took longer is followed by a pause
 * as long as it took, so a pass never takes more than about half of the database's time: the
 * statements of intake, processing and claiming that queued behind a batch run before the next
 * one. That matters most on the embedded engine, where statements share one connection and run
 * on the process's event loop.
 */
export const DEFAULT_RETENTION_BATCH_PAUSE_MS = 10;

export interface RetentionPassOptions {
  readonly store: RetentionStore;
  readonly policy: RetentionPolicy;
  /** The pass's clock: rows older than `now` minus each table's age go. */
  readonly now: Date;
  /** Aborted: the pass ends after the batch in flight (shutdown). */
  readonly signal?: AbortSignal;
  /** Called after every batch that deleted rows, so counts reach the metrics while a long pass runs. */
  readonly onDeleted?: (table: RetentionTable, count: number) => void;
  /** The least pause between batches (a longer batch is followed by a pause as long); default {@link DEFAULT_RETENTION_BATCH_PAUSE_MS}. */
  readonly batchPauseMs?: number;
}

/** What one pass did. */
export interface RetentionPassReport {
  /** `skipped`: another process held the lock, nothing was deleted; `stopped`: aborted before the end. */
  readonly outcome: 'completed' | 'stopped' | 'skipped';
  readonly deleted: Readonly<Record<RetentionTable, number>>;
  readonly batches: number;
  readonly durationMs: number;
}

const pause = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * One retention pass: under the store's lock (or not at all when another process holds it), each
 * table in turn, batch after batch of `policy.batchSize` rows until a batch comes back short,
 * then the space of what went is reclaimed (a pass stopped early leaves that to a later one).
 * Errors of the store reject (the runner logs them; the next pass starts over, losing nothing).
 * @example
 * const report = await runRetentionPass({ store: createRetentionStore(db), policy: retentionPolicy(), now: new Date() });
 * console.log(report.deleted.webhook_inbox);
 */
export async function runRetentionPass(options: RetentionPassOptions): Promise<RetentionPassReport> {
  const started = performance.now();
  const deleted = Object.fromEntries(RETENTION_TABLES.map((table) => [table, 0])) as Record<RetentionTable, number>;
  let batches = 0;
  const prune = async (session: PruneSession): Promise<boolean> => {
    await session.prepare(RETENTION_TABLES);
    for (const { table, olderThan } of retentionCutoffs(options.policy, options.now)) {
      for (;;) {
        if (options.signal?.aborted === true) return false;
        const batchStarted = performance.now();
        const count = await session.prune(table, olderThan, options.policy.batchSize);
        const batchMs = performance.now() - batchStarted;
        batches++;
        deleted[table] += count;
        if (count > 0) options.onDeleted?.(table, count);
        if (count < options.policy.batchSize) break;
        await pause(Math.max(options.batchPauseMs ?? DEFAULT_RETENTION_BATCH_PAUSE_MS, batchMs), options.signal);
      }
    }
    const pruned = RETENTION_TABLES.filter((table) => deleted[table] > 0);
    if (pruned.length > 0) await session.reclaim(pruned);
    return true;
  };
  const result = await options.store.exclusively(prune);
  const outcome = !result.acquired ? 'skipped' : result.value ? 'completed' : 'stopped';
  return { outcome, deleted, batches, durationMs: Math.round(performance.now() - started) };
}
