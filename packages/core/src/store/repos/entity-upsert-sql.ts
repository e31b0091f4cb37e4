import type { EntityTable, TableColumn } from './entity-tables.js';
import { changeFeedSql, type FedRows } from './changes.js';
import { quoteIdentifier } from './identifiers.js';

/**
 * Where each parameter of the upsert goes. The rows travel as one typed array per column, zipped
 * back into rows by `rows from (unnest(...), ...)`: measured on Postgres 15, cheaper than one JSON
 * document of objects parsed by jsonb_to_recordset (no per-row keys to build, send and parse). Only
 * the entities themselves stay one JSON array, and their typed columns are read from it in SQL
 * rather than sent a second time.
 */
export interface UpsertParams {
  /** $8: each row's own source as JSON text (null: the batch's), when the upsert feeds. */
  readonly rowSources?: number;
  /** The fed entity's name and the batch's source. */
  readonly feedEntity?: number;
  readonly feedSource?: number;
  /** The keys every entity of the batch has, when they all have the same (else null): a created change's fields. */
  readonly sharedKeys?: number;
  /** The id-map kind and the four arrays of (tenant, connector, vendor id, natural key) to record. */
  readonly idMap?: number;
}

/**
 * Which source each fed row carries: none (no feed), the batch's (a sync page: one parameter), or
 * each row's own where it has one (a webhook batch: one array more).
 */
export type FeedSources = 'none' | 'batch' | 'rows';

/** Parameter numbers of an upsert with the given feed and with or without an id map; $1..$7 are the rows. */
export function upsertParams(feed: FeedSources, idMap: boolean): UpsertParams {
  let next = 8;
  const rowSources = feed === 'rows' ? { rowSources: next++ } : {};
  const feedParams = feed === 'none' ? {} : { ...rowSources, feedEntity: next++, feedSource: next++, sharedKeys: next++ };
  return { ...feedParams, ...(idMap ? { idMap: next } : {}) };
}

/**
 * A typed column read from the entity: what jsonb_to_recordset made of `data[field]` (a JSON null
 * or a missing field is SQL null; a scalar is cast from its text).
 */
function columnValue(column: TableColumn): string {
  const field = `'${column.field.replaceAll("'", "''")}'`;
  if (column.type === 'jsonb') return `nullif(r.d -> ${field}, 'null'::jsonb)`;
  if (column.type === 'text') return `(r.d ->> ${field})`;
  return `(r.d ->> ${field})::${column.type}`;
}

/**
 * Records vendor ids in the same statement as the upsert (one round trip per batch): ids map to the
 * natural key of the row that named them, which is the row written or kept. It returns a row per
 * id written only so that the final select can count them: a data-modifying CTE nobody reads runs
 * after everything else (Postgres runs those at the end of the statement), which would put it after
 * the feed's counter is locked, and every other writer of changes would wait for it too.
 */
function idMapCte(param: number): string {
  return `,
    mapped as (
      insert into connectd_engine.vendor_id_map as m (tenant_id, connector, kind, vendor_id, natural_key)
      select distinct on (v.t, v.c, v.id) v.t, v.c, $${param}::text, v.id, v.k
      from unnest($${param + 1}::text[], $${param + 2}::text[], $${param + 3}::text[], $${param + 4}::text[]) as v(t, c, id, k)
      order by v.t, v.c, v.id
      on conflict (tenant_id, connector, kind, vendor_id) do update set natural_key = excluded.natural_key, updated_at = now()
      where m.natural_key is distinct from excluded.natural_key
      returning 1
    )`;
}

/**
 * What the insert returns for the feed besides `fresh`: the row as written, and for an updated row
 * `before`, read by a sub-select that sees the table as this statement's snapshot saw it (every
 * part of a statement shares one snapshot), so the row before this write. Read here rather than in
 * a later step of the statement, it leaves the feed nothing to gather: {@link fedRows} selects from
 * `written` directly.
 */
function fedReturning(table: string): string {
  return `, target.tenant_id, target.natural_key, target.connector, target.connection_id, target.data,
        case when target.xmax = 0 then null
             else (select stored.data from ${table} stored where stored.tenant_id = target.tenant_id and stored.natural_key = target.natural_key) end as before`;
}

/**
 * The rows the upsert changed, for the feed: the rows `written` returns ({@link fedReturning}). An
 * insert's changed fields are every key of its data: the batch's shared keys when the writer found
 * that every entity has the same ones (the usual page: one mapping, one shape), else each row's
 * own, asked of Postgres per row, which on a first load cost a fifth of the feed. A row whose data
 * did not change (only its source columns moved) is written but not fed. Only a batch whose rows
 * carry their own source joins the input again to find it: measured with `pnpm bench:changes`, that
 * join cost a first load more than writing the feed's rows themselves. Positions within one
 * statement follow the order rows were written in; a batch holds each key once, so the order per
 * key is the order of the statements.
 */
function fedRows(params: UpsertParams): FedRows {
  const perRow = params.rowSources !== undefined;
  return {
    from: `written w${perRow ? ' join input r on r.t = w.tenant_id and r.k = w.natural_key' : ''}`,
    where: 'w.fresh or w.before is distinct from w.data',
    columns: {
      natural_key: 'w.natural_key',
      tenant_id: 'w.tenant_id',
      connector: 'w.connector',
      connection_id: 'w.connection_id',
      operation: `case when w.fresh then 'created' else 'updated' end`,
      // Unsorted (a sort per row cost ~10% of a first load): readers sort (repos/changes.ts). The
      // two halves of an update's list are disjoint, hence union all.
      changed: `case when w.fresh then coalesce($${params.sharedKeys!}::text[], array(select jsonb_object_keys(w.data)))
                  else array(select e.key from jsonb_each(w.data) e where (w.before -> e.key) is distinct from e.value
                             union all select o.key from jsonb_each(w.before) o where not (w.data ? o.key)) end`,
      before: 'w.before',
      after: 'w.data',
      source: perRow ? `coalesce(r.s, $${params.feedSource!}::jsonb)` : `$${params.feedSource!}::jsonb`,
    },
  };
}

function inputCte(params: UpsertParams): string {
  const sources = params.rowSources === undefined ? '' : `, unnest($${params.rowSources}::text[])`;
  return `
    with input as materialized (
      select r.t, r.k, r.c, r.cn, r.vi, r.vu, r.d, r.n${params.rowSources === undefined ? '' : ', r.s::jsonb as s'}
      from rows from (unnest($1::text[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]),
                      unnest($6::timestamptz[]), jsonb_array_elements($7::jsonb)${sources})
        with ordinality as r(t, k, c, cn, vi, vu, d${sources === '' ? '' : ', s'}, n)
    )`;
}

/**
 * The batched upsert of one entity table, keyed by (tenant_id, natural_key); see
 * `prepareEntityUpsert` for what it guarantees and {@link upsertParams} for its parameters.
 * @example
 * const sql = buildUpsertSql({ table: 'products', columns: [] }, upsertParams(true, false));
 */
export function buildUpsertSql(target: EntityTable, params: UpsertParams): string {
  const table = `connectd.${quoteIdentifier(target.table, 'table')}`;
  const columns = target.columns.map((c) => quoteIdentifier(c.column, 'column'));
  const updates = columns.map((column) => `${column} = excluded.${column}`);
  const feed = params.feedEntity !== undefined && params.feedSource !== undefined;
  return `${inputCte(params)}${params.idMap === undefined ? '' : idMapCte(params.idMap)},
    written as (
      insert into ${table} as target
        (tenant_id, natural_key, connector, connection_id, vendor_id, vendor_updated_at, data${columns.map((c) => `, ${c}`).join('')})
      select r.t, r.k, r.c, r.cn, r.vi, r.vu, r.d${target.columns.map((c) => `, ${columnValue(c)}`).join('')} from input r
      on conflict (tenant_id, natural_key) do update set
        connector = excluded.connector, connection_id = excluded.connection_id, vendor_id = excluded.vendor_id,
        vendor_updated_at = excluded.vendor_updated_at, data = excluded.data,${updates.map((u) => ` ${u},`).join('')}
        updated_at = now()
      where (target.vendor_updated_at is null or excluded.vendor_updated_at is null
             or excluded.vendor_updated_at >= target.vendor_updated_at)
        -- A record fetched again unchanged (a lookback window, a full run) is not rewritten, so
        -- updated_at keeps meaning "changed at" for apps reading what changed since.
        and (target.data, target.connector, target.connection_id, target.vendor_id, target.vendor_updated_at)
            is distinct from (excluded.data, excluded.connector, excluded.connection_id, excluded.vendor_id, excluded.vendor_updated_at)
      -- xmax is 0 on a freshly inserted row version and set on an updated one.
      returning (target.xmax = 0) as fresh${feed ? fedReturning(table) : ''}
    )${feed ? changeFeedSql(`$${params.feedEntity!}::text`, fedRows(params)) : ''},
    counts as (
      select count(*) filter (where fresh) as inserted, count(*) filter (where not fresh) as updated from written
    )
    select counts.inserted::int, counts.updated::int,
           -- Rows kept because the stored one is newer. Counted only when some input row was not
           -- written, so a page of new rows (a first load) skips this second pass over the table.
           -- The main query sees the table as it was before this statement.
           (case when counts.inserted + counts.updated = (select count(*) from input) then 0
                 else (select count(*) from input r join ${table} stored on stored.tenant_id = r.t and stored.natural_key = r.k
                       where stored.vendor_updated_at > r.vu) end)::int as older${params.idMap === undefined ? '' : ', (select count(*) from mapped)::int as ids_written'}
    from counts`;
}
