import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../../errors/index.js';
import { MIGRATIONS } from '../../store/migrations/index.js';
import { createEntityCatalog } from '../catalog.js';
import { CANONICAL_ENTITIES, INVENTORY_LEVEL, ORDER, PRODUCT, SOURCE_COLUMNS, STORE, TRANSACTION } from './index.js';

const catalog = createEntityCatalog();
const errorsOf = (name: string, value: unknown): readonly string[] => {
  const checked = catalog.validate(name, value);
  return checked.ok ? [] : checked.errors;
};
const keyError = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isConnectdError(err) ? err.code : 'not a connectd error';
  }
  return undefined;
};

describe('canonical entity schemas', () => {
  it('are valid draft-07 schemas even for a strict ajv', () => {
    const strict = new Ajv({ strict: true, allowUnionTypes: true, strictRequired: false });
    strict.addFormat('date-time', true);
    for (const entity of CANONICAL_ENTITIES) expect(() => strict.compile(entity.schema), entity.name).not.toThrow();
  });

  it('give every typed column a property of the schema, and match the tables the migrations make', () => {
    const sql = MIGRATIONS.map((m) => m.sql).join('\n');
    for (const entity of CANONICAL_ENTITIES) {
      const properties = Object.keys((entity.schema as { properties: object }).properties);
      const table = new RegExp(`create table connectd\\.${entity.table} \\(([^;]*?)\\n\\);`).exec(sql)?.[1];
      expect(table, entity.table).toBeDefined();
      // Columns added since: `alter table connectd.<table> add column <name>`.
      const added = [...sql.matchAll(new RegExp(`alter table connectd\\.${entity.table} add column (\\w+)`, 'g'))].map((m) => `\n  ${m[1]} `);
      for (const column of [...entity.columns, ...SOURCE_COLUMNS]) {
        expect(properties, `${entity.name}.${column.field}`).toContain(column.field);
        expect(`${table}${added.join('')}`, `${entity.table}.${column.column}`).toMatch(new RegExp(`\\n\\s+${column.column}\\s`));
      }
    }
  });
});

describe('store', () => {
  it('accepts a full store and one identified only by vendor_id', () => {
    const full = {
      name: 'Grant Park', vendor_location_id: 'L1', address: { city: 'San Francisco' }, currency: 'USD',
      timezone: 'America/Los_Angeles', active: true, vendor_id: 'L1', vendor_updated_at: '2016-09-19T17:33:12Z',
    };
    expect(errorsOf('store', full)).toEqual([]);
    expect(errorsOf('store', { vendor_id: '655441491', name: null, address: null })).toEqual([]);
  });

  it('requires one of key, vendor_location_id or vendor_id, said in one line', () => {
    expect(errorsOf('store', { name: 'Nowhere' })).toEqual(['/ must have one of "key", "vendor_location_id", "vendor_id" as a string']);
    expect(errorsOf('store', { name: 'Nowhere', vendor_location_id: null })).toEqual([
      '/ must have one of "key", "vendor_location_id", "vendor_id" as a string',
    ]);
  });

  it('rejects unknown fields, a lowercase currency and a non-boolean active', () => {
    expect(errorsOf('store', { vendor_id: 'L1', country: 'CA', currency: 'usd', active: 'yes' })).toEqual([
      '/country is not allowed',
      '/currency must match pattern "^[A-Z]{3}$"',
      '/active must be boolean or null',
    ]);
  });

  it('is keyed by key, then vendor_location_id, then vendor_id', () => {
    expect(STORE.naturalKey({ key: 'k', vendor_location_id: 'L', vendor_id: 'V' })).toBe('k');
    expect(STORE.naturalKey({ vendor_location_id: 'L', vendor_id: 'V' })).toBe('L');
    expect(STORE.naturalKey({ vendor_id: 'V' })).toBe('V');
    expect(keyError(() => STORE.naturalKey({ name: 'x' }))).toBe('CONNECTD_ERR_MAPPING_NATURAL_KEY');
  });

  it('records its vendor location id for $store()', () => {
    expect(STORE.idMap?.kind).toBe('store');
    expect(STORE.idMap?.vendorIds({ vendor_location_id: 'L', vendor_id: 'V' })).toEqual(['L']);
    expect(STORE.idMap?.vendorIds({ vendor_id: 'V' })).toEqual(['V']);
  });
});

describe('product', () => {
  it('accepts a product with nullable optional fields', () => {
    expect(errorsOf('product', { sku: 'A-1', name: 'Tea', price: 1.5, currency: 'USD', barcode: null, vendor_variant_id: '42' })).toEqual([]);
  });

  it('requires a non-empty sku and a non-negative number price', () => {
    expect(errorsOf('product', { name: 'Tea', price: '199.00' })).toEqual(['/sku is required', '/price must be number or null']);
    expect(errorsOf('product', { sku: '', price: -1 })).toEqual(['/sku must NOT have fewer than 1 characters', '/price must be >= 0']);
  });

  it('is keyed by key, then sku, and records its variant id for $product()', () => {
    expect(PRODUCT.naturalKey({ sku: 'A-1' })).toBe('A-1');
    expect(PRODUCT.naturalKey({ sku: 'A-1', key: 'override' })).toBe('override');
    expect(PRODUCT.idMap?.vendorIds({ sku: 'A-1', vendor_variant_id: '42', vendor_id: '7' })).toEqual(['42']);
    expect(PRODUCT.idMap?.vendorIds({ sku: 'A-1' })).toEqual([]);
  });
});

describe('inventory_level', () => {
  it('fills in the default store when the vendor has none, and keys by store/product', () => {
    const value: Record<string, unknown> = { product: 'A-1', quantity: 3 };
    const checked = catalog.validate('inventory_level', value);
    expect(checked.ok).toBe(true);
    expect(value['store']).toBe('default');
    expect(INVENTORY_LEVEL.naturalKey(value)).toBe('default/A-1');
    expect(INVENTORY_LEVEL.naturalKey({ store: 'L1', product: 'A-1', quantity: 1 })).toBe('L1/A-1');
    expect(INVENTORY_LEVEL.naturalKey({ key: 'k', product: 'A-1' })).toBe('k');
  });

  it('treats a null store as no store', () => {
    const value: Record<string, unknown> = { store: null, product: 'A-1', quantity: 0 };
    expect(catalog.validate('inventory_level', value).ok).toBe(true);
    expect(value['store']).toBe('default');
  });

  it('requires product and a number quantity, and a date-time as_of', () => {
    expect(errorsOf('inventory_level', { quantity: '79', as_of: 'yesterday' })).toEqual([
      '/product is required',
      '/quantity must be number',
      '/as_of must be a date-time string',
    ]);
    expect(keyError(() => INVENTORY_LEVEL.naturalKey({ quantity: 1 }))).toBe('CONNECTD_ERR_MAPPING_NATURAL_KEY');
  });

  it('maps store and product onto store_key and product_key', () => {
    expect(INVENTORY_LEVEL.columns.map((c) => `${c.field}->${c.column}`)).toEqual([
      'store->store_key', 'product->product_key', 'quantity->quantity', 'as_of->as_of',
    ]);
  });
});

describe('transaction', () => {
  it('accepts a sale line, negative prices included (refunds)', () => {
    const line = { vendor_transaction_id: 't1', store: 'L1', product: 'A-1', quantity: 2, unit_price: -1.5, currency: 'EUR', occurred_at: '2025-01-02T03:04:05+01:00' };
    expect(errorsOf('transaction', line)).toEqual([]);
    expect(TRANSACTION.naturalKey(line)).toBe('t1');
  });

  it('requires vendor_transaction_id and occurred_at', () => {
    expect(errorsOf('transaction', { quantity: 1 })).toEqual(['/vendor_transaction_id is required', '/occurred_at is required']);
    expect(errorsOf('transaction', { vendor_transaction_id: 't', occurred_at: null })).toEqual(['/occurred_at must be string']);
  });
});

describe('order', () => {
  it('accepts an order with lines that carry extra fields', () => {
    const order = {
      external_id: '1001', customer_email: 'bob@example.com', status: 'shipped', tracking_number: '1Z',
      shipped_at: '2025-04-02T11:29:59-05:00', lines: [{ sku: 'A-1', quantity: 2, name: 'Tea' }],
    };
    expect(errorsOf('order', order)).toEqual([]);
    expect(ORDER.naturalKey(order)).toBe('1001');
    expect(ORDER.naturalKey({ external_id: 1001 })).toBe('1001');
  });

  it('requires external_id, and sku and quantity on every line', () => {
    expect(errorsOf('order', { lines: [{ sku: 'A-1' }, { quantity: 1 }] })).toEqual([
      '/external_id is required',
      '/lines/0/quantity is required',
      '/lines/1/sku is required',
    ]);
    expect(errorsOf('order', { external_id: 'x', lines: { sku: 'A-1', quantity: 1 } })).toEqual(['/lines must be array or null']);
  });
});

describe('source fields', () => {
  it('are allowed on every canonical entity and checked', () => {
    const samples: Record<string, Record<string, unknown>> = {
      store: { vendor_id: 'L' },
      product: { sku: 'A' },
      inventory_level: { product: 'A', quantity: 1 },
      transaction: { vendor_transaction_id: 't', occurred_at: '2025-01-01T00:00:00Z' },
      order: { external_id: 'o' },
    };
    for (const [name, sample] of Object.entries(samples)) {
      expect(errorsOf(name, { ...sample, vendor_id: 'v', vendor_updated_at: '2025-01-01T00:00:00Z', key: 'k' }), name).toEqual([]);
      expect(errorsOf(name, { ...sample, vendor_updated_at: 'soon' }), name).toEqual(['/vendor_updated_at must be a date-time string']);
    }
  });
});
