import { describe, expect, it } from 'vitest';
import { isConnectdError, type ConnectdError } from '../errors/index.js';
import { compileMapping, type MappingBindings } from './compile-mapping.js';
import type { IdLookups } from './lookups.js';

const STORES: Record<string, string> = { L1: 'store-1', '655441491': 'ottawa' };
const PRODUCTS: Record<string, string> = { V1: 'SKU-1' };

function bindings(lookups: Partial<IdLookups> = {}): MappingBindings {
  return {
    connection: { id: 'conn-1', tenant: 'acme', config: { shop: 'acme.myshopify.com' } },
    lookups: {
      store: (id) => STORES[id],
      product: (id) => PRODUCTS[id],
      ...lookups,
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectdError> {
  try {
    await promise;
  } catch (err) {
    if (isConnectdError(err)) return err;
    throw new Error(`expected a connectd error, got ${String(err)}`);
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): ConnectdError {
  try {
    fn();
  } catch (err) {
    if (isConnectdError(err)) return err;
    throw new Error(`expected a connectd error, got ${String(err)}`);
  }
  throw new Error('expected a throw');
}

describe('compileMapping output', () => {
  it('turns one object into one entity', async () => {
    const mapping = compileMapping('{ "product": sku, "quantity": quantity }');
    expect(await mapping.evaluate({ sku: 'A', quantity: 3 }, bindings())).toEqual([{ product: 'A', quantity: 3 }]);
  });

  it('turns a list into several entities', async () => {
    const mapping = compileMapping('variants.{ "sku": sku }');
    expect(await mapping.evaluate({ variants: [{ sku: 'A' }, { sku: 'B' }] }, bindings())).toEqual([{ sku: 'A' }, { sku: 'B' }]);
    // JSONata gives a lone object for a one-item path; it is still one entity.
    expect(await mapping.evaluate({ variants: [{ sku: 'A' }] }, bindings())).toEqual([{ sku: 'A' }]);
  });

  it('returns lists inside entities as plain lists', async () => {
    const [order] = await compileMapping('{ "lines": items.sku, "nested": { "ids": items.id } }').evaluate({ items: [{ sku: 'A', id: 1 }, { sku: 'B', id: 2 }] }, bindings());
    expect(order).toEqual({ lines: ['A', 'B'], nested: { ids: [1, 2] } });
    expect(Object.keys(order?.['lines'] as object)).toEqual(['0', '1']);
  });

  it('skips the record when the mapping returns nothing', async () => {
    const mapping = compileMapping('status = "deleted" ? undefined : { "sku": sku }');
    expect(await mapping.evaluate({ sku: 'A', status: 'deleted' }, bindings())).toEqual([]);
    expect(await compileMapping('missing.{ "sku": sku }').evaluate({ sku: 'A' }, bindings())).toEqual([]);
    expect(await compileMapping('null').evaluate({}, bindings())).toEqual([]);
  });

  it('leaves out fields the record lacks', async () => {
    expect(await compileMapping('{ "sku": sku, "barcode": barcode }').evaluate({ sku: 'A' }, bindings())).toEqual([{ sku: 'A' }]);
  });

  it('rejects scalars and lists of scalars with a coded error', async () => {
    expect((await rejection(compileMapping('sku').evaluate({ sku: 'A' }, bindings()))).code).toBe('CONNECTD_ERR_MAPPING_OUTPUT_INVALID');
    expect((await rejection(compileMapping('[{ "a": 1 }, 2]').evaluate({}, bindings()))).code).toBe('CONNECTD_ERR_MAPPING_OUTPUT_INVALID');
  });

  it('passes the record through without a map, as a copy', async () => {
    const identity = compileMapping(undefined);
    const record = { sku: 'A' };
    const [entity] = await identity.evaluate(record, bindings());
    expect(entity).toEqual(record);
    expect(entity).not.toBe(record);
    expect(identity.expression).toBeUndefined();
  });
});

describe('compileMapping bindings', () => {
  it('binds $connection', async () => {
    const mapping = compileMapping('{ "sku": sku, "tenant": $connection.tenant, "shop": $connection.config.shop, "conn": $connection.id }');
    expect(await mapping.evaluate({ sku: 'A' }, bindings())).toEqual([{ sku: 'A', tenant: 'acme', shop: 'acme.myshopify.com', conn: 'conn-1' }]);
  });

  it('resolves $store and $product through synchronous lookups, numbers included', async () => {
    const mapping = compileMapping('{ "store": $store(location_id), "product": $product(variant_id), "quantity": 1 }');
    expect(await mapping.evaluate({ location_id: 655441491, variant_id: 'V1' }, bindings())).toEqual([{ store: 'ottawa', product: 'SKU-1', quantity: 1 }]);
  });

  it('resolves through asynchronous lookups', async () => {
    const seen: string[] = [];
    const lookups: Partial<IdLookups> = {
      store: async (id) => {
        seen.push(id);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return STORES[id];
      },
    };
    const mapping = compileMapping('{ "store": $store(location_id) }');
    expect(await mapping.evaluate({ location_id: 'L1' }, bindings(lookups))).toEqual([{ store: 'store-1' }]);
    expect(seen).toEqual(['L1']);
  });

  it('leaves the field out when the record has no vendor id', async () => {
    expect(await compileMapping('{ "sku": sku, "store": $store(location_id) }').evaluate({ sku: 'A' }, bindings())).toEqual([{ sku: 'A' }]);
  });

  it('fails the record with LOOKUP_MISSING for an unknown vendor id, sync or async', async () => {
    const mapping = compileMapping('{ "store": $store(location_id) }');
    const sync = await rejection(mapping.evaluate({ location_id: 'nope' }, bindings()));
    expect(sync.code).toBe('CONNECTD_ERR_MAPPING_LOOKUP_MISSING');
    expect(sync.details).toEqual({ kind: 'store', vendorId: 'nope' });
    const async = await rejection(mapping.evaluate({ location_id: 'nope' }, bindings({ store: async () => undefined })));
    expect(async.code).toBe('CONNECTD_ERR_MAPPING_LOOKUP_MISSING');
  });

  it('reports a throwing lookup as LOOKUP_FAILED with the cause', async () => {
    const boom = new Error('connection refused');
    const mapping = compileMapping('{ "product": $product(v) }');
    for (const product of [() => { throw boom; }, async () => { throw boom; }]) {
      const err = await rejection(mapping.evaluate({ v: 'V1' }, bindings({ product })));
      expect(err.code).toBe('CONNECTD_ERR_MAPPING_LOOKUP_FAILED');
      expect(err.cause).toBe(boom);
    }
  });

  it('rejects a list passed to $store', async () => {
    const err = await rejection(compileMapping('{ "store": $store(ids) }').evaluate({ ids: ['a', 'b'] }, bindings()));
    expect(err.code).toBe('CONNECTD_ERR_MAPPING_EVALUATE');
  });

  it('uses each bindings object it is given, not the first one', async () => {
    const mapping = compileMapping('{ "t": $connection.tenant, "s": $store("L1") }');
    const other: MappingBindings = { connection: { id: 'c2', tenant: 'globex', config: {} }, lookups: { store: () => 'g-store', product: () => undefined } };
    expect(await mapping.evaluate({}, bindings())).toEqual([{ t: 'acme', s: 'store-1' }]);
    expect(await mapping.evaluate({}, other)).toEqual([{ t: 'globex', s: 'g-store' }]);
  });
});

describe('compileMapping plugin functions', () => {
  const grams = { name: '$storq_grams', plugin: '@connectd/connector-storq', signature: '<n:n>', impl: (kg: number) => kg * 1000 };

  it('registers plugin functions under their $namespace_name', async () => {
    const mapping = compileMapping('{ "sku": sku, "grams": $storq_grams(kg) }', { functions: [grams] });
    expect(await mapping.evaluate({ sku: 'A', kg: 1.5 }, bindings())).toEqual([{ sku: 'A', grams: 1500 }]);
  });

  it('supports asynchronous plugin functions', async () => {
    const upper = { name: '$acme_upper', plugin: 'acme', impl: async (s: string) => s.toUpperCase() };
    expect(await compileMapping('{ "sku": $acme_upper(sku) }', { functions: [upper] }).evaluate({ sku: 'a' }, bindings())).toEqual([{ sku: 'A' }]);
  });

  it('turns a throwing plugin function into EVALUATE naming the function and plugin', async () => {
    const bad = { name: '$acme_bad', plugin: 'acme', impl: () => { throw new Error('nope'); } };
    const err = await rejection(compileMapping('{ "sku": $acme_bad() }', { functions: [bad] }).evaluate({}, bindings()));
    expect(err.code).toBe('CONNECTD_ERR_MAPPING_EVALUATE');
    expect(err.details['function']).toBe('$acme_bad');
    expect(String(err.details['reason'])).toContain('acme');
  });

  it('lets JSONata check arguments against the signature', async () => {
    const err = await rejection(compileMapping('{ "g": $storq_grams("heavy") }', { functions: [grams] }).evaluate({}, bindings()));
    expect(err.code).toBe('CONNECTD_ERR_MAPPING_EVALUATE');
    expect(err.details['jsonataCode']).toBe('T0410');
  });

  it('refuses reserved names and names JSONata cannot call, at compile time', () => {
    const reserved = { name: '$store', plugin: 'acme', impl: () => 'x' };
    expect(thrown(() => compileMapping('{}', { functions: [reserved] })).code).toBe('CONNECTD_ERR_MAPPING_FUNCTION_INVALID');
    const badName = { name: '$acme-x', plugin: 'acme', impl: () => 'x' };
    const err = thrown(() => compileMapping('{}', { functions: [badName] }));
    expect(err.code).toBe('CONNECTD_ERR_MAPPING_FUNCTION_INVALID');
    expect(err.exitCode).toBe(2);
  });
});

describe('compileMapping errors', () => {
  it('reports a syntax error as COMPILE with its position, exit code 2', () => {
    const err = thrown(() => compileMapping('{ "sku": sku,\n  "quantity": }', { label: 'connectors.storq.streams.stock.map' }));
    expect(err.code).toBe('CONNECTD_ERR_MAPPING_COMPILE');
    expect(err.exitCode).toBe(2);
    expect(err.details).toMatchObject({ label: 'connectors.storq.streams.stock.map', jsonataCode: 'S0211', line: 2 });
    expect(typeof err.details['position']).toBe('number');
    expect(err.message).toContain('connectors.storq.streams.stock.map');
  });

  it('reports a failure on one record as EVALUATE with the JSONata code and position', async () => {
    const mapping = compileMapping('{ "quantity": $number(quantity) }');
    const err = await rejection(mapping.evaluate({ quantity: 'lots' }, bindings()));
    expect(err.code).toBe('CONNECTD_ERR_MAPPING_EVALUATE');
    expect(err.details).toMatchObject({ jsonataCode: 'D3030', position: expect.any(Number) });
    // The mapping still works for the next record.
    expect(await mapping.evaluate({ quantity: '4' }, bindings())).toEqual([{ quantity: 4 }]);
  });

  it('reports $error() as EVALUATE with its message', async () => {
    const err = await rejection(compileMapping('$error("no sku")').evaluate({}, bindings()));
    expect(err.code).toBe('CONNECTD_ERR_MAPPING_EVALUATE');
    expect(err.details['reason']).toBe('no sku');
  });
});
