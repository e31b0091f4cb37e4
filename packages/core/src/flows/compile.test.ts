import { describe, expect, it } from 'vitest';
import type { Change } from '../changes/index.js';
import type { FlowConfig } from '../config/index.js';
import { isConnectdError } from '../errors/index.js';
import { rejectionOf } from '../testing/rejection.js';
import { flowBindings, type VendorIdReader } from './bindings.js';
import { compileFlows } from './compile.js';

const change = (overrides: Partial<Change> = {}): Change => ({
  position: 42,
  entity: 'inventory_level',
  key: 'default/SKU-1',
  tenant: 'acme',
  connector: 'storq',
  connection: 'storq',
  operation: 'updated',
  changed: ['quantity'],
  before: { product: 'SKU-1', quantity: 3 },
  after: { product: 'SKU-1', quantity: 7, as_of: '2026-01-02T03:04:05Z' },
  source: { kind: 'webhook', event_id: '9' },
  at: '2026-01-02T03:04:06.000Z',
  ...overrides,
});

const flow = (overrides: { when?: Partial<FlowConfig['when']>; then?: Partial<FlowConfig['then']> } = {}): FlowConfig => ({
  when: { entity: 'inventory_level', connector: 'storq', filter: '"quantity" in changed', ...overrides.when },
  then: { connector: 'square', action: 'set_inventory_count', input: '{ "sku": after.product, "quantity": after.quantity, "key": $flow.key }', ...overrides.then },
});

const only = (config: FlowConfig) => {
  const { flows, issues } = compileFlows({ stock: config });
  expect(issues).toEqual([]);
  return flows[0]!;
};

/** A vendor-id map of the target connector: (tenant, kind, key) → ids. */
const reader = (rows: Array<[string, string, string, string]>): VendorIdReader => async (q) =>
  rows.filter(([tenant, kind, key]) => tenant === q.tenant && kind === q.kind && (q.key === undefined || key === q.key)).map(([, , , id]) => id).sort();

describe('compileFlows', () => {
  it('takes a change for the flow only when entity, connector and filter agree, and only a true filter runs it', async () => {
    const stock = only(flow());
    expect(stock.concerns(change())).toBe(true);
    expect(stock.concerns(change({ entity: 'product' }))).toBe(false);
    expect(stock.concerns(change({ connector: 'square' }))).toBe(false);
    expect(await stock.matches(change())).toBe(true);
    expect(await stock.matches(change({ changed: ['as_of'] }))).toBe(false);
    // A filter that gives something other than true (a value, nothing) does not run the flow.
    expect(await only(flow({ when: { filter: 'after.quantity' } })).matches(change())).toBe(false);
    expect(await only(flow({ when: { filter: 'after.missing' } })).matches(change())).toBe(false);
    const any = only(flow({ when: { entity: 'inventory_level', connector: undefined, filter: undefined } }));
    expect([any.concerns(change({ connector: 'square' })), await any.matches(change())]).toEqual([true, true]);
  });

  it('builds the input from the change with $flow, and the target with the default connection "tenant"', async () => {
    const stock = only(flow());
    expect(stock.target).toEqual({ connector: 'square', action: 'set_inventory_count', connection: 'tenant' });
    expect(await stock.input(change(), flowBindings('stock', change(), 'square', reader([])))).toEqual({ sku: 'SKU-1', quantity: 7, key: 'stock:42' });
    expect(only(flow({ then: { connection: { id: 'square-acme' } } })).target.connection).toEqual({ id: 'square-acme' });
  });

  it('fails a filter that throws with FLOWS_FILTER_FAILED, and an input that is not one object with FLOWS_INPUT_FAILED', async () => {
    const filter = await rejectionOf(only(flow({ when: { filter: '$number("seven") > 1' } })).matches(change()));
    expect(isConnectdError(filter, 'CONNECTD_ERR_FLOWS_FILTER_FAILED') && filter.details).toMatchObject({ flow: 'stock', position: 42 });
    for (const input of ['[1, 2]', 'after.quantity', 'after.missing', '$error("no")']) {
      const err = await rejectionOf(only(flow({ then: { input } })).input(change(), {}));
      expect(isConnectdError(err, 'CONNECTD_ERR_FLOWS_INPUT_FAILED')).toBe(true);
    }
  });

  it('reports every expression that does not compile, at its YAML path, and compiles the rest', () => {
    const { flows, issues } = compileFlows({
      broken: flow({ when: { filter: 'operation = (' }, then: { input: '{ "a": }' } }),
      fine: flow(),
    });
    expect(flows.map((f) => f.name)).toEqual(['fine']);
    expect(issues.map((i) => [i.path.join('.'), i.code])).toEqual([
      ['flows.broken.when.filter', 'CONNECTD_ERR_MAPPING_COMPILE'],
      ['flows.broken.then.input', 'CONNECTD_ERR_MAPPING_COMPILE'],
    ]);
  });
});

describe('flowBindings', () => {
  const map = reader([
    ['acme', 'product', 'SKU-1', 'VAR-1'],
    ['acme', 'product', 'SKU-1', 'inventory_item:808950810'],
    ['acme', 'product', 'SKU-2', 'VAR-2'],
    ['acme', 'store', 'L1', 'L1'],
    ['other', 'store', 'L9', 'L9'],
    ['other', 'store', 'L8', 'L8'],
  ]);
  const evaluate = async (input: string, tenant = 'acme'): Promise<unknown> => {
    const stock = only(flow({ then: { input } }));
    const c = change({ tenant });
    return stock.input(c, flowBindings('stock', c, 'square', map));
  };

  it("reads the target's vendor ids of the change tenant: by key, the only one of a kind, and Shopify's inventory items", async () => {
    expect(await evaluate('{ "variation": $vendor_id("product", after.product), "location": $vendor_id("store"), "item": $vendor_id("inventory_item", "SKU-1") }')).toEqual({
      variation: 'VAR-1',
      location: 'L1',
      item: '808950810',
    });
  });

  it('fails the input when an id is unknown or not the only one, naming which', async () => {
    const unknown = await rejectionOf(evaluate('{ "v": $vendor_id("product", "SKU-9") }'));
    expect(isConnectdError(unknown, 'CONNECTD_ERR_FLOWS_INPUT_FAILED') && String(unknown.details['reason'])).toContain('no product vendor id');
    const several = await rejectionOf(evaluate('{ "l": $vendor_id("store") }', 'other'));
    expect(isConnectdError(several, 'CONNECTD_ERR_FLOWS_INPUT_FAILED') && String(several.details['reason'])).toContain('several store vendor ids (L8, L9)');
  });
});
