import { describe, expect, it } from 'vitest';
import { createEntityCatalog } from './catalog.js';
import { compileMapping, type MappingBindings } from './compile-mapping.js';
import { MAP_CONCURRENCY, mapRecords } from './map-records.js';

const catalog = createEntityCatalog();
const bindings: MappingBindings = {
  connection: { id: 'c1', tenant: 'acme', config: {} },
  lookups: { store: (id) => (id === 'L1' ? 'store-1' : undefined), product: () => undefined },
};
const STOCK = compileMapping('{ "store": $store(location), "product": sku, "quantity": $number(qty) }');

describe('mapRecords', () => {
  it('maps, validates and keys every record', async () => {
    const page = await mapRecords([{ location: 'L1', sku: 'A', qty: '3' }, { sku: 'B', qty: 0 }], STOCK, 'inventory_level', catalog, bindings);
    expect(page.failures).toEqual([]);
    expect(page.entities.map((e) => [e.index, e.naturalKey, e.value])).toEqual([
      [0, 'store-1/A', { store: 'store-1', product: 'A', quantity: 3 }],
      [1, 'default/B', { store: 'default', product: 'B', quantity: 0 }],
    ]);
    expect(page.entities[0]?.entity.table).toBe('inventory_levels');
  });

  it('lands the good records of a page and dead-letters one breaking the mapping and one breaking the schema', async () => {
    const records = [
      { sku: 'A', qty: 1 },
      { sku: 'B', qty: 'many' }, // $number("many") fails: a mapping error
      { qty: 2 }, // no sku: a schema error
      { sku: 'D', qty: 4 },
    ];
    const page = await mapRecords(records, STOCK, 'inventory_level', catalog, bindings);
    expect(page.entities.map((e) => e.naturalKey)).toEqual(['default/A', 'default/D']);
    expect(page.failures.map((f) => [f.index, f.code])).toEqual([
      [1, 'CONNECTD_ERR_MAPPING_EVALUATE'],
      [2, 'CONNECTD_ERR_MAPPING_SCHEMA'],
    ]);
    expect(page.failures[0]?.record).toBe(records[1]);
    expect(page.failures[0]?.reason).toContain('many');
    expect(page.failures[1]?.reason).toContain('/product is required');
    expect(page.failures[1]?.error.details['errors']).toEqual(['/product is required']);
  });

  it('dead-letters a record whose vendor id is unknown, with the reason', async () => {
    const page = await mapRecords([{ location: 'L9', sku: 'A', qty: 1 }], STOCK, 'inventory_level', catalog, bindings);
    expect(page.entities).toEqual([]);
    expect(page.failures[0]?.code).toBe('CONNECTD_ERR_MAPPING_LOOKUP_MISSING');
    expect(page.failures[0]?.reason).toContain('L9');
  });

  it('dead-letters a record whose entity has no natural key', async () => {
    const page = await mapRecords([{ name: 'x' }], compileMapping('{ "name": name }'), 'store', createEntityCatalog(), bindings);
    // The store schema demands an identifier, so the schema catches it first.
    expect(page.failures[0]?.code).toBe('CONNECTD_ERR_MAPPING_SCHEMA');
    const custom = createEntityCatalog({ note: { schema: { type: 'object' }, natural_key: ['id'] } });
    const keyless = await mapRecords([{ text: 'hi' }], compileMapping('{ "text": text }'), 'note', custom, bindings);
    expect(keyless.failures[0]?.code).toBe('CONNECTD_ERR_MAPPING_NATURAL_KEY');
  });

  it('keeps all or none of the entities of one record', async () => {
    const variants = compileMapping('variants.{ "sku": sku, "price": price }');
    const page = await mapRecords(
      [{ variants: [{ sku: 'A', price: 1 }, { sku: 'B', price: -1 }] }, { variants: [{ sku: 'C', price: 2 }] }],
      variants,
      'product',
      catalog,
      bindings,
    );
    expect(page.entities.map((e) => e.naturalKey)).toEqual(['C']);
    expect(page.failures.map((f) => f.index)).toEqual([0]);
  });

  it('skips records the mapping returns nothing for, without a failure', async () => {
    const page = await mapRecords([{ sku: 'A', deleted: true }, { sku: 'B' }], compileMapping('deleted ? undefined : { "sku": sku }'), 'product', catalog, bindings);
    expect(page.entities.map((e) => e.naturalKey)).toEqual(['B']);
    expect(page.failures).toEqual([]);
  });

  it('fails the whole page when the vendor-id map cannot be read', async () => {
    const broken: MappingBindings = { ...bindings, lookups: { store: async () => { throw new Error('db down'); }, product: () => undefined } };
    await expect(mapRecords([{ location: 'L1', sku: 'A', qty: 1 }], STOCK, 'inventory_level', catalog, broken)).rejects.toMatchObject({
      code: 'CONNECTD_ERR_MAPPING_LOOKUP_FAILED',
    });
  });

  it('rejects an unknown entity', async () => {
    await expect(mapRecords([], STOCK, 'inventory', catalog, bindings)).rejects.toMatchObject({ code: 'CONNECTD_ERR_MAPPING_UNKNOWN_ENTITY' });
  });

  it('keeps record order across batches, with async lookups overlapping', async () => {
    let inFlight = 0;
    let most = 0;
    const slow: MappingBindings = {
      ...bindings,
      lookups: {
        store: async (id) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, Number(id.slice(1)) % 3));
          inFlight--;
          return id;
        },
        product: () => undefined,
      },
    };
    const records = Array.from({ length: 150 }, (_, i) => ({ location: `L${i}`, sku: `S${i}`, qty: i }));
    const page = await mapRecords(records, STOCK, 'inventory_level', catalog, slow);
    expect(page.entities.map((e) => e.index)).toEqual(records.map((_, i) => i));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(MAP_CONCURRENCY);
  });
});
