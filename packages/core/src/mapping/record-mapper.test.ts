import { describe, expect, it } from 'vitest';
import { createEntityCatalog } from './catalog.js';
import type { MappingBindings } from './compile-mapping.js';
import { compileOutput, outputsOf, recordMapper, type OutputDeclaration } from './record-mapper.js';

const catalog = createEntityCatalog();
const bindings: MappingBindings = {
  connection: { id: 'c1', tenant: 'acme', config: {} },
  lookups: {
    store: (id) => (id === 'L1' ? 'store-1' : undefined),
    product: (id) => (id.startsWith('V') ? `sku-${id}` : id === 'inventory_item:I7' ? 'sku-V7' : undefined),
  },
};
const mapperOf = (outputs: readonly OutputDeclaration[]) =>
  recordMapper(
    outputs.map((o, i) => compileOutput(o, { catalog, functions: [], label: `test.outputs.${i}` })),
    catalog,
  );

const ORDER_OUTPUT: OutputDeclaration = { entity: 'order', map: '{ "external_id": id, "status": state, "lines": [line_items.{ "sku": sku, "quantity": $number(qty) }] }' };
const LINES_OUTPUT: OutputDeclaration = {
  entity: 'transaction',
  records: 'line_items',
  map: '{ "vendor_transaction_id": $parent.id & ":" & uid, "store": $store($parent.location), "product": $product(variation), "quantity": $number(qty), "occurred_at": $parent.at }',
};
const order = (id: string, lines: Array<{ uid: string; sku: string; variation: string; qty: string }>, location = 'L1') => ({
  id,
  state: 'COMPLETED',
  location,
  at: '2025-05-01T10:00:00Z',
  line_items: lines,
});

describe('recordMapper', () => {
  it('maps one output straight through, each row naming its entity', async () => {
    const mapper = mapperOf([{ entity: 'store', map: '{ "vendor_location_id": id, "name": name }' }]);
    expect(mapper.entities).toEqual(['store']);
    const { rows, failures } = await mapper.map([{ id: 'L1', name: 'Main' }], bindings);
    expect(failures).toEqual([]);
    expect(rows).toEqual([{ entity: 'store', naturalKey: 'L1', value: expect.objectContaining({ vendor_location_id: 'L1', name: 'Main' }) }]);
  });

  it('writes an order and one transaction per line, the line mapping reading its order as $parent', async () => {
    const mapper = mapperOf([ORDER_OUTPUT, LINES_OUTPUT]);
    expect(mapper.entities).toEqual(['order', 'transaction']);
    const { rows, failures } = await mapper.map(
      [order('O1', [{ uid: 'a', sku: 'MUG', variation: 'V1', qty: '2' }, { uid: 'b', sku: 'CAP', variation: 'V2', qty: '1' }])],
      bindings,
    );
    expect(failures).toEqual([]);
    expect(rows.map((r) => [r.entity, r.naturalKey])).toEqual([
      ['order', 'O1'],
      ['transaction', 'O1:a'],
      ['transaction', 'O1:b'],
    ]);
    expect(rows[1]!.value).toMatchObject({ store: 'store-1', product: 'sku-V1', quantity: 2, occurred_at: '2025-05-01T10:00:00Z' });
  });

  it('keeps a record whole: when one of its lines fails, neither the order nor its other lines are written', async () => {
    const mapper = mapperOf([ORDER_OUTPUT, LINES_OUTPUT]);
    const good = order('O1', [{ uid: 'a', sku: 'MUG', variation: 'V1', qty: '2' }]);
    // X9 is not a known variation: $product() misses, so the line fails and takes its order with it.
    const missing = order('O2', [{ uid: 'a', sku: 'MUG', variation: 'V1', qty: '1' }, { uid: 'b', sku: 'HAT', variation: 'X9', qty: '1' }]);
    const { rows, failures } = await mapper.map([good, missing], bindings);
    expect(rows.map((r) => r.naturalKey)).toEqual(['O1', 'O1:a']);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.record).toBe(missing);
    expect(failures[0]!.code).toBe('CONNECTD_ERR_MAPPING_LOOKUP_MISSING');
  });

  it('fails the record whose first output fails, and reports it once however many outputs would fail', async () => {
    const mapper = mapperOf([ORDER_OUTPUT, LINES_OUTPUT]);
    const broken = { ...order('O3', [{ uid: 'a', sku: 'MUG', variation: 'V1', qty: 'lots' }]) };
    const { rows, failures } = await mapper.map([broken], bindings);
    expect(rows).toEqual([]);
    expect(failures.map((f) => f.code)).toEqual(['CONNECTD_ERR_MAPPING_EVALUATE']);
  });

  it('fails the record whose items path fails, not the page', async () => {
    const mapper = mapperOf([{ entity: 'transaction', records: '$error("no lines here")', map: '{ "vendor_transaction_id": uid, "occurred_at": $parent.at }' }]);
    const { rows, failures } = await mapper.map([order('O4', [])], bindings);
    expect(rows).toEqual([]);
    expect(failures).toEqual([expect.objectContaining({ code: 'CONNECTD_ERR_MAPPING_EVALUATE', reason: expect.stringContaining('no lines here') })]);
  });

  it('writes nothing for a record whose items path finds none, and that is not a failure', async () => {
    const mapper = mapperOf([LINES_OUTPUT]);
    expect(await mapper.map([order('O5', [])], bindings)).toEqual({ rows: [], failures: [] });
  });

  it('resolves a level counted by inventory item to the product whose variant holds that item', async () => {
    const mapper = mapperOf([{ entity: 'inventory_level', map: '{ "store": $store(location_id), "product": $inventory_item(inventory_item_id), "quantity": available }' }]);
    const { rows, failures } = await mapper.map([{ location_id: 'L1', inventory_item_id: 'I7', available: 4 }, { location_id: 'L1', inventory_item_id: 'I8', available: 1 }], bindings);
    expect(rows.map((r) => r.naturalKey)).toEqual(['store-1/sku-V7']);
    expect(failures.map((f) => f.reason)).toEqual(['no product is known for inventory item "I8"; sync the products of this connection first']);
  });

  it('refuses an output onto an entity the catalog lacks, naming the nearest one', () => {
    expect(() => compileOutput({ entity: 'transactions' }, { catalog, functions: [], label: 'x' })).toThrow(/did you mean "transaction"/);
  });
});

describe('outputsOf', () => {
  it('reads a declaration with entity and map as one output at the declaration itself', () => {
    expect(outputsOf({ entity: 'store', map: '{}' })).toEqual([{ declaration: { entity: 'store', map: '{}' }, path: [] }]);
  });

  it('reads outputs: with each output at its own index', () => {
    expect(outputsOf({ outputs: [ORDER_OUTPUT, LINES_OUTPUT] }).map((o) => o.path)).toEqual([
      ['outputs', 0],
      ['outputs', 1],
    ]);
  });
});
