import type { Migration } from './migration.js';

/**
 * The indexes retention's deletes read (store/repos/retention.ts), so a pass walks only what it
 * may delete, oldest first, instead of scanning whole tables once per batch:
 * - finished inbox events by when they were processed, finished jobs and sync runs by when they
 *   finished, replayed dead letters by when they were replayed (partial: live rows are not in
 *   them, so intake and claiming never pay for them);
 * - `dead_letters.run_id`: deleting a sync run sets the run of its (replayed) letters to null
 *   (`on delete set null`), and retention keeps runs an open letter names; without this index
 *   each deleted run would scan every dead letter.
 * Plain `create index` runs in the migration's transaction and blocks writes to the table while
 * it builds (seconds on a large inbox). `if not exists` lets an operator of a big database build
 * them first with `create index concurrently` under the same names, then upgrade.
 */
const SQL = `
create index if not exists webhook_inbox_done_idx on connectd_engine.webhook_inbox (processed_at)
  where status in ('processed', 'ignored');
create index if not exists jobs_finished_idx on connectd_engine.jobs (finished_at)
  where status in ('succeeded', 'failed', 'dead', 'cancelled');
create index if not exists sync_runs_finished_idx on connectd_engine.sync_runs (finished_at)
  where result <> 'running';
create index if not exists dead_letters_run_idx on connectd_engine.dead_letters (run_id)
  where run_id is not null;
create index if not exists dead_letters_replayed_idx on connectd_engine.dead_letters (replayed_at)
  where replayed_at is not null;
`;

export const migration0006Retention: Migration = { name: '0006_retention', sql: SQL };
