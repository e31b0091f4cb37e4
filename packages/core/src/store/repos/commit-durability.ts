import type { Queryable } from '../database.js';

/**
 * Lets the current transaction commit without waiting for its WAL flush. Only for work that is
 * safe to redo: if the database server crashes, its last transactions may be lost, but each is lost
 * whole (a sync page's rows together with the checkpoint that records them), so the sync fetches
 * those pages again. Never for webhook intake, which answers the vendor only after a durable commit.
 * Saves a disk flush per page, which dominates small-page sync throughput.
 */
export async function commitWithoutFlush(tx: Queryable): Promise<void> {
  await tx.query('set local synchronous_commit to off');
}
