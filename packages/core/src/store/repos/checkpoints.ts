import type { Queryable } from '../database.js';

/** Where a stream's last committed page left off. */
export interface Checkpoint {
  /** Pagination state to resume from (any JSON), or null when the last run finished its pages. */
  readonly cursor: unknown;
  /** The highest cursor-field value seen (a timestamp or sequence), as the vendor wrote it. */
  readonly highWaterMark: string | null;
  readonly updatedAt: Date;
}

/**
 * Reads the checkpoint of a stream; undefined before its first committed page.
 * @example
 * const since = (await readCheckpoint(db, 'storq-main', 'stock'))?.highWaterMark;
 */
export async function readCheckpoint(db: Queryable, connectionId: string, stream: string): Promise<Checkpoint | undefined> {
  const { rows } = await db.query<{ cursor: unknown; high_water_mark: string | null; updated_at: Date }>(
    `select cursor, high_water_mark, updated_at from connectd_engine.checkpoints where connection_id = $1 and stream = $2`,
    [connectionId, stream],
  );
  const row = rows[0];
  return row === undefined ? undefined : { cursor: row.cursor, highWaterMark: row.high_water_mark, updatedAt: row.updated_at };
}

/**
 * Writes the checkpoint of a stream. Call it in the transaction that writes the page's rows, so
 * the rows and the position they advance to commit together: a page is applied exactly once.
 * @example
 * await db.transaction(async (tx) => {
 *   await products.upsert(tx, rows);
 *   await writeCheckpoint(tx, 'storq-main', 'products', { cursor: { page: 3 }, highWaterMark: '2024-05-01T10:00:00Z' });
 * });
 */
export async function writeCheckpoint(
  tx: Queryable,
  connectionId: string,
  stream: string,
  checkpoint: { readonly cursor: unknown; readonly highWaterMark: string | null },
): Promise<void> {
  await tx.query(
    `insert into connectd_engine.checkpoints (connection_id, stream, cursor, high_water_mark, updated_at)
     values ($1, $2, nullif($3::jsonb, 'null'::jsonb), $4, now())
     on conflict (connection_id, stream) do update
       set cursor = excluded.cursor, high_water_mark = excluded.high_water_mark, updated_at = now()`,
    // Always serialised: a JS array or string would otherwise not arrive as jsonb.
    [connectionId, stream, JSON.stringify(checkpoint.cursor ?? null), checkpoint.highWaterMark],
  );
}

/** Forgets a stream's checkpoint, so its next run starts from the beginning. Resolves true when one existed. */
export async function deleteCheckpoint(db: Queryable, connectionId: string, stream: string): Promise<boolean> {
  const { rowCount } = await db.query(`delete from connectd_engine.checkpoints where connection_id = $1 and stream = $2`, [
    connectionId,
    stream,
  ]);
  return rowCount > 0;
}
