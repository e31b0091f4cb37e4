/**
 * The storq section of the bundled connectors.yaml with the storq plugin's preset merged in: what
 * the file and the preset configure together, and the requests its actions build against the
 * file's base URL. How the preset's mappings turn storq's objects into entities is the plugin's
 * own test (packages/connector-storq/src/mappings.test.ts, written with core's `testPreset`).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import shopify from '../../../connector-shopify/src/index.js';
import square from '../../../connector-square/src/index.js';
import storq from '../../../connector-storq/src/index.js';
import { compileAction, type ActionConnection, type ActionDeclaration } from '../actions/index.js';
import { isConnectdError } from '../errors/index.js';
import { recordPlugin } from '../connector/index.js';
import { validationContext } from '../testing/validation-context.js';
import { formatConfigIssue } from './issues.js';
import { parseConfigFile } from './parse.js';
import type { ConnectorConfig } from './types.js';
import { validateConfig } from './validate.js';

const ROOT = join(import.meta.dirname, '../../../..');
const ENV = { STORQ_API_KEY: 'fsk_test_abcdefgh1234', STORQ_WEBHOOK_SECRET: 'storq-hook-secret', STORQ_BASE_URL: 'http://127.0.0.1:4010/api/v1' };

const catalog = validationContext({ plugins: [
    recordPlugin(storq, { entry: join(ROOT, 'packages/connector-storq/src/index.ts'), index: 0 }),
    recordPlugin(square, { entry: join(ROOT, 'packages/connector-square/src/index.ts'), index: 1 }),
    recordPlugin(shopify, { entry: join(ROOT, 'packages/connector-shopify/src/index.ts'), index: 2 }),
  ] });

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

/** An order as storq lists it, reduced to what finding it by external id reads (mappings.test.ts in the plugin has a whole one). */
const ORDER = { id: 'ord_7Hk2pQ9x', external_id: 'shop-1001', status: 'pending' };

describe('the bundled storq connector', () => {
  it('takes base URL, API key and webhook secret from the environment and the rest from storq/default', () => {
    expect(connector.base_url).toBe(ENV.STORQ_BASE_URL);
    expect(connector.auth).toEqual({ type: 'bearer', token: ENV.STORQ_API_KEY });
    expect((connector.webhooks as unknown as Record<string, unknown>).verify).toEqual({ type: 'hmac', header: ['Storq-Signature', 'storq.io-signature'], algorithm: 'sha256', encoding: 'hex', secret: ENV.STORQ_WEBHOOK_SECRET });
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
