import { advanceChangeCursor, lockChangeCursor, selectChanges, type ChangeRecord, type Database, type Queryable } from '../store/index.js';

export type { ChangeOperation, ChangeSource } from '../store/index.js';

/**
 * One change of an entity row: `position` is gap-free and increases in commit order, `changed`
 * names the fields of the row's data that differ between `before` (null when created) and `after`
 * (null when deleted).
 */
export type Change = ChangeRecord;

/** Which changes {@link readChanges} reads. */
export interface ReadChangesOptions {
  /** Read changes with a greater position (0: from the start). */
  readonly after: number;
  /** Only changes of this entity. */
  readonly entity?: string;
  /** At most this many (capped at {@link CHANGES_PAGE_LIMIT_MAX}). */
  readonly limit: number;
}

/** The most changes one read returns. */
export const CHANGES_PAGE_LIMIT_MAX = 1000;

/** What a consumer does with a page of changes, in the transaction that advances its cursor. */
export type ChangeHandler = (changes: readonly Change[], tx: Queryable) => Promise<void>;

/**
 * Reads changes in position order. Resuming after the last position read misses nothing: a
 * position becomes visible only after every smaller one has committed (docs/architecture.md,
 * "The change feed").
 * @example
 * const changes = await readChanges(db, { after: 0, entity: 'inventory_level', limit: 100 });
 */
export function readChanges(db: Queryable, options: ReadChangesOptions): Promise<Change[]> {
  const limit = Math.max(0, Math.min(options.limit, CHANGES_PAGE_LIMIT_MAX));
  return selectChanges(db, { after: options.after, limit, ...(options.entity === undefined ? {} : { entity: options.entity }) });
}

/**
 * Hands the next changes after `consumer`'s cursor to `handle` and advances the cursor in the same
 * transaction, so what the handler writes (an outbox row, a flow's job) commits exactly once per
 * change: a handler that throws rolls back and the same changes come again. Two daemons running one
 * consumer take turns on the cursor's row lock. Resolves how many changes were handled (0: caught up).
 * @example
 * await consumeChanges(db, 'flows', 100, async (changes, tx) => { for (const c of changes) await enqueue(tx, c); });
 */
export function consumeChanges(db: Database, consumer: string, limit: number, handle: ChangeHandler): Promise<number> {
  return db.transaction(async (tx) => {
    const after = await lockChangeCursor(tx, consumer);
    const changes = await readChanges(tx, { after, limit });
    if (changes.length === 0) return 0;
    await handle(changes, tx);
    await advanceChangeCursor(tx, consumer, changes[changes.length - 1]!.position);
    return changes.length;
  });
}
