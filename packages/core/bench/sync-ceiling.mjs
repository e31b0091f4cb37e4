// The bench's fourth line: the ceiling of the sync's write. The same rows the pipelines write (the
// product entity of every fake record, as the mapping makes it), written into the same table with
// the same semantics, by hand-written SQL with the cheapest statement shape found: every column as
// a typed array zipped by `unnest`, eight pages (2,000 rows) per statement and per transaction,
// no HTTP, no mapping, no checkpoint. Same semantics as the pipeline's write: upsert by (tenant_id,
// natural_key), an older vendor_updated_at never overwrites a newer one, an unchanged row is left
// untouched, and every change is appended to the change feed (connectd.changes) in the statement.
// Tried and slower here: one JSON document per statement (jsonb_to_recordset), `jsonb[]` for the
// entities (the array literal's escaping), pages of 250 (a commit per page).

export const ROWS_PER_STATEMENT = 2_000;

/** The keys of every entity the statement builds (`jsonb_build_object` below), in its order. */
const ENTITY_KEYS = ['sku', 'name', 'price', 'vendor_id', 'vendor_updated_at'];


const SQL = `
  with input as materialized (
    select r.*, r.vut::timestamptz as vu from unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::text[], $7::text[]) with ordinality as r(sku, name, price, vi, vut, t, n)
  ),
  entities as (
    select r.*, jsonb_build_object('sku', r.sku, 'name', r.name, 'price', r.price, 'vendor_id', r.vi, 'vendor_updated_at', r.vut) as d
    from input r
  ),
  written as (
    insert into connectd.products as target (tenant_id, natural_key, connector, connection_id, vendor_id, vendor_updated_at, data, sku, name, price)
    select e.t, e.sku, 'bench', 'bench', e.vi, e.vu, e.d, e.sku, e.name, e.price from entities e
    on conflict (tenant_id, natural_key) do update set
      connector = excluded.connector, connection_id = excluded.connection_id, vendor_id = excluded.vendor_id,
      vendor_updated_at = excluded.vendor_updated_at, data = excluded.data, sku = excluded.sku, name = excluded.name,
      price = excluded.price, updated_at = now()
    where (target.vendor_updated_at is null or excluded.vendor_updated_at >= target.vendor_updated_at)
      and (target.data, target.vendor_id, target.vendor_updated_at) is distinct from (excluded.data, excluded.vendor_id, excluded.vendor_updated_at)
    returning (target.xmax = 0) as fresh, target.natural_key, target.data,
      -- The row before this write: the sub-select sees the table as the statement's snapshot did.
      case when target.xmax = 0 then null
           else (select s.data from connectd.products s where s.tenant_id = target.tenant_id and s.natural_key = target.natural_key) end as before
  ),
  fed_total as (select count(*) as n from written w where w.fresh or w.before is distinct from w.data),
  fed_counter as (
    update connectd_engine.change_counter set last = last + (select n from fed_total) where id and (select n from fed_total) > 0 returning last
  ),
  appended as (
    insert into connectd.changes (position, entity, natural_key, tenant_id, connector, connection_id, operation, changed, before, after, source)
    select (select last from fed_counter) - (select n from fed_total) + row_number() over (), 'product', w.natural_key, 'default', 'bench', 'bench',
           case when w.fresh then 'created' else 'updated' end,
           -- Every entity has the same keys: a created change lists them from one parameter, as the
           -- engine's writer does for a batch of one shape.
           case when w.fresh then $8::text[]
                else array(select e.key from jsonb_each(w.data) e where (w.before -> e.key) is distinct from e.value
                           union all select o.key from jsonb_each(w.before) o where not (w.data ? o.key)) end,
           w.before, w.data, $6::jsonb
    from written w where w.fresh or w.before is distinct from w.data
  )
  select count(*)::int as n from written`;

/**
 * The column arrays of one statement: the entities the pipelines write for fake products
 * `from + 1` .. `from + count` (`fakeProducts` as the vendor serves them).
 */
function columnsOf(fakeProducts, from, count) {
  const start = new Date(Date.parse('2025-01-01T00:00:00Z') + from * 1000).toISOString();
  const slice = fakeProducts(count, { firstId: from + 1, start });
  return [
    slice.map((r) => r.sku),
    slice.map((r) => r.name),
    slice.map((r) => Number(r.price)),
    slice.map((r) => String(r.id)),
    slice.map((r) => r.updated_at),
  ];
}

/**
 * Writes the entities of `records` fake products, one statement and one transaction per 2,000;
 * resolves the rows written. Each statement's arrays are built just before it, as a writer would,
 * so the records are never all held at once.
 */
export async function writeCeiling(db, fakeProducts, records, runId) {
  let written = 0;
  const source = JSON.stringify({ kind: 'sync', run_id: runId });
  for (let from = 0; from < records; from += ROWS_PER_STATEMENT) {
    const params = columnsOf(fakeProducts, from, Math.min(ROWS_PER_STATEMENT, records - from));
    const { rows } = await db.transaction((tx) => tx.query(SQL, [...params, source, params[0].map(() => 'default'), ENTITY_KEYS]));
    written += rows[0].n;
  }
  return written;
}
