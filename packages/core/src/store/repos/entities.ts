import type { Queryable } from '../database.js';
import type { EntityTable } from './entity-tables.js';
import { changeFeedSql, changeSourceParam, type ChangeSource } from './changes.js';
import { quoteIdentifier } from './identifiers.js';
import { toJsonParam } from './json-param.js';

/** One mapped entity, ready to be written, with where it came from. */
export interface EntityUpsertRow {
  readonly tenantId: string;
  readonly naturalKey: string;
  readonly connector: string;
  readonly connectionId?: string | null;
  readonly vendorId?: string | null;
  /** ISO date-time of the vendor's last change; without it the row always applies. */
  readonly vendorUpdatedAt?: string | null;
  /** The whole mapped entity; typed columns are copied from its fields. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Vendor ids that resolve to this row's natural key (`$store()`/`$product()`), recorded in the same statement. */
  readonly vendorIdsToMap?: readonly string[];
  /** What wrote this row, when it differs from the batch's source (a webhook batch holds several events). */
  readonly source?: ChangeSource;
}

/** Options of {@link prepareEntityUpsert}. */
export interface EntityUpsertOptions {
  /**
   * Kind under which `vendorIdsToMap` are recorded in `connectd_engine.vendor_id_map` (e.g. `store`);
   * without it no ids are recorded.
   */
  readonly idMapKind?: string;
  /**
   * The entity whose changes this upsert appends to the change feed (`connectd.changes`), in the
   * same statement; without it nothing is fed (the bench's baseline).
   */
  readonly feedEntity?: string;
}

/** What one batch did. Rows of the batch = inserted + updated + unchanged + skippedOlder + duplicates. */
export interface UpsertResult {
  readonly inserted: number;
  readonly updated: number;
  /** Rows identical to the stored ones (data and source): not rewritten, `updated_at` kept. */
  readonly unchanged: number;
  /** Rows not written because the stored row has a newer vendor_updated_at. */
  readonly skippedOlder: number;
  /** Rows dropped before writing because a newer row of the batch has the same key. */
  readonly duplicates: number;
}

/** A prepared upsert for one entity table: identifiers checked and SQL built once, at load. */
export interface EntityUpsert {
  readonly target: EntityTable;
  /**
   * Writes `rows` in one statement; call it inside the page's transaction. With `feedEntity`, each
   * row whose data changed is appended to the change feed with `source` (or the row's own).
   */
  upsert(tx: Queryable, rows: readonly EntityUpsertRow[], source?: ChangeSource): Promise<UpsertResult>;
}

/**
 * Prepares the batched upsert of an entity table: one `insert ... select from jsonb_to_recordset`
 * per batch, keyed by (tenant_id, natural_key). An update whose vendor_updated_at is older than the
 * stored one is skipped (a row or an update without one always applies), so replays and
 * out-of-order pages never move a row back in time; an identical row is left untouched.
 * @throws CONNECTD_ERR_STORE_IDENTIFIER_INVALID when the table or a column name is not a plain identifier
 * @example
 * const products = prepareEntityUpsert({ table: PRODUCT.table, columns: PRODUCT.columns });
 * await db.transaction((tx) => products.upsert(tx, [{ tenantId: 't1', naturalKey: 'SKU-1', connector: 'storq', data: { sku: 'SKU-1', price: 9.5 } }]));
 */
export function prepareEntityUpsert(target: EntityTable, options: EntityUpsertOptions = {}): EntityUpsert {
  const sql = buildUpsertSql(target, options.idMapKind, options.feedEntity !== undefined);
  const fields = target.columns.map((c) => c.field);
  const feeds = options.feedEntity !== undefined;
  return {
    target,
    async upsert(tx, rows, source = { kind: 'sync' }) {
      if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, skippedOlder: 0, duplicates: 0 };
      const unique = newestPerKey(rows);
      const records = unique.map((row, index) => {
        // Short keys: this JSON is built for every row of every page.
        const record: Record<string, unknown> = {
          t: row.tenantId,
          k: row.naturalKey,
          c: row.connector,
          cn: row.connectionId ?? null,
          vi: row.vendorId ?? null,
          vu: row.vendorUpdatedAt ?? null,
          d: row.data,
        };
        if (options.idMapKind !== undefined && row.vendorIdsToMap !== undefined && row.vendorIdsToMap.length > 0) record.im = row.vendorIdsToMap;
        if (feeds) {
          record.n = index;
          if (row.source !== undefined) record.s = row.source;
        }
        for (let i = 0; i < fields.length; i++) record[`f${i}`] = row.data[fields[i] as string] ?? null;
        return record;
      });
      const params: unknown[] = [toJsonParam(records)];
      if (options.idMapKind !== undefined) params.push(options.idMapKind);
      if (feeds) params.push(options.feedEntity, changeSourceParam(source));
      const { rows: counts } = await tx.query<{ inserted: number; updated: number; older: number }>(sql, params);
      const { inserted = 0, updated = 0, older = 0 } = counts[0] ?? {};
      return {
        inserted,
        updated,
        unchanged: unique.length - inserted - updated - older,
        skippedOlder: older,
        duplicates: rows.length - unique.length,
      };
    },
  };
}

/**
 * Writes one batch of entities; see {@link prepareEntityUpsert}, which callers on a hot path use
 * to build the statement once.
 * @example
 * const result = await db.transaction((tx) => upsertEntities(tx, { table: INVENTORY_LEVEL.table, columns: INVENTORY_LEVEL.columns }, rows));
 */
export function upsertEntities(tx: Queryable, target: EntityTable, rows: readonly EntityUpsertRow[], options: EntityUpsertOptions = {}, source?: ChangeSource): Promise<UpsertResult> {
  return prepareEntityUpsert(target, options).upsert(tx, rows, source);
}

/**
 * Records vendor ids in the same statement as the upsert (one round trip per page): ids map to the
 * natural key of the input row, which is the row written or kept.
 */
function idMapCte(): string {
  return `,
    mapped as (
      insert into connectd_engine.vendor_id_map as m (tenant_id, connector, kind, vendor_id, natural_key)
      select distinct on (r.t, r.c, v.id) r.t, r.c, $2::text, v.id, r.k
      from input r cross join lateral jsonb_array_elements_text(coalesce(r.im, '[]'::jsonb)) as v(id)
      order by r.t, r.c, v.id
      on conflict (tenant_id, connector, kind, vendor_id) do update set natural_key = excluded.natural_key, updated_at = now()
      where m.natural_key is distinct from excluded.natural_key
    )`;
}

/**
 * The rows the upsert changed, for the feed. `after` is the input row as written; `before` and the
 * changed fields of an update read the stored row with a sub-select, which sees the table as this
 * statement's snapshot saw it (every part of a statement shares one snapshot), so the row before
 * this write; an insert reads nothing. A row whose data did not change (only its source columns
 * moved) is written but not fed. Materialized: inlined, each use of `before` below would read the
 * stored row again (four lookups per updated row instead of one).
 */
function fedRowsCte(table: string, sourceParam: string): string {
  return `,
    fed_written as materialized (
      select w.fresh, r.n, r.t, r.k, r.c, r.cn, r.d, r.s,
             case when w.fresh then null
                  else (select stored.data from ${table} stored where stored.tenant_id = r.t and stored.natural_key = r.k) end as before
      from written w join input r on r.t = w.tenant_id and r.k = w.natural_key
    ),
    fed_rows as (
      select row_number() over (order by f.n) as seq, f.t as tenant_id, f.k as natural_key, f.c as connector, f.cn as connection_id,
             case when f.fresh then 'created' else 'updated' end as operation,
             -- Unsorted (a sort per row cost ~10% of a first load): readers sort (repos/changes.ts).
             -- The two halves of an update's list are disjoint, hence union all.
             case when f.fresh then array(select jsonb_object_keys(f.d))
                  else array(select e.key from jsonb_each(f.d) e where (f.before -> e.key) is distinct from e.value
                             union all select o.key from jsonb_each(f.before) o where not (f.d ? o.key)) end as changed,
             f.before, f.d as after, coalesce(f.s, ${sourceParam}::jsonb) as source
      from fed_written f
      where f.fresh or f.before is distinct from f.d
    )`;
}

function buildUpsertSql(target: EntityTable, idMapKind?: string, feed = false): string {
  const table = `connectd.${quoteIdentifier(target.table, 'table')}`;
  const columns = target.columns.map((c) => quoteIdentifier(c.column, 'column'));
  const recordTypes = target.columns.map((c, i) => `f${i} ${c.type}`);
  const updates = columns.map((column) => `${column} = excluded.${column}`);
  // Parameters: $1 the rows, then the id-map kind when there is one, then the feed's entity and source.
  const feedParam = idMapKind === undefined ? 2 : 3;
  return `
    with input as materialized (
      select * from jsonb_to_recordset($1::jsonb)
        as r(t text, k text, c text, cn text, vi text, vu timestamptz, d jsonb${idMapKind === undefined ? '' : ', im jsonb'}${feed ? ', n int, s jsonb' : ''}${recordTypes.map((t) => `, ${t}`).join('')})
    )${idMapKind === undefined ? '' : idMapCte()},
    written as (
      insert into ${table} as target
        (tenant_id, natural_key, connector, connection_id, vendor_id, vendor_updated_at, data${columns.map((c) => `, ${c}`).join('')})
      select r.t, r.k, r.c, r.cn, r.vi, r.vu, r.d${target.columns.map((_, i) => `, r.f${i}`).join('')} from input r
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
      returning (target.xmax = 0) as fresh${feed ? ', target.tenant_id, target.natural_key' : ''}
    )${feed ? fedRowsCte(table, `$${feedParam + 1}`) + changeFeedSql(`$${feedParam}::text`) : ''},
    counts as (
      select count(*) filter (where fresh) as inserted, count(*) filter (where not fresh) as updated from written
    )
    select counts.inserted::int, counts.updated::int,
           -- Rows kept because the stored one is newer. Counted only when some input row was not
           -- written, so a page of new rows (a first load) skips this second pass over the table.
           -- The main query sees the table as it was before this statement.
           (case when counts.inserted + counts.updated = (select count(*) from input) then 0
                 else (select count(*) from input r join ${table} stored on stored.tenant_id = r.t and stored.natural_key = r.k
                       where stored.vendor_updated_at > r.vu) end)::int as older
    from counts`;
}

/**
 * One row per (tenant, natural key): ON CONFLICT cannot touch a row twice in one statement. A later
 * row wins unless both carry vendor_updated_at and the later one is older.
 */
function newestPerKey(rows: readonly EntityUpsertRow[]): EntityUpsertRow[] {
  const byKey = new Map<string, EntityUpsertRow>();
  for (const row of rows) {
    const key = `${row.tenantId}\u0000${row.naturalKey}`;
    const kept = byKey.get(key);
    if (kept === undefined || !isOlder(row.vendorUpdatedAt, kept.vendorUpdatedAt)) byKey.set(key, row);
  }
  return byKey.size === rows.length ? [...rows] : [...byKey.values()];
}

function isOlder(candidate: string | null | undefined, kept: string | null | undefined): boolean {
  if (candidate == null || kept == null) return false;
  return Date.parse(candidate) < Date.parse(kept);
}

/** What a deletion appends to the change feed: the entity its rows were, and what deleted them. */
export interface EntityDeletionFeed {
  readonly entity: string;
  readonly source: ChangeSource;
}

/**
 * Deletes every row one connection wrote to an entity table (a data-erasure request); resolves how
 * many rows went. With `feed`, each deleted row is appended to the change feed as `deleted`, in the
 * same statement. Call it in the transaction that records the request.
 * @example
 * await deleteConnectionEntities(tx, 'products', 'shopify-acme'); // 42
 */
export async function deleteConnectionEntities(tx: Queryable, table: string, connectionId: string, feed?: EntityDeletionFeed): Promise<number> {
  const target = `connectd.${quoteIdentifier(table, 'table')}`;
  if (feed === undefined) {
    const { rowCount } = await tx.query(`delete from ${target} where connection_id = $1`, [connectionId]);
    return rowCount;
  }
  const { rows } = await tx.query<{ n: number }>(
    `with gone as (delete from ${target} where connection_id = $1 returning tenant_id, natural_key, connector, connection_id, data),
     fed_rows as (
       select row_number() over (order by g.tenant_id, g.natural_key) as seq, g.tenant_id, g.natural_key, g.connector, g.connection_id,
              'deleted' as operation, array(select jsonb_object_keys(g.data)) as changed,
              g.data as before, null::jsonb as after, $3::jsonb as source
       from gone g
     )${changeFeedSql('$2::text')}
     select count(*)::int as n from gone`,
    [connectionId, feed.entity, changeSourceParam(feed.source)],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Deletes what the engine keeps of one connection's vendor data besides its entity rows: its
 * webhook deliveries (raw bodies; `keepInboxId` is the delivery being settled, which stays) and its
 * dead letters (records that could not be written). A data-erasure request's second half.
 * @example
 * await deleteConnectionVendorData(tx, 'shopify-acme', '812'); // { inbox: 40, deadLetters: 2 }
 */
export async function deleteConnectionVendorData(tx: Queryable, connectionId: string, keepInboxId: string): Promise<{ inbox: number; deadLetters: number }> {
  const inbox = await tx.query(`delete from connectd_engine.webhook_inbox where connection_id = $1 and id <> $2::bigint`, [connectionId, keepInboxId]);
  const letters = await tx.query(`delete from connectd_engine.dead_letters where connection_id = $1`, [connectionId]);
  return { inbox: inbox.rowCount, deadLetters: letters.rowCount };
}
