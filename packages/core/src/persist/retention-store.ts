import type { RetentionStore } from '../retention/index.js';
import { gatherMissingStatistics, pruneBatch, reclaimSpace, withRetentionLock, type Database } from '../store/index.js';

/**
 * retention/'s store over store/: the pass runs under the retention advisory lock (skipped when
 * another daemon holds it), and each batch first confirms the lock is still held, so a pass whose
 * lock connection died stops instead of running beside another daemon's.
 * @example
 * const report = await runRetentionPass({ store: createRetentionStore(store.db), policy, now: new Date() });
 */
export function createRetentionStore(db: Database): RetentionStore {
  return {
    exclusively: (pass) =>
      withRetentionLock(db, (hold) =>
        pass({
          async prune(table, olderThan, limit) {
            await hold.confirm();
            return pruneBatch(db, table, olderThan, limit);
          },
          prepare: (tables) => gatherMissingStatistics(db, tables),
          reclaim: (tables) => reclaimSpace(db, tables),
        }),
      ),
  };
}
