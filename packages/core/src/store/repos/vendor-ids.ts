import type { Queryable } from '../database.js';

/** One vendor id and the canonical natural key it stands for, e.g. a Square location id → a store key. */
export interface VendorIdRow {
  readonly tenantId: string;
  readonly connector: string;
  /** The entity the natural key belongs to: `store`, `product`, ... */
  readonly kind: string;
  readonly vendorId: string;
  readonly naturalKey: string;
}

/**
 * Records vendor ids in one statement (later mappings of one id in the batch win). Call it in the
 * page's transaction, with the entities the ids point at. Resolves with the number of new or
 * changed mappings.
 * @example
 * await rememberVendorIds(tx, [{ tenantId: 't1', connector: 'square', kind: 'store', vendorId: 'L123', naturalKey: 'L123' }]);
 */
export async function rememberVendorIds(tx: Queryable, rows: readonly VendorIdRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const latest = new Map<string, VendorIdRow>();
  // ON CONFLICT cannot touch one row twice in a statement, so duplicates are folded first.
  for (const row of rows) latest.set(JSON.stringify([row.tenantId, row.connector, row.kind, row.vendorId]), row);
  const records = [...latest.values()].map((row) => ({ t: row.tenantId, c: row.connector, k: row.kind, v: row.vendorId, n: row.naturalKey }));
  const { rowCount } = await tx.query(
    `insert into connectd_engine.vendor_id_map as m (tenant_id, connector, kind, vendor_id, natural_key)
     select r.t, r.c, r.k, r.v, r.n from jsonb_to_recordset($1::jsonb) as r(t text, c text, k text, v text, n text)
     on conflict (tenant_id, connector, kind, vendor_id) do update set natural_key = excluded.natural_key, updated_at = now()
     where m.natural_key is distinct from excluded.natural_key`,
    [JSON.stringify(records)],
  );
  return rowCount;
}

/**
 * Looks vendor ids up; ids without a mapping are absent from the map. One query per call, so a
 * mapping looks up a whole page at once.
 * @example
 * const stores = await lookupVendorIds(db, 't1', 'square', 'store', ['L123', 'L456']);
 * stores.get('L123'); // 'L123' or undefined
 */
export async function lookupVendorIds(
  db: Queryable,
  tenantId: string,
  connector: string,
  kind: string,
  vendorIds: readonly string[],
): Promise<Map<string, string>> {
  if (vendorIds.length === 0) return new Map();
  const { rows } = await db.query<{ vendor_id: string; natural_key: string }>(
    `select vendor_id, natural_key from connectd_engine.vendor_id_map
     where tenant_id = $1 and connector = $2 and kind = $3 and vendor_id = any($4::text[])`,
    [tenantId, connector, kind, [...new Set(vendorIds)]],
  );
  return new Map(rows.map((row) => [row.vendor_id, row.natural_key]));
}

/**
 * Every vendor id of one kind a tenant's connector has written, sorted: what a partitioned stream
 * walks (Square's order search, ten locations at a time).
 * @example
 * await listVendorIds(db, 't1', 'square', 'store'); // ['L123', 'L456']
 */
export async function listVendorIds(db: Queryable, tenantId: string, connector: string, kind: string): Promise<string[]> {
  const { rows } = await db.query<{ vendor_id: string }>(
    `select vendor_id from connectd_engine.vendor_id_map where tenant_id = $1 and connector = $2 and kind = $3 order by vendor_id`,
    [tenantId, connector, kind],
  );
  return rows.map((row) => row.vendor_id);
}
