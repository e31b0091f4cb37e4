import { advisoryKeyParam, advisoryLockKey } from '../advisory-key.js';
import type { Database, Queryable } from '../database.js';

// The deletes of retention (retention/ decides how old and how often). Each statement deletes at
// most `limit` rows picked oldest first through a partial index (migration 0006), in its own
// short transaction, and skips rows another transaction holds (`for update skip locked`), so a
// pass never waits on intake, processing or job claiming, and they wait on it for one batch at
// most. What each statement never deletes is part of the statement: live work stays.

/** The tables retention prunes. */
export type PrunableTable = 'webhook_inbox' | 'jobs' | 'sync_runs' | 'oauth_states' | 'connect_sessions' | 'dead_letters' | 'outbound_events' | 'changes';

/** Each table's schema-qualified name: the change feed is the app's (`connectd`), the rest the engine's. */
const QUALIFIED: Readonly<Record<PrunableTable, string>> = {
  webhook_inbox: 'connectd_engine.webhook_inbox',
  jobs: 'connectd_engine.jobs',
  sync_runs: 'connectd_engine.sync_runs',
  oauth_states: 'connectd_engine.oauth_states',
  connect_sessions: 'connectd_engine.connect_sessions',
  dead_letters: 'connectd_engine.dead_letters',
  outbound_events: 'connectd_engine.outbound_events',
  changes: 'connectd.changes',
};

/** One pass at a time across every process sharing the database. */
export const RETENTION_LOCK_KEY: bigint = advisoryLockKey('connectd:retention');

/** `$1` is the cutoff (rows older than it go), `$2` the batch size. */
const PRUNE: Readonly<Record<PrunableTable, string>> = {
  // Processed and ignored events only: received, processing, failed (awaiting a retry) and dead
  // (an open dead letter replays them) stay. Duplicates are answered without a row.
  webhook_inbox: `delete from connectd_engine.webhook_inbox where id in (
    select id from connectd_engine.webhook_inbox
    where status in ('processed', 'ignored') and processed_at < $1
    order by processed_at limit $2 for update skip locked)`,
  // Finished jobs only. A dead job's dead letter holds its kind, queue and payload: replay
  // enqueues a new job from the letter, so the old row is not needed for it.
  jobs: `delete from connectd_engine.jobs where id in (
    select id from connectd_engine.jobs
    where status in ('succeeded', 'failed', 'dead', 'cancelled') and finished_at < $1
    order by finished_at limit $2 for update skip locked)`,
  // Finished runs, except each (connection, stream)'s latest finished run (status shows it),
  // its latest succeeded run (streams declared `after:` it wait for one) and runs an open dead
  // letter names. "Latest" orders like lastRuns(): started_at, then id. `offset 0` keeps each
  // check a per-row probe of an index: without it the planner may turn them into joins over every
  // run and sort all candidates for each batch (it did on the embedded engine, which has no
  // statistics: 0.4 s a batch on 36,000 runs instead of 20 ms).
  sync_runs: `delete from connectd_engine.sync_runs where id in (
    select r.id from connectd_engine.sync_runs r
    where r.result <> 'running' and r.finished_at < $1
      and exists (select 1 from connectd_engine.sync_runs n
        where n.connection_id = r.connection_id and n.stream = r.stream and n.result <> 'running'
          and (n.started_at, n.id) > (r.started_at, r.id) offset 0)
      and (r.result <> 'succeeded' or exists (select 1 from connectd_engine.sync_runs n
        where n.connection_id = r.connection_id and n.stream = r.stream and n.result = 'succeeded'
          and (n.started_at, n.id) > (r.started_at, r.id) offset 0))
      and not exists (select 1 from connectd_engine.dead_letters d where d.run_id = r.id and d.replayed_at is null offset 0)
    order by r.finished_at limit $2 for update of r skip locked)`,
  // Consent flows that expired before the cutoff (abandoned consent pages).
  oauth_states: `delete from connectd_engine.oauth_states where id in (
    select id from connectd_engine.oauth_states
    where expires_at < $1
    order by expires_at limit $2 for update skip locked)`,
  // Connect sessions that expired before the cutoff, used or not: a used one cannot start anything again.
  connect_sessions: `delete from connectd_engine.connect_sessions where id in (
    select id from connectd_engine.connect_sessions
    where expires_at < $1
    order by expires_at limit $2 for update skip locked)`,
  // Replayed letters only; an open (live) dead letter is never deleted.
  dead_letters: `delete from connectd_engine.dead_letters where id in (
    select id from connectd_engine.dead_letters
    where replayed_at < $1
    order by replayed_at limit $2 for update skip locked)`,
  // Delivered events only: pending, delivering and dead ones (a dead letter replays them) stay.
  outbound_events: `delete from connectd_engine.outbound_events where id in (
    select id from connectd_engine.outbound_events
    where status = 'delivered' and delivered_at < $1
    order by delivered_at limit $2 for update skip locked)`,
  // Changes older than the cutoff that every consumer of the feed (change_cursors: the outbound
  // fan-out, flows) has read: a consumer that fell behind loses nothing. Read along the position,
  // the feed's only index; positions grow with time, so the oldest come first.
  changes: `delete from connectd.changes where position in (
    select position from connectd.changes
    where created_at < $1
      and position <= coalesce((select min(position) from connectd_engine.change_cursors), 9223372036854775807)
    order by position limit $2 for update skip locked)`,
};

/**
 * Deletes at most `limit` rows of `table` that retention may delete and that are older than
 * `olderThan`, in one statement; resolves how many. Fewer than `limit` means none is left.
 * @example
 * const n = await pruneBatch(db, 'webhook_inbox', new Date(Date.now() - 7 * 86_400_000), 1000);
 */
export async function pruneBatch(db: Queryable, table: PrunableTable, olderThan: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(PRUNE[table], [olderThan, limit]);
  return rowCount;
}

/**
 * Gives the planner statistics for the tables that have none, where the database does not gather
 * them by itself: the embedded engine runs no autovacuum, and without statistics the planner
 * sorts every candidate for each batch instead of reading the oldest through the index (170 ms a
 * batch instead of 10 on 300,000 webhook events). A sampled ANALYZE, once per table; on Postgres
 * autovacuum does it: nothing to do.
 * @example
 * await gatherMissingStatistics(db, ['webhook_inbox', 'jobs']);
 */
export async function gatherMissingStatistics(db: Database, tables: readonly PrunableTable[]): Promise<void> {
  if (db.kind !== 'pglite') return;
  // reltuples is -1 until a table was first analyzed or vacuumed.
  const { rows } = await db.query<{ name: string }>(
    `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname || '.' || c.relname = any($1::text[]) and c.reltuples < 0`,
    [tables.map((table) => QUALIFIED[table])],
  );
  // Names from the closed PrunableTable union, never from input.
  for (const { name } of rows) await db.exec(`analyze ${name}`);
}

/**
 * Makes the space of deleted rows reusable, and refreshes the tables' statistics, where the
 * database does not do it by itself: the embedded engine runs no autovacuum, so without this its
 * tables would keep growing however much retention deletes. A plain VACUUM (ANALYZE): on the
 * embedded engine it holds the one connection for its duration (about 0.1 s for a table of
 * 300,000 rows). On Postgres autovacuum does it: nothing to do.
 * @example
 * await reclaimSpace(db, ['webhook_inbox', 'jobs']);
 */
export async function reclaimSpace(db: Database, tables: readonly PrunableTable[]): Promise<void> {
  if (db.kind !== 'pglite') return;
  for (const table of tables) await db.exec(`vacuum (analyze) ${QUALIFIED[table]}`);
}

/** Proof that the retention lock is still held: `confirm()` fails when its session is gone. */
export interface RetentionLockHold {
  confirm(): Promise<void>;
}

/** What {@link withRetentionLock} resolves: `acquired: false` when another process holds the lock. */
export type RetentionLockResult<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/**
 * Runs `fn` holding {@link RETENTION_LOCK_KEY}, or does not run it when another process holds it
 * (try-lock: a pass skipped is taken by the next one). On Postgres the lock is a transaction-level
 * advisory lock on one pooled connection, held while `fn` sends its deletes through `db` on
 * others in their own short transactions: the lock's transaction writes nothing and takes no row
 * lock, so it holds back nobody, and it is released when `fn` ends or the process dies. `fn`
 * needs a second connection, so the pool must have at least two. The embedded engine is opened by
 * one process at a time (its data-folder lock), so there is no other process to exclude; its
 * caller keeps its own passes from overlapping.
 * @example
 * const result = await withRetentionLock(db, async (hold) => { await hold.confirm(); return pruneBatch(db, 'jobs', cutoff, 1000); });
 */
export async function withRetentionLock<T>(db: Database, fn: (hold: RetentionLockHold) => Promise<T>): Promise<RetentionLockResult<T>> {
  if (db.kind === 'pglite') return { acquired: true, value: await fn({ confirm: async () => undefined }) };
  return db.transaction(async (tx): Promise<RetentionLockResult<T>> => {
    const { rows } = await tx.query<{ acquired: boolean }>('select pg_try_advisory_xact_lock($1::bigint) as acquired', [
      advisoryKeyParam(RETENTION_LOCK_KEY),
    ]);
    if (rows[0]?.acquired !== true) return { acquired: false };
    const hold: RetentionLockHold = {
      confirm: async () => {
        await tx.query('select 1');
      },
    };
    return { acquired: true, value: await fn(hold) };
  });
}
