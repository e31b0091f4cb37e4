// An in-memory RetentionStore for retention's own tests: each table is a list of row ages.
import { RETENTION_TABLES, type PruneSession, type RetentionStore, type RetentionTable } from './types.js';

/** One prune call as the store saw it. */
export interface PruneCall {
  readonly table: RetentionTable;
  readonly olderThan: Date;
  readonly limit: number;
}

/**
 * Rows are only their age (the time the policy counts from); `lockHeldElsewhere` plays another
 * daemon holding the lock, `onPrune` runs before each batch (1-based call number) and may throw.
 * @example
 * const store = new MemoryRetentionStore({ webhook_inbox: [new Date(0)] });
 */
export class MemoryRetentionStore implements RetentionStore {
  lockHeldElsewhere = false;
  onPrune: ((call: number) => void | Promise<void>) | undefined;
  readonly calls: PruneCall[] = [];
  /** The tables of each prepare call. */
  readonly prepared: RetentionTable[][] = [];
  /** The tables of each reclaim call. */
  readonly reclaimed: RetentionTable[][] = [];
  #rows: Record<RetentionTable, Date[]>;

  constructor(rows: Partial<Record<RetentionTable, Date[]>> = {}) {
    this.#rows = Object.fromEntries(RETENTION_TABLES.map((table) => [table, [...(rows[table] ?? [])]])) as Record<RetentionTable, Date[]>;
  }

  remaining(): Record<RetentionTable, number> {
    return Object.fromEntries(RETENTION_TABLES.map((table) => [table, this.#rows[table].length])) as Record<RetentionTable, number>;
  }

  async exclusively<T>(pass: (session: PruneSession) => Promise<T>): Promise<{ readonly acquired: true; readonly value: T } | { readonly acquired: false }> {
    if (this.lockHeldElsewhere) return { acquired: false };
    this.lockHeldElsewhere = true;
    try {
      const value = await pass({
        prune: async (table, olderThan, limit) => {
          this.calls.push({ table, olderThan, limit });
          await this.onPrune?.(this.calls.length);
          let deleted = 0;
          this.#rows[table] = this.#rows[table].filter((at) => {
            if (deleted >= limit || at >= olderThan) return true;
            deleted++;
            return false;
          });
          return deleted;
        },
        prepare: async (tables) => {
          this.prepared.push([...tables]);
        },
        reclaim: async (tables) => {
          this.reclaimed.push([...tables]);
        },
      });
      return { acquired: true, value };
    } finally {
      this.lockHeldElsewhere = false;
    }
  }
}
