/**
 * The storq section of the bundled connectors.yaml with the storq plugin's preset merged in: what
 * it configures, and how its mappings turn storq's objects (samples shaped as the storq contract in
 * packages/connector-storq/README.md describes them) into canonical entities.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import shopify from '../../../connector-shopify/src/index.js';
import square from '../../../connector-square/src/index.js';
import storq from '../../../connector-storq/src/index.js';
import { compileAction, type ActionConnection, type ActionDeclaration } from '../actions/index.js';
import { isConnectdError } from '../errors/index.js';
import { compileMapping, compileRecordsPath, createEntityCatalog, mapRecords, type MappingBindings } from '../mapping/index.js';
import { compileWebhooks, type WebhookDeclaration } from '../webhooks/index.js';
import { validationContext } from '../testing/validation-context.js';
import { formatConfigIssue } from './issues.js';
import { parseConfigFile } from './parse.js';
import type { ConnectorConfig } from './types.js';
import { validateConfig } from './validate.js';

const ROOT = join(import.meta.dirname, '../../../..');
const ENV = { STORQ_API_KEY: 'fsk_test_abcdefgh1234', STORQ_WEBHOOK_SECRET: 'storq-hook-secret', STORQ_BASE_URL: 'http://127.0.0.1:4010/api/v1' };

const catalog = validationContext({ plugins: [
    { spec: storq.meta.name, index: 0, entry: 'src/index.ts', meta: storq.meta, plugin: storq },
    { spec: square.meta.name, index: 1, entry: 'src/index.ts', meta: square.meta, plugin: square },
    { spec: shopify.meta.name, index: 2, entry: 'src/index.ts', meta: shopify.meta, plugin: shopify },
  ] });
const entities = createEntityCatalog();
const bindings: MappingBindings = { connection: { id: 'storq-main', tenant: 'acme', config: {} }, lookups: { store: () => undefined, product: () => undefined } };

/** Building requests sends nothing: a client that fails the test if it is ever asked to. */
const actionConnection: ActionConnection = {
  client: { send: () => Promise.reject(new Error('no request is sent while preparing an action')) },
  baseUrl: ENV.STORQ_BASE_URL,
  templateValues: {},
};

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    return isConnectdError(err) ? err.code : 'not a coded error';
  }
  return undefined;
}

interface StreamConfig {
  readonly request: { readonly path: string; readonly query?: Record<string, unknown> };
  readonly records?: string;
  readonly pagination?: Record<string, unknown>;
  readonly entity: string;
  readonly map?: string;
  readonly schedule?: string;
}

let connector: ConnectorConfig & Record<string, unknown>;
const streamOf = (name: string): StreamConfig => (connector.streams as Record<string, StreamConfig>)[name]!;
const actionOf = (name: string): ActionDeclaration => (connector.actions as unknown as Record<string, ActionDeclaration>)[name]!;

beforeAll(async () => {
  const result = validateConfig(await parseConfigFile(join(ROOT, 'connectors.yaml'), ENV), catalog);
  expect(result.ok ? [] : result.issues.map(formatConfigIssue)).toEqual([]);
  if (!result.ok) throw new Error('the bundled connectors.yaml is invalid');
  connector = result.config.connectors.storq as ConnectorConfig & Record<string, unknown>;
});

/** One page of a stream through its records path, mapping, entity schema and natural key. */
async function mapPage(stream: string, body: unknown): Promise<Array<{ key: string; value: Record<string, unknown> }>> {
  const config = streamOf(stream);
  const records = await compileRecordsPath(config.records)(body);
  const page = await mapRecords(records, compileMapping(config.map), config.entity, entities, bindings);
  expect(page.failures.map((f) => f.reason)).toEqual([]);
  return page.entities.map((e) => ({ key: e.naturalKey, value: { ...e.value } }));
}

const ORDER = {
  id: 'ord_7Hk2pQ9x',
  external_id: 'shop-1001',
  customer_email: 'ana@example.com',
  line_items: [{ sku: 'MUG-BLUE', quantity: 2 }],
  status: 'pending',
  tracking_number: null,
  shipped_at: null,
  created_at: '2025-06-01T09:00:00Z',
  updated_at: '2025-06-01T09:00:00Z',
};

describe('the bundled storq connector', () => {
  it('takes base URL, API key and webhook secret from the environment and the rest from storq/default', () => {
    expect(connector.base_url).toBe(ENV.STORQ_BASE_URL);
    expect(connector.auth).toEqual({ type: 'bearer', token: ENV.STORQ_API_KEY });
    expect((connector.webhooks as unknown as Record<string, unknown>).verify).toEqual({ type: 'storq/signature', secret: ENV.STORQ_WEBHOOK_SECRET });
    expect(connector.rate_limit).toEqual({ rate: '10/s', burst: 20 });
    expect((connector.retry as { retry_on_status: number[] }).retry_on_status).toEqual(expect.arrayContaining([429, 500, 502, 503]));
  });

  it('defaults the base URL to storq production when STORQ_BASE_URL is unset', async () => {
    const { STORQ_BASE_URL: _unset, ...env } = ENV;
    const result = validateConfig(await parseConfigFile(join(ROOT, 'connectors.yaml'), env), catalog);
    expect(result.ok && result.config.connectors.storq?.base_url).toBe('https://storq.io/api/v1');
  });

  it('pages /stock and /products by next_cursor 100 at a time, /orders by the Link header; stock every 5 minutes', () => {
    for (const name of ['stock', 'products']) {
      expect(streamOf(name).request.query).toEqual({ limit: 100 });
      expect(streamOf(name).pagination).toEqual({ type: 'cursor', path: '$.next_cursor', param: 'cursor' });
    }
    expect(streamOf('orders').pagination).toEqual({ type: 'link_header' });
    expect(streamOf('orders').records).toBeUndefined();
    expect(streamOf('stock').schedule).toBe('*/5 * * * *');
    expect(Object.keys(connector.streams ?? {})).toEqual(['stock', 'products', 'orders']);
  });

  it('maps a /stock page to inventory levels in the default store, keyed by sku', async () => {
    const page = { stock: [{ sku: 'MUG-BLUE', quantity: 12, updated_at: '2025-06-01T10:00:00Z' }, { sku: 'MUG-RED', quantity: 0, updated_at: '2025-06-01T10:05:00Z' }], next_cursor: 'c_2' };
    expect(await mapPage('stock', page)).toEqual([
      { key: 'default/MUG-BLUE', value: { store: 'default', product: 'MUG-BLUE', quantity: 12, as_of: '2025-06-01T10:00:00Z', vendor_updated_at: '2025-06-01T10:00:00Z' } },
      { key: 'default/MUG-RED', value: { store: 'default', product: 'MUG-RED', quantity: 0, as_of: '2025-06-01T10:05:00Z', vendor_updated_at: '2025-06-01T10:05:00Z' } },
    ]);
  });

  it('maps a /products page to products keyed by sku, with storq\'s id as vendor id', async () => {
    const page = { products: [{ id: 'prod_Q2w9', sku: 'MUG-BLUE', name: 'Blue mug', created_at: '2025-05-01T08:00:00Z', updated_at: '2025-05-02T08:00:00Z' }], next_cursor: null };
    expect(await mapPage('products', page)).toEqual([
      { key: 'MUG-BLUE', value: { sku: 'MUG-BLUE', name: 'Blue mug', vendor_variant_id: 'prod_Q2w9', vendor_id: 'prod_Q2w9', vendor_updated_at: '2025-05-02T08:00:00Z' } },
    ]);
  });

  it('maps an /orders page (a bare array) to orders keyed by external_id, lines from line_items', async () => {
    const shipped = { ...ORDER, id: 'ord_8', external_id: 'shop-1002', line_items: [{ sku: 'MUG-RED', quantity: 1 }, { sku: 'MUG-BLUE', quantity: 3 }], status: 'shipped', tracking_number: '1Z999', shipped_at: '2025-06-02T12:00:00Z' };
    expect(await mapPage('orders', [ORDER, shipped])).toEqual([
      {
        key: 'shop-1001',
        value: { external_id: 'shop-1001', customer_email: 'ana@example.com', lines: [{ sku: 'MUG-BLUE', quantity: 2 }], status: 'pending', tracking_number: null, shipped_at: null, vendor_id: 'ord_7Hk2pQ9x', vendor_updated_at: '2025-06-01T09:00:00Z' },
      },
      {
        key: 'shop-1002',
        value: {
          external_id: 'shop-1002', customer_email: 'ana@example.com', lines: [{ sku: 'MUG-RED', quantity: 1 }, { sku: 'MUG-BLUE', quantity: 3 }],
          status: 'shipped', tracking_number: '1Z999', shipped_at: '2025-06-02T12:00:00Z', vendor_id: 'ord_8', vendor_updated_at: '2025-06-01T09:00:00Z',
        },
      },
    ]);
  });

  it('maps stock.updated to an inventory level and order.shipped to a shipped order with tracking', async () => {
    const declaration: WebhookDeclaration = connector.webhooks!;
    expect(declaration.event_id).toBe('$.id');
    const { connectors, issues } = compileWebhooks({ storq: declaration }, { catalog: entities });
    expect(issues).toEqual([]);
    const hooks = connectors.get('storq')!;
    const deliver = async (event: { type: string }): Promise<Array<Record<string, unknown>>> => {
      expect(hooks.keys.eventType?.({}, event)).toBe(event.type);
      const { action } = hooks.events.get(event.type)!;
      if (action.kind !== 'map') throw new Error(`${event.type} does not map`);
      const page = await action.mapper.map(await action.records(event), bindings);
      expect(page.failures.map((f) => f.reason)).toEqual([]);
      return page.rows.map((row) => ({ ...row.value }));
    };
    const stock = { id: 'evt_1', type: 'stock.updated', created_at: '2025-06-01T10:10:00Z', data: { object: { sku: 'MUG-BLUE', quantity: 7, updated_at: '2025-06-01T10:10:00Z' } } };
    expect(await deliver(stock)).toEqual([{ store: 'default', product: 'MUG-BLUE', quantity: 7, as_of: '2025-06-01T10:10:00Z', vendor_updated_at: '2025-06-01T10:10:00Z' }]);
    const object = { ...ORDER, status: 'shipped', tracking_number: '1Z999AA1', shipped_at: '2025-06-02T12:00:00Z', updated_at: '2025-06-02T12:00:00Z' };
    const shipped = { id: 'evt_2', type: 'order.shipped', created_at: '2025-06-02T12:00:01Z', data: { object } };
    expect(await deliver(shipped)).toEqual([
      {
        external_id: 'shop-1001', customer_email: 'ana@example.com', lines: [{ sku: 'MUG-BLUE', quantity: 2 }], status: 'shipped',
        tracking_number: '1Z999AA1', shipped_at: '2025-06-02T12:00:00Z', vendor_id: 'ord_7Hk2pQ9x', vendor_updated_at: '2025-06-02T12:00:00Z',
      },
    ]);
    // The guide promises only external_id, tracking_number and shipped_at: that is enough, and the status is implied.
    const minimal = { id: 'evt_3', type: 'order.shipped', data: { object: { external_id: 'shop-1003', tracking_number: 'T-3', shipped_at: '2025-06-03T08:00:00Z' } } };
    expect(await deliver(minimal)).toEqual([{ external_id: 'shop-1003', status: 'shipped', tracking_number: 'T-3', shipped_at: '2025-06-03T08:00:00Z' }]);
  });

  it('create_order sends storq\'s body from the input and looks an earlier order up by external_id in the bare array', async () => {
    const action = compileAction('storq', 'create_order', actionOf('create_order'));
    expect(action.retrySafe).toBe(true);
    const input = { customer_email: 'ana@example.com', external_id: 'shop-1001', line_items: [{ sku: 'MUG-BLUE', quantity: 2 }] };
    const prepared = await action.prepare(action.checkInput(input), actionConnection);
    expect(prepared.request).toMatchObject({ method: 'POST', url: `${ENV.STORQ_BASE_URL}/orders` });
    expect(JSON.parse(prepared.request.body as string)).toEqual(input);
    expect(prepared.key).toBe('shop-1001');
    expect(prepared.lookup).toMatchObject({ method: 'GET', url: `${ENV.STORQ_BASE_URL}/orders?external_id=shop-1001` });
    expect(await action.matches([ORDER], 'shop-1001')).toEqual([ORDER]);
    expect(await action.matches([], 'shop-1001')).toEqual([]);
    expect(await action.result(ORDER, bindings)).toEqual({ id: 'ord_7Hk2pQ9x', external_id: 'shop-1001', status: 'pending', created_at: '2025-06-01T09:00:00Z' });
  });

  it('create_product sends name and sku and looks an earlier product up by sku, matches under $.products', async () => {
    const action = compileAction('storq', 'create_product', actionOf('create_product'));
    const prepared = await action.prepare(action.checkInput({ name: 'Blue mug', sku: 'MUG 1/BLUE' }), actionConnection);
    expect(prepared.request).toMatchObject({ method: 'POST', url: `${ENV.STORQ_BASE_URL}/products` });
    expect(JSON.parse(prepared.request.body as string)).toEqual({ name: 'Blue mug', sku: 'MUG 1/BLUE' });
    expect(new URL(prepared.lookup!.url).searchParams.get('sku')).toBe('MUG 1/BLUE');
    const product = { id: 'prod_Q2w9', sku: 'MUG 1/BLUE', name: 'Blue mug', created_at: '2025-05-01T08:00:00Z', updated_at: '2025-05-01T08:00:00Z' };
    expect(await action.matches({ products: [product], next_cursor: null }, 'MUG 1/BLUE')).toEqual([product]);
    expect(await action.matches({ products: [], next_cursor: null }, 'MUG 1/BLUE')).toEqual([]);
    expect(await action.result(product, bindings)).toEqual({ id: 'prod_Q2w9', sku: 'MUG 1/BLUE', name: 'Blue mug', created_at: '2025-05-01T08:00:00Z' });
  });

  it('refuses action inputs storq would refuse, before any request', () => {
    const order = compileAction('storq', 'create_order', actionOf('create_order'));
    const valid = { customer_email: 'ana@example.com', external_id: 'shop-1001', line_items: [{ sku: 'MUG-BLUE', quantity: 1 }] };
    expect(order.checkInput(valid)).toEqual(valid);
    for (const bad of [
      { ...valid, customer_email: 'ana.example.com' },
      { ...valid, external_id: '' },
      { ...valid, line_items: [] },
      { ...valid, line_items: [{ sku: 'MUG-BLUE', quantity: 0 }] },
      { ...valid, line_items: [{ sku: 'MUG-BLUE', quantity: 1.5 }] },
      { ...valid, line_items: [{ sku: '', quantity: 1 }] },
      { ...valid, line_items: [{ sku: 'MUG-BLUE', quantity: 1, price: 3 }] },
      { ...valid, note: 'extra' },
      { customer_email: 'ana@example.com', line_items: valid.line_items },
    ]) expect(codeOf(() => order.checkInput(bad)), JSON.stringify(bad)).toBe('CONNECTD_ERR_ACTION_INPUT_INVALID');
    const product = compileAction('storq', 'create_product', actionOf('create_product'));
    expect(product.checkInput({ name: 'Blue mug', sku: 'MUG-BLUE' })).toEqual({ name: 'Blue mug', sku: 'MUG-BLUE' });
    for (const bad of [{ name: 'Blue mug' }, { name: '', sku: 'MUG-BLUE' }, { name: 'Blue mug', sku: 'MUG-BLUE', price: 3 }]) {
      expect(codeOf(() => product.checkInput(bad)), JSON.stringify(bad)).toBe('CONNECTD_ERR_ACTION_INPUT_INVALID');
    }
  });
});
