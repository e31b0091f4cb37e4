import type { Queryable } from '../database.js';

// The few figures the daemon's operations page reads that no feature needs: how many webhook
// deliveries wait to be processed and how many records syncs wrote lately (each stream's last
// success is `lastRuns` with `succeededOnly`). Read-only.

/**
 * Webhook deliveries accepted and not processed yet (received, failed and waiting for a retry,
 * or being processed).
 * @example
 * const backlog = await countInboxBacklog(db); // 0 when intake keeps up
 */
export async function countInboxBacklog(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from connectd_engine.webhook_inbox where status in ('received', 'failed', 'processing')`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Records counted by the sync runs started at or after `since` (runs count their records as
 * pages commit, so a running run's figure grows): sampled twice, the difference is the records
 * synced in between.
 * @example
 * const before = await countSyncedRecords(db, daemonStartedAt);
 */
export async function countSyncedRecords(db: Queryable, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: string | null }>(`select sum(records) as n from connectd_engine.sync_runs where started_at >= $1`, [since]);
  return Number(rows[0]?.n ?? 0);
}
