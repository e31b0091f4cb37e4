import type { Queryable } from '../database.js';

// The few figures the daemon's operations page reads that no feature needs: how many webhook
// deliveries wait to be processed, how many records syncs wrote lately, and each stream's last
// success. Read-only; the indexes they use are the inbox's pending index and sync_runs' own.

/** The last succeeded run of one (connection, stream). */
export interface StreamSuccess {
  readonly connectionId: string;
  readonly stream: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

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

/**
 * The last succeeded run of every stream of the given connections.
 * @example
 * const successes = await lastStreamSuccesses(db, ['storq']);
 */
export async function lastStreamSuccesses(db: Queryable, connectionIds: readonly string[]): Promise<StreamSuccess[]> {
  if (connectionIds.length === 0) return [];
  const { rows } = await db.query<{ connection_id: string; stream: string; started_at: Date; finished_at: Date | null }>(
    `select connection_id, stream, max(started_at) as started_at, max(finished_at) as finished_at
       from connectd_engine.sync_runs where result = 'succeeded' and connection_id = any($1::text[])
      group by connection_id, stream`,
    [[...connectionIds]],
  );
  return rows.map((r) => ({ connectionId: r.connection_id, stream: r.stream, startedAt: new Date(r.started_at), finishedAt: r.finished_at === null ? null : new Date(r.finished_at) }));
}
