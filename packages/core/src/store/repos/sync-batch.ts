import type { Queryable } from '../database.js';
import { deadLettersFrom, deadLettersParam, type NewDeadLetter } from './dead-letters.js';

/** What one sync transaction records besides its rows. */
export interface SyncBatchRecord {
  readonly runId: string;
  readonly connectionId: string;
  readonly stream: string;
  /** What the batch adds to the run's progress row. */
  readonly progress: { readonly pages: number; readonly records: number };
  /** The checkpoint after the batch's last page (cursor null: no page to resume from). */
  readonly checkpoint: { readonly cursor: unknown; readonly highWaterMark: string | null };
  /** Records of the batch that could not be mapped. */
  readonly deadLetters: readonly NewDeadLetter[];
}

/**
 * Records a sync batch's progress, checkpoint and dead letters in one statement (one round trip
 * instead of three); call it in the transaction that writes the batch's rows, so all commit
 * together. Same effects as `updateRunProgress`, `writeCheckpoint` and `insertDeadLetters`.
 * @example
 * await recordSyncBatch(tx, { runId, connectionId: 'storq-main', stream: 'stock', progress: { pages: 4, records: 1000 },
 *   checkpoint: { cursor: { resume }, highWaterMark: null }, deadLetters: [] });
 */
export async function recordSyncBatch(tx: Queryable, batch: SyncBatchRecord): Promise<void> {
  const letters = batch.deadLetters.length === 0 ? '' : `,
    letters as (insert into connectd_engine.dead_letters ${deadLettersFrom('$7')})`;
  const params: unknown[] = [
    batch.runId,
    batch.progress.pages,
    batch.progress.records,
    batch.connectionId,
    batch.stream,
    // Always serialised: a JS array or string would otherwise not arrive as jsonb.
    JSON.stringify(batch.checkpoint.cursor ?? null),
    ...(batch.deadLetters.length === 0 ? [] : [deadLettersParam(batch.deadLetters)]),
  ];
  await tx.query(
    `with progress as (
       update connectd_engine.sync_runs set pages = pages + $2, records = records + $3 where id = $1
     ),
     checkpoint as (
       insert into connectd_engine.checkpoints (connection_id, stream, cursor, high_water_mark, updated_at)
       values ($4, $5, nullif($6::jsonb, 'null'::jsonb), $${params.length + 1}, now())
       on conflict (connection_id, stream) do update
         set cursor = excluded.cursor, high_water_mark = excluded.high_water_mark, updated_at = now()
     )${letters}
     select 1`,
    [...params, batch.checkpoint.highWaterMark],
  );
}
