import type { Queryable } from '../database.js';
import type { EntityTable } from './entity-tables.js';
import { changeFeedSql, changeSourceParam, type ChangeSource, type FedRows } from './changes.js';
import { buildUpsertSql, upsertParams } from './entity-upsert-sql.js';
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
 * Prepares the batched upsert of an entity table: one `insert ... select from unnest(...)` of typed
 * column arrays per batch, keyed by (tenant_id, natural_key). An update whose vendor_updated_at is older than the
 * stored one is skipped (a row or an update without one always applies), so replays and
 * out-of-order pages never move a row back in time; an identical row is left untouched.
 * @throws CONNECTD_ERR_STORE_IDENTIFIER_INVALID when the table or a column name is not a plain identifier
 * @example
 * const products = prepareEntityUpsert({ table: PRODUCT.table, columns: PRODUCT.columns });
 * await db.transaction((tx) => products.upsert(tx, [{ tenantId: 't1', naturalKey: 'SKU-1', connector: 'storq', data: { sku: 'SKU-1', price: 9.5 } }]));
 */
export function prepareEntityUpsert(target: EntityTable, options: EntityUpsertOptions = {}): EntityUpsert {
  const feeds = options.feedEntity !== undefined;
  const mapsIds = options.idMapKind !== undefined;
  // A batch whose rows name their own source (a webhook batch) needs the statement that reads it
  // per row; the other shape is cheaper (entity-upsert-sql.ts, fedRows).
  const batchSql = buildUpsertSql(target, upsertParams(feeds ? 'batch' : 'none', mapsIds));
  const perRowSql = feeds ? buildUpsertSql(target, upsertParams('rows', mapsIds)) : batchSql;
  return {
    target,
    async upsert(tx, rows, source = { kind: 'sync' }) {
      if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, skippedOlder: 0, duplicates: 0 };
      const unique = newestPerKey(rows);
      const values: unknown[] = encodeRows(unique);
      const perRow = feeds && unique.some((row) => row.source !== undefined);
      if (perRow) values.push(unique.map((row) => (row.source === undefined ? null : changeSourceParam(row.source))));
      if (feeds) values.push(options.feedEntity, changeSourceParam(source), sharedJsonKeys(unique));
      if (mapsIds) values.push(options.idMapKind, ...encodeVendorIds(unique));
      const { rows: counts } = await tx.query<{ inserted: number; updated: number; older: number }>(perRow ? perRowSql : batchSql, values);
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

/** Postgres text cannot hold NUL, and vendors send it: replaced with U+FFFD, as in JSON parameters. */
const text = (value: string | null | undefined): string | null =>
  value === undefined || value === null ? null : value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;

/** $1..$7 of the upsert: one array per column, and the entities as one JSON array. */
function encodeRows(rows: readonly EntityUpsertRow[]): unknown[] {
  const n = rows.length;
  const columns: (string | null)[][] = [new Array(n), new Array(n), new Array(n), new Array(n), new Array(n), new Array(n)];
  const [tenants, keys, connectors, connections, vendorIds, updatedAts] = columns as [(string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[]];
  const data: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    tenants[i] = text(row.tenantId);
    keys[i] = text(row.naturalKey);
    connectors[i] = text(row.connector);
    connections[i] = text(row.connectionId);
    vendorIds[i] = text(row.vendorId);
    updatedAts[i] = text(row.vendorUpdatedAt);
    data[i] = row.data;
  }
  return [...columns, toJsonParam(data)];
}

/**
 * The top-level keys of every row's entity as its JSON has them, when all rows have the same ones
 * in the same order (one mapping makes one shape); null when they differ, or when an entity is not
 * a plain object (its JSON could differ from its own keys). A created change lists these as its
 * changed fields without Postgres reading each row's keys.
 */
function sharedJsonKeys(rows: readonly EntityUpsertRow[]): string[] | null {
  let shared: string[] | null = null;
  for (const row of rows) {
    const keys = jsonKeys(row.data);
    if (keys === null) return null;
    if (shared === null) shared = keys;
    else if (keys.length !== shared.length || keys.some((key, i) => key !== shared![i])) return null;
  }
  return shared;
}

/** The keys JSON.stringify writes for a plain object (a value it drops drops its key), else null. */
function jsonKeys(value: Readonly<Record<string, unknown>>): string[] | null {
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return null;
  if (typeof value['toJSON'] === 'function') return null;
  const keys: string[] = [];
  for (const key of Object.keys(value)) {
    const kept = value[key];
    if (kept !== undefined && typeof kept !== 'function' && typeof kept !== 'symbol') keys.push(key);
  }
  return keys;
}

/** The id map's four arrays: (tenant, connector, vendor id, natural key) of every id the rows name. */
function encodeVendorIds(rows: readonly EntityUpsertRow[]): (string | null)[][] {
  const arrays: [(string | null)[], (string | null)[], (string | null)[], (string | null)[]] = [[], [], [], []];
  for (const row of rows) {
    for (const id of row.vendorIdsToMap ?? []) {
      arrays[0].push(text(row.tenantId));
      arrays[1].push(text(row.connector));
      arrays[2].push(text(id));
      arrays[3].push(text(row.naturalKey));
    }
  }
  return arrays;
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

/** A deletion's changes: every row it deleted, in key order ($3 of {@link deleteConnectionEntities}'s statement is the source). */
const GONE_ROWS: FedRows = {
  from: 'gone g',
  where: 'true',
  order: 'order by g.tenant_id, g.natural_key',
  columns: {
    natural_key: 'g.natural_key',
    tenant_id: 'g.tenant_id',
    connector: 'g.connector',
    connection_id: 'g.connection_id',
    operation: `'deleted'`,
    changed: 'array(select jsonb_object_keys(g.data))',
    before: 'g.data',
    after: 'null::jsonb',
    source: '$3::jsonb',
  },
};

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
    `with gone as (delete from ${target} where connection_id = $1 returning tenant_id, natural_key, connector, connection_id, data)${changeFeedSql('$2::text', GONE_ROWS)}
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
