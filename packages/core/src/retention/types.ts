/** The ports of retention, defined here and implemented over store/ by persist/ (createRetentionStore). */

/** The engine tables a pass prunes, in the order it prunes them. */
export const RETENTION_TABLES = ['webhook_inbox', 'jobs', 'dead_letters', 'sync_runs', 'oauth_states', 'connect_sessions', 'outbound_events', 'changes'] as const;

/**
 * One table retention prunes. A new one joins as a name here, with its statement in
 * store/repos/retention.ts and its age in policy.ts.
 */
export type RetentionTable = (typeof RETENTION_TABLES)[number];

/** The deletes of one pass, while it holds the lock. */
export interface PruneSession {
  /**
   * Deletes at most `limit` rows of `table` the policy lets go that are older than `olderThan`,
   * in one short transaction; resolves how many (fewer than `limit`: nothing older is left).
   * Fails when the pass lost its lock.
   */
  prune(table: RetentionTable, olderThan: Date, limit: number): Promise<number>;
  /** Before the deletes: gives the planner statistics for tables that have none, where the database does not gather them itself. */
  prepare(tables: readonly RetentionTable[]): Promise<void>;
  /** After the deletes: makes their space reusable where the database does not do it by itself. */
  reclaim(tables: readonly RetentionTable[]): Promise<void>;
}

/** Retention's storage: one pass at a time across the processes sharing the database. */
export interface RetentionStore {
  /** Runs `pass` under the retention lock; `acquired: false` without running it when another process holds the lock. */
  exclusively<T>(pass: (session: PruneSession) => Promise<T>): Promise<{ readonly acquired: true; readonly value: T } | { readonly acquired: false }>;
}

/** How a pass ended: `skipped` when another process was running one. */
export type RetentionPassOutcome = 'completed' | 'stopped' | 'skipped' | 'failed';

/** What the daemon records of retention (`/metrics`). */
export interface RetentionMetrics {
  deleted(table: RetentionTable, count: number): void;
  pass(outcome: RetentionPassOutcome): void;
}
