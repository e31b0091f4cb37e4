import type { Queryable } from '../database.js';
import type { DeadLetter, DeadLetterSource } from './dead-letters.js';

/** Which open dead letters a replay takes. */
export interface ReplayCandidateFilter {
  readonly connector?: string | undefined;
  readonly connectionId?: string | undefined;
  /** Only letters with this error code (e.g. the records whose lookup missed). */
  readonly errorCode?: string | undefined;
  /** Only these ids (numeric strings). */
  readonly ids?: readonly string[] | undefined;
  /** Only letters with a larger id (paging). */
  readonly afterId?: string | undefined;
  /**
   * Only letters up to this id: a replay that fails again writes new letters, and a replay must
   * not pick up its own letters.
   */
  readonly upToId: string;
  readonly limit: number;
}

/**
 * Open (not replayed) dead letters, oldest first, for a replay.
 * @example
 * const upToId = await lastDeadLetterId(db);
 * const page = await listReplayCandidates(db, { connector: 'storq', upToId, limit: 100 });
 */
export async function listReplayCandidates(db: Queryable, filter: ReplayCandidateFilter): Promise<DeadLetter[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `select id, source_kind, connector, connection_id, stream, run_id, payload, raw, error_code, reason, created_at, replayed_at
     from connectd_engine.dead_letters
     where replayed_at is null and id <= $1::bigint
       and ($2::bigint[] is null or id = any($2::bigint[]))
       and ($3::text is null or connector = $3) and ($4::bigint is null or id > $4)
       and ($6::text is null or connection_id = $6) and ($7::text is null or error_code = $7)
     order by id limit $5`,
    [
      filter.upToId,
      filter.ids === undefined ? null : [...filter.ids],
      filter.connector ?? null,
      filter.afterId ?? null,
      filter.limit,
      filter.connectionId ?? null,
      filter.errorCode ?? null,
    ],
  );
  return rows.map((row) => ({
    id: String(row['id']),
    sourceKind: row['source_kind'] as DeadLetterSource,
    connector: row['connector'] as string,
    connectionId: row['connection_id'] as string | null,
    stream: row['stream'] as string | null,
    runId: row['run_id'] === null ? null : String(row['run_id']),
    payload: row['payload'],
    raw: row['raw'] as Buffer | null,
    errorCode: row['error_code'] as string,
    reason: row['reason'] as string,
    createdAt: row['created_at'] as Date,
    replayedAt: row['replayed_at'] as Date | null,
  }));
}

/** The largest dead-letter id so far ('0' when there is none). */
export async function lastDeadLetterId(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ id: string | null }>(`select max(id) as id from connectd_engine.dead_letters`);
  return rows[0]?.id == null ? '0' : String(rows[0].id);
}

/**
 * Marks one dead letter replayed if it is still open; false when it was replayed already (by
 * another replay, maybe at the same time). Call it first in the replay's transaction: its row
 * lock makes a concurrent replay of the same letter wait, then find it closed.
 */
export async function claimDeadLetterReplay(tx: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update connectd_engine.dead_letters set replayed_at = now() where id = $1 and replayed_at is null`,
    [id],
  );
  return rowCount > 0;
}

/**
 * Puts an inbox row back in the queue: `received`, attempts reset, due now. 'requeued' when it
 * was failed or dead; 'pending' when it is already waiting or being processed (nothing to do);
 * 'done' when it was processed or ignored since; 'missing' when there is no such row.
 */
export async function requeueInboxEvent(tx: Queryable, inboxId: string): Promise<'requeued' | 'pending' | 'done' | 'missing'> {
  const { rows } = await tx.query<{ before: string }>(
    `with old as (select id, status from connectd_engine.webhook_inbox where id = $1 for update)
     update connectd_engine.webhook_inbox w set
       status = case when old.status in ('dead', 'failed') then 'received' else w.status end,
       attempts = case when old.status in ('dead', 'failed') then 0 else w.attempts end,
       next_attempt_at = case when old.status in ('dead', 'failed') then now() else w.next_attempt_at end,
       last_error = case when old.status in ('dead', 'failed') then null else w.last_error end
     from old where w.id = old.id
     returning old.status as before`,
    [inboxId],
  );
  const before = rows[0]?.before;
  if (before === undefined) return 'missing';
  if (before === 'dead' || before === 'failed') return 'requeued';
  return before === 'received' || before === 'processing' ? 'pending' : 'done';
}

/** A job to enqueue again from its dead letter. */
export interface RequeuedJob {
  readonly kind: string;
  readonly queue: string;
  readonly connectionId: string | null;
  readonly stream: string | null;
  readonly payload: unknown;
}

/**
 * Enqueues a dead job again as a new queued job (same kind, queue, connection, stream and payload,
 * attempts from zero); resolves with the new job's id.
 */
export async function requeueJob(tx: Queryable, job: RequeuedJob): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `insert into connectd_engine.jobs (kind, queue, connection_id, stream, payload)
     values ($1, $2, $3, $4, $5::jsonb) returning id`,
    [job.kind, job.queue, job.connectionId, job.stream, JSON.stringify(job.payload ?? {})],
  );
  return String(rows[0]!.id);
}
