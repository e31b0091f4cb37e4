import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../../errors/index.js';
import type { Store } from '../open-store.js';
import { createTestDatabases, storeBackends } from '../testing.js';
import { prepareEntityUpsert, upsertEntities, type EntityUpsertRow } from './entities.js';
import { CANONICAL_ENTITIES } from '../../mapping/index.js';
import { customEntityTable, ensureCustomEntityTable, type EntityTable } from './entity-tables.js';

/** The canonical entities' tables, as their definitions in mapping/ describe them (the one description). */
const CANONICAL_ENTITY_TABLES = Object.fromEntries(CANONICAL_ENTITIES.map((e) => [e.name, { table: e.table, columns: e.columns }])) as Record<'store' | 'product' | 'inventory_level' | 'transaction' | 'order', EntityTable>;
import { lookupVendorIds } from './vendor-ids.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

const product = (key: string, data: Record<string, unknown>, vendorUpdatedAt?: string): EntityUpsertRow => ({
  tenantId: 't1',
  naturalKey: key,
  connector: 'fake',
  connectionId: 'conn-1',
  vendorId: `v-${key}`,
  ...(vendorUpdatedAt === undefined ? {} : { vendorUpdatedAt }),
  data: { sku: key, ...data },
});

async function rows(store: Store, table: string): Promise<Record<string, unknown>[]> {
  return (await store.db.query(`select * from connectd.${table} order by tenant_id, natural_key`)).rows;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isConnectdError(err) ? err.code : String(err);
  }
  return undefined;
}

describe.each(storeBackends())('entity upserts on %s', (backend) => {
  it('inserts new rows, updates existing ones, and counts each', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const products = prepareEntityUpsert(CANONICAL_ENTITY_TABLES.product);
    const first = await store.db.transaction((tx) =>
      products.upsert(tx, [product('A', { price: 1.5, name: 'Apple' }), product('B', { price: 2 })]),
    );
    expect(first).toEqual({ inserted: 2, updated: 0, unchanged: 0, skippedOlder: 0, duplicates: 0 });
    const second = await store.db.transaction((tx) =>
      products.upsert(tx, [product('A', { price: 3, name: 'Apple v2' }), product('B', { price: 2 }), product('C', { price: 4 })]),
    );
    expect(second).toEqual({ inserted: 1, updated: 1, unchanged: 1, skippedOlder: 0, duplicates: 0 });
    const all = await rows(store, 'products');
    expect(all.map((r) => [r['natural_key'], r['price'], r['name']])).toEqual([
      ['A', '3', 'Apple v2'],
      ['B', '2', null],
      ['C', '4', null],
    ]);
    expect(all[0]).toMatchObject({ tenant_id: 't1', connector: 'fake', connection_id: 'conn-1', vendor_id: 'v-A' });
    expect(all[0]?.['data']).toEqual({ sku: 'A', price: 3, name: 'Apple v2' });
  });

  it('never lets an older vendor update overwrite a newer row, and applies equal or newer ones', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const target = CANONICAL_ENTITY_TABLES.product;
    await store.db.transaction((tx) => upsertEntities(tx, target, [product('A', { price: 10 }, '2024-05-02T00:00:00Z')]));
    const older = await store.db.transaction((tx) => upsertEntities(tx, target, [product('A', { price: 1 }, '2024-05-01T00:00:00Z')]));
    expect(older).toEqual({ inserted: 0, updated: 0, unchanged: 0, skippedOlder: 1, duplicates: 0 });
    expect((await rows(store, 'products'))[0]?.['price']).toBe('10');

    const same = await store.db.transaction((tx) => upsertEntities(tx, target, [product('A', { price: 11 }, '2024-05-02T00:00:00Z')]));
    expect(same.updated).toBe(1);
    const newer = await store.db.transaction((tx) => upsertEntities(tx, target, [product('A', { price: 12 }, '2024-05-03T00:00:00+02:00')]));
    expect(newer.updated).toBe(1);
    const stored = (await rows(store, 'products'))[0];
    expect(stored?.['price']).toBe('12');
    expect(stored?.['vendor_updated_at']).toEqual(new Date('2024-05-02T22:00:00Z'));
  });

  it('leaves a row fetched again unchanged untouched, its updated_at kept', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const target = CANONICAL_ENTITY_TABLES.product;
    const row = product('A', { price: 1 }, '2024-05-01T00:00:00Z');
    await store.db.transaction((tx) => upsertEntities(tx, target, [row]));
    const before = (await rows(store, 'products'))[0]?.['updated_at'];
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await store.db.transaction((tx) => upsertEntities(tx, target, [row, product('B', { price: 2 })]));
    expect(again).toEqual({ inserted: 1, updated: 0, unchanged: 1, skippedOlder: 0, duplicates: 0 });
    expect((await rows(store, 'products'))[0]?.['updated_at']).toEqual(before);
    const moved = await store.db.transaction((tx) => upsertEntities(tx, target, [{ ...row, connectionId: 'conn-2' }]));
    expect(moved.updated).toBe(1);
  });

  it('always applies an update without vendor_updated_at, and one onto a row without it', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const target = CANONICAL_ENTITY_TABLES.product;
    await store.db.transaction((tx) => upsertEntities(tx, target, [product('A', { price: 1 })]));
    await store.db.transaction((tx) => upsertEntities(tx, target, [product('A', { price: 2 }, '2020-01-01T00:00:00Z')]));
    expect((await rows(store, 'products'))[0]?.['price']).toBe('2');
    const result = await store.db.transaction((tx) => upsertEntities(tx, target, [product('A', { price: 3 })]));
    expect(result.updated).toBe(1);
    expect((await rows(store, 'products'))[0]).toMatchObject({ price: '3', vendor_updated_at: null });
  });

  it('records vendor ids for $store()/$product() in the same statement, and moves them when their row changes key', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const upsert = prepareEntityUpsert(CANONICAL_ENTITY_TABLES.product, { idMapKind: 'product' });
    await store.db.transaction((tx) =>
      upsert.upsert(tx, [
        { ...product('A', { price: 1 }), vendorIdsToMap: ['v-1', 'v-2'] },
        { ...product('B', { price: 2 }), vendorIdsToMap: [] },
      ]),
    );
    const first = await lookupVendorIds(store.db, 't1', 'fake', 'product', ['v-1', 'v-2', 'v-3']);
    expect(Object.fromEntries(first)).toEqual({ 'v-1': 'A', 'v-2': 'A' });
    await store.db.transaction((tx) => upsert.upsert(tx, [{ ...product('C', { price: 3 }), vendorIdsToMap: ['v-2'] }]));
    const moved = await lookupVendorIds(store.db, 't1', 'fake', 'product', ['v-1', 'v-2']);
    expect(Object.fromEntries(moved)).toEqual({ 'v-1': 'A', 'v-2': 'C' });
  });

  it('keeps the newest of duplicate keys within one batch', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const target = CANONICAL_ENTITY_TABLES.product;
    const result = await store.db.transaction((tx) =>
      upsertEntities(tx, target, [
        product('A', { price: 2 }, '2024-01-02T00:00:00Z'),
        product('A', { price: 1 }, '2024-01-01T00:00:00Z'),
        product('B', { price: 5 }),
        product('B', { price: 6 }),
      ]),
    );
    expect(result).toEqual({ inserted: 2, updated: 0, unchanged: 0, skippedOlder: 0, duplicates: 2 });
    expect((await rows(store, 'products')).map((r) => [r['natural_key'], r['price']])).toEqual([
      ['A', '2'],
      ['B', '6'],
    ]);
  });

  it('keys rows by tenant as well as natural key', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const target = CANONICAL_ENTITY_TABLES.product;
    const result = await store.db.transaction((tx) =>
      upsertEntities(tx, target, [product('A', { price: 1 }), { ...product('A', { price: 2 }), tenantId: 't2' }]),
    );
    expect(result.inserted).toBe(2);
  });

  it('fills the typed columns of every canonical table from the entity fields', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const base = { tenantId: 't1', connector: 'fake', connectionId: null };
    await store.db.transaction(async (tx) => {
      await upsertEntities(tx, CANONICAL_ENTITY_TABLES.store, [
        { ...base, naturalKey: 'L1', data: { name: 'Main', vendor_location_id: 'L1', address: { city: 'Oslo' }, currency: 'NOK', timezone: 'Europe/Oslo', active: true } },
      ]);
      await upsertEntities(tx, CANONICAL_ENTITY_TABLES.inventory_level, [
        { ...base, naturalKey: 'L1/SKU-1', data: { store: 'L1', product: 'SKU-1', quantity: 7, as_of: '2024-05-01T10:00:00Z' } },
      ]);
      await upsertEntities(tx, CANONICAL_ENTITY_TABLES.transaction, [
        {
          ...base,
          naturalKey: 'T1',
          data: { vendor_transaction_id: 'T1', store: 'L1', product: 'SKU-1', quantity: 2, unit_price: 9.99, currency: 'EUR', occurred_at: '2024-05-01T11:00:00Z' },
        },
      ]);
      await upsertEntities(tx, CANONICAL_ENTITY_TABLES.order, [
        {
          ...base,
          naturalKey: 'O1',
          data: { external_id: 'O1', customer_email: 'a@example.com', lines: [{ sku: 'SKU-1', quantity: 1 }], status: 'shipped', tracking_number: 'TR1', shipped_at: '2024-05-02T00:00:00Z' },
        },
      ]);
    });
    expect((await rows(store, 'stores'))[0]).toMatchObject({
      name: 'Main',
      vendor_location_id: 'L1',
      address: { city: 'Oslo' },
      currency: 'NOK',
      timezone: 'Europe/Oslo',
      active: true,
    });
    expect((await rows(store, 'inventory_levels'))[0]).toMatchObject({
      store_key: 'L1',
      product_key: 'SKU-1',
      quantity: '7',
      as_of: new Date('2024-05-01T10:00:00Z'),
    });
    expect((await rows(store, 'transactions'))[0]).toMatchObject({
      vendor_transaction_id: 'T1',
      store_key: 'L1',
      product_key: 'SKU-1',
      quantity: '2',
      unit_price: '9.99',
      currency: 'EUR',
      occurred_at: new Date('2024-05-01T11:00:00Z'),
    });
    expect((await rows(store, 'orders'))[0]).toMatchObject({
      external_id: 'O1',
      customer_email: 'a@example.com',
      lines: [{ sku: 'SKU-1', quantity: 1 }],
      status: 'shipped',
      tracking_number: 'TR1',
      shipped_at: new Date('2024-05-02T00:00:00Z'),
    });
  });

  it('matches every canonical entity\'s column definitions (mapping/) to a real column of the migration, of the right type', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const { rows: columns } = await store.db.query<{ table: string; column: string; type: string }>(
      `select table_name as "table", column_name as "column", udt_name as type from information_schema.columns where table_schema = 'connectd'`,
    );
    const udt = { text: 'text', numeric: 'numeric', boolean: 'bool', timestamptz: 'timestamptz', jsonb: 'jsonb' };
    for (const target of Object.values(CANONICAL_ENTITY_TABLES)) {
      for (const c of target.columns) {
        expect(columns.find((r) => r.table === target.table && r.column === c.column)?.type, `${target.table}.${c.column}`).toBe(udt[c.type]);
      }
    }
  });

  it('creates a custom entity table once, even when asked twice at the same time, and upserts into it', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    await Promise.all([ensureCustomEntityTable(store.db, 'loyalty_members'), ensureCustomEntityTable(store.db, 'loyalty_members')]);
    await ensureCustomEntityTable(store.db, 'loyalty_members');
    const target = customEntityTable('loyalty_members');
    const result = await store.db.transaction((tx) =>
      upsertEntities(tx, target, [
        { tenantId: 't1', naturalKey: 'M1', connector: 'fake', vendorId: 'm-1', vendorUpdatedAt: '2024-01-01T00:00:00Z', data: { member_id: 'M1', points: 10 } },
      ]),
    );
    expect(result.inserted).toBe(1);
    expect((await rows(store, 'loyalty_members'))[0]).toMatchObject({
      natural_key: 'M1',
      vendor_id: 'm-1',
      data: { member_id: 'M1', points: 10 },
      vendor_updated_at: new Date('2024-01-01T00:00:00Z'),
    });
  });

  it('refuses table and column names that are not plain identifiers', () => {
    expect(codeOf(() => customEntityTable('members; drop table x'))).toBe('CONNECTD_ERR_STORE_IDENTIFIER_INVALID');
    expect(codeOf(() => customEntityTable('Members'))).toBe('CONNECTD_ERR_STORE_IDENTIFIER_INVALID');
    expect(codeOf(() => customEntityTable('x'.repeat(64)))).toBe('CONNECTD_ERR_STORE_IDENTIFIER_INVALID');
    expect(codeOf(() => prepareEntityUpsert({ table: 'products', columns: [{ column: 'a"b', field: 'a', type: 'text' }] }))).toBe(
      'CONNECTD_ERR_STORE_IDENTIFIER_INVALID',
    );
  });

  it('writes a record holding a NUL character instead of failing the page', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    await store.db.transaction((tx) => upsertEntities(tx, CANONICAL_ENTITY_TABLES.product, [product('A', { name: 'a\u0000b' })]));
    expect((await rows(store, 'products'))[0]).toMatchObject({ name: 'a\uFFFDb', data: { name: 'a\uFFFDb' } });
  });

  it('writes nothing for an empty batch', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    expect(await upsertEntities(store.db, CANONICAL_ENTITY_TABLES.product, [])).toEqual({ inserted: 0, updated: 0, unchanged: 0, skippedOlder: 0, duplicates: 0 });
  });
});
