import type { Queryable } from '../database.js';
import { toJsonParam } from './json-param.js';

/** What made a change: a sync run, a webhook delivery, a dead-letter replay, an action job. */
export type ChangeSource =
  | { readonly kind: 'sync'; readonly run_id?: string }
  | { readonly kind: 'webhook'; readonly event_id?: string }
  | { readonly kind: 'replay'; readonly event_id?: string; readonly letter_id?: string }
  | { readonly kind: 'action'; readonly job_id?: string };

export type ChangeOperation = 'created' | 'updated' | 'deleted';

/** One row of `connectd.changes`. */
export interface ChangeRecord {
  /** Gap-free, monotonic in commit order; safe as a cursor. */
  readonly position: number;
  readonly entity: string;
  /** The row's natural key. */
  readonly key: string;
  readonly tenant: string;
  readonly connector: string;
  readonly connection: string | null;
  readonly operation: ChangeOperation;
  /** Names of the fields of `data` that differ between before and after, sorted. */
  readonly changed: readonly string[];
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
  readonly source: ChangeSource;
  /** When the change was written (RFC 3339). */
  readonly at: string;
}

/** Which changes to read: those after a position, of one entity or all, at most `limit`. */
export interface ChangeQuery {
  readonly after: number;
  readonly entity?: string;
  readonly limit: number;
}

interface ChangeRow {
  position: string;
  entity: string;
  natural_key: string;
  tenant_id: string;
  connector: string;
  connection_id: string | null;
  operation: ChangeOperation;
  changed: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: ChangeSource;
  created_at: Date | string;
}

const toChange = (row: ChangeRow): ChangeRecord => ({
  position: Number(row.position),
  entity: row.entity,
  key: row.natural_key,
  tenant: row.tenant_id,
  connector: row.connector,
  connection: row.connection_id,
  operation: row.operation,
  // Stored unsorted (sorting in the writing statement costs every write): sorted here.
  changed: [...row.changed].sort(),
  before: row.before,
  after: row.after,
  source: row.source,
  at: (row.created_at instanceof Date ? row.created_at : new Date(row.created_at)).toISOString(),
});

/**
 * Reads changes in position order. Positions are handed out in commit order (see
 * {@link changeFeedSql}), so a reader that resumes after the last position it saw misses nothing.
 * @example
 * const page = await selectChanges(db, { after: 0, entity: 'inventory_level', limit: 100 });
 */
export async function selectChanges(q: Queryable, query: ChangeQuery): Promise<ChangeRecord[]> {
  const { rows } = await q.query<ChangeRow>(
    // Ordered by the column, not by the text it is selected as: a bare \`order by position\` would
    // name the output column and sort "10" before "9".
    `select c.position::text as position, c.entity, c.natural_key, c.tenant_id, c.connector, c.connection_id, c.operation, c.changed, c.before, c.after, c.source, c.created_at
       from connectd.changes c
      where c.position > $1::bigint and ($2::text is null or c.entity = $2)
      order by c.position
      limit $3`,
    [query.after, query.entity ?? null, query.limit],
  );
  return rows.map(toChange);
}

/**
 * Takes a consumer's cursor for the rest of the transaction (a row lock: two daemons running the
 * same consumer take turns) and resolves its position, 0 for a new consumer.
 * @example
 * const after = await lockChangeCursor(tx, 'flows');
 */
export async function lockChangeCursor(tx: Queryable, consumer: string): Promise<number> {
  await tx.query(`insert into connectd_engine.change_cursors (consumer) values ($1) on conflict (consumer) do nothing`, [consumer]);
  const { rows } = await tx.query<{ position: string }>(`select position::text from connectd_engine.change_cursors where consumer = $1 for update`, [consumer]);
  return Number(rows[0]?.position ?? 0);
}

/**
 * Moves a consumer's cursor; call it in the transaction that holds the cursor and wrote what the
 * changes up to `position` caused.
 * @example
 * await advanceChangeCursor(tx, 'flows', 42);
 */
export async function advanceChangeCursor(tx: Queryable, consumer: string, position: number): Promise<void> {
  await tx.query(`update connectd_engine.change_cursors set position = $2::bigint where consumer = $1`, [consumer, position]);
}

/**
 * The position of the newest committed change (0 when there is none).
 * @example
 * const head = await lastChangePosition(db);
 */
export async function lastChangePosition(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ position: string | null }>(`select max(position)::text as position from connectd.changes`);
  return Number(rows[0]?.position ?? 0);
}

/** A JSON parameter for a change's source. */
export const changeSourceParam = (source: ChangeSource): string => toJsonParam(source);

/** The columns of a change that a writing statement supplies; the position, entity and time are the feed's. */
const FED_COLUMNS = ['natural_key', 'tenant_id', 'connector', 'connection_id', 'operation', 'changed', 'before', 'after', 'source'] as const;
export type FedColumn = (typeof FED_COLUMNS)[number];

/**
 * Which rows of a writing statement are changes and how each column of a change is read from them:
 * `select <columns> from <from> where <where>`, numbered in the order `order` gives (the order the
 * rows come in when absent).
 */
export interface FedRows {
  readonly from: string;
  readonly where: string;
  readonly order?: string;
  readonly columns: Readonly<Record<FedColumn, string>>;
}

/**
 * The tail of a statement that appends its changed rows ({@link FedRows}) to the feed;
 * `entityParam` is the parameter holding the entity name.
 *
 * Positions come from the single row of `connectd_engine.change_counter`, moved by n in this
 * statement. Its row lock is held until the transaction ends, so a second writer waits here until
 * the first commits or rolls back: positions become visible in order and a rollback hands its
 * numbers to the next writer. A statement that changed nothing does not touch the counter (the
 * `where` is false before the row is locked), so unchanged rewrites do not queue behind others.
 *
 * The changed rows are selected twice, to count them and to append them, rather than gathered once
 * into a CTE of their own: measured with `pnpm bench:changes`, copying every change into such a
 * CTE cost more than reading the writing statement's rows again.
 */
export function changeFeedSql(entityParam: string, rows: FedRows): string {
  // The counter's `last` and the count are scalar sub-queries, run once; joined to the changed rows
  // instead, they would have the planner copy every row once more.
  return `,
    fed_total as (select count(*) as n from ${rows.from} where ${rows.where}),
    fed_counter as (
      update connectd_engine.change_counter set last = last + (select n from fed_total)
      where id and (select n from fed_total) > 0
      returning last
    ),
    fed as (
      insert into connectd.changes (position, entity, ${FED_COLUMNS.join(', ')})
      select (select last from fed_counter) - (select n from fed_total) + row_number() over (${rows.order ?? ''}), ${entityParam},
             ${FED_COLUMNS.map((column) => rows.columns[column]).join(',\n             ')}
      from ${rows.from} where ${rows.where}
    )`;
}
