import type { Queryable } from '../database.js';
import { toJsonParam } from './json-param.js';

/** What produced a dead letter. */
export type DeadLetterSource = 'sync' | 'webhook' | 'action' | 'job' | 'outbound';

/** A record or unit of work that could not be processed, kept for inspection and replay. */
export interface NewDeadLetter {
  readonly sourceKind: DeadLetterSource;
  readonly connector: string;
  readonly connectionId?: string | null;
  readonly stream?: string | null;
  readonly runId?: string | null;
  /** The record (or job payload) as received; any JSON. */
  readonly payload?: unknown;
  /** Raw bytes when there is no JSON form (a webhook body that did not parse). */
  readonly raw?: Buffer | null;
  /** The connectd error code that explains the failure. */
  readonly errorCode: string;
  /** Why, in words without secret values (a coded error's message). */
  readonly reason: string;
}

export interface DeadLetter {
  readonly id: string;
  readonly sourceKind: DeadLetterSource;
  readonly connector: string;
  readonly connectionId: string | null;
  readonly stream: string | null;
  readonly runId: string | null;
  readonly payload: unknown;
  readonly raw: Buffer | null;
  readonly errorCode: string;
  readonly reason: string;
  readonly createdAt: Date;
  readonly replayedAt: Date | null;
}

export interface DeadLetterFilter {
  readonly connector?: string;
  readonly connectionId?: string;
  readonly stream?: string;
  readonly sourceKind?: DeadLetterSource;
  readonly runId?: string;
  /** Include letters already replayed; default false. */
  readonly includeReplayed?: boolean;
  /** Only letters with a larger id (paging). */
  readonly afterId?: string;
  /** Default {@link DEFAULT_DEAD_LETTER_PAGE_SIZE}. */
  readonly limit?: number;
}

/** Open dead letters of one (connection, stream); connection and stream are null for letters without them. */
export interface DeadLetterCount {
  readonly connectionId: string | null;
  readonly stream: string | null;
  readonly count: number;
}

export const DEFAULT_DEAD_LETTER_PAGE_SIZE = 100;

/**
 * Writes dead letters in one statement; call it in the page's transaction so the letters commit
 * with the rows that did land. Resolves with the number written.
 * @example
 * await insertDeadLetters(tx, [{ sourceKind: 'sync', connector: 'storq', connectionId: 'storq-main', stream: 'stock',
 *   runId, payload: record, errorCode: err.code, reason: err.message }]);
 */
export async function insertDeadLetters(tx: Queryable, rows: readonly NewDeadLetter[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await tx.query(`insert into connectd_engine.dead_letters ${deadLettersFrom('$1')}`, [deadLettersParam(rows)]);
  return rowCount;
}

/**
 * The column list and `select` of a dead-letter insert reading the letters from the JSON parameter
 * `param` ({@link deadLettersParam}); shared with the sync's batch statement (sync-batch.ts).
 * @example
 * await tx.query(`insert into connectd_engine.dead_letters ${deadLettersFrom('$1')}`, [deadLettersParam(rows)]);
 */
export function deadLettersFrom(param: string): string {
  return `(source_kind, connector, connection_id, stream, run_id, payload, raw, error_code, reason)
     select r.s, r.c, r.cn, r.st, r.r, r.p -> 'v', decode(r.x, 'hex'), r.e, r.m
     from jsonb_to_recordset(${param}::jsonb) as r(s text, c text, cn text, st text, r bigint, p jsonb, x text, e text, m text)`;
}

/**
 * The letters as the JSON parameter {@link deadLettersFrom} reads.
 * @example
 * const param = deadLettersParam([{ sourceKind: 'sync', connector: 'storq', errorCode: 'CONNECTD_ERR_MAPPING_SCHEMA', reason: 'sku missing' }]);
 */
export function deadLettersParam(rows: readonly NewDeadLetter[]): string {
  const records = rows.map((row) => ({
    s: row.sourceKind,
    c: row.connector,
    cn: row.connectionId ?? null,
    st: row.stream ?? null,
    r: row.runId ?? null,
    // Wrapped so a payload that is JSON null or absent stays distinguishable from SQL null.
    p: row.payload === undefined ? null : { v: row.payload },
    x: row.raw == null ? null : row.raw.toString('hex'),
    e: row.errorCode,
    m: row.reason,
  }));
  return toJsonParam(records);
}

/**
 * Counts open (not replayed) dead letters per (connection, stream), for status.
 * @example
 * const counts = await countDeadLetters(db, { connectionIds: ['storq-main'] });
 */
export async function countDeadLetters(
  db: Queryable,
  filter: { readonly connectionIds?: readonly string[] } = {},
): Promise<DeadLetterCount[]> {
  const { rows } = await db.query<{ connection_id: string | null; stream: string | null; n: string }>(
    `select connection_id, stream, count(*) as n from connectd_engine.dead_letters
     where replayed_at is null and ($1::text[] is null or connection_id = any($1::text[]))
     group by connection_id, stream order by connection_id, stream`,
    [filter.connectionIds === undefined ? null : [...filter.connectionIds]],
  );
  return rows.map((row) => ({ connectionId: row.connection_id, stream: row.stream, count: Number(row.n) }));
}

/** Lists dead letters oldest first, filtered; page with `afterId`. */
export async function listDeadLetters(db: Queryable, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `select id, source_kind, connector, connection_id, stream, run_id, payload, raw, error_code, reason, created_at, replayed_at
     from connectd_engine.dead_letters
     where ($1::text is null or connector = $1) and ($2::text is null or connection_id = $2)
       and ($3::text is null or stream = $3) and ($4::text is null or source_kind = $4)
       and ($5::bigint is null or run_id = $5) and ($6::boolean or replayed_at is null)
       and ($7::bigint is null or id > $7)
     order by id limit $8`,
    [
      filter.connector ?? null,
      filter.connectionId ?? null,
      filter.stream ?? null,
      filter.sourceKind ?? null,
      filter.runId ?? null,
      filter.includeReplayed === true,
      filter.afterId ?? null,
      filter.limit ?? DEFAULT_DEAD_LETTER_PAGE_SIZE,
    ],
  );
  return rows.map((row) => ({
    id: row['id'] as string,
    sourceKind: row['source_kind'] as DeadLetterSource,
    connector: row['connector'] as string,
    connectionId: row['connection_id'] as string | null,
    stream: row['stream'] as string | null,
    runId: row['run_id'] as string | null,
    payload: row['payload'],
    raw: row['raw'] as Buffer | null,
    errorCode: row['error_code'] as string,
    reason: row['reason'] as string,
    createdAt: row['created_at'] as Date,
    replayedAt: row['replayed_at'] as Date | null,
  }));
}

/** Marks dead letters replayed (they leave the open counts); resolves with how many were still open. */
export async function markReplayed(db: Queryable, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rowCount } = await db.query(
    `update connectd_engine.dead_letters set replayed_at = now() where id = any($1::bigint[]) and replayed_at is null`,
    [[...ids]],
  );
  return rowCount;
}
