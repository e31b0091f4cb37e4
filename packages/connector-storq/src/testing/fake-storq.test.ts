import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STORQ_LIVE_KEY, DEFAULT_STORQ_TEST_KEY, startFakeStorq, type FakeStorq } from './index.js';

let storq: FakeStorq;
beforeEach(async () => {
  storq = await startFakeStorq({ now: () => Date.parse('2025-03-01T12:00:00Z') });
});
afterEach(async () => {
  await storq.close();
});

interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

async function call(path: string, options: { key?: string | null; method?: string; body?: unknown; rawBody?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? storq.liveKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${storq.baseUrl}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
}

const order = (externalId: string) => ({ customer_email: 'ada@example.com', external_id: externalId, line_items: [{ sku: 'MUG-1', quantity: 2 }] });

describe('fake storq keys', () => {
  it('uses the documented key shapes by default and serves under /api/v1', () => {
    expect(storq.liveKey).toBe(DEFAULT_STORQ_LIVE_KEY);
    expect(storq.testKey).toBe(DEFAULT_STORQ_TEST_KEY);
    expect(storq.baseUrl).toBe(`${storq.url}/api/v1`);
    expect(storq.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a request without a key or with an unknown key with 401 authentication_error', async () => {
    for (const key of [null, 'fsk_live_not_the_key', 'garbage']) {
      const answer = await call('/stock', { key });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ error: { type: 'authentication_error', message: expect.any(String) } });
    }
    expect(storq.requests.map((r) => r.mode)).toEqual([null, null, null]);
  });

  it('keeps live and test data apart, each key seeing only its own mode', async () => {
    storq.setStock([{ sku: 'LIVE-1', quantity: 1 }]);
    storq.setStock([{ sku: 'TEST-1', quantity: 2 }], 'test');
    expect((await call('/stock')).json.stock.map((r: { sku: string }) => r.sku)).toEqual(['LIVE-1']);
    expect((await call('/stock', { key: storq.testKey })).json.stock.map((r: { sku: string }) => r.sku)).toEqual(['TEST-1']);

    const created = await call('/orders', { key: storq.testKey, body: order('T-1') });
    expect(created.status).toBe(201);
    expect(storq.orders('test')).toHaveLength(1);
    expect(storq.orders('live')).toEqual([]);
    expect((await call(`/orders/${created.json.id}/status`)).status).toBe(404);
    expect(storq.requests.map((r) => r.mode)).toEqual(['live', 'test', 'test', 'live']);
  });

  it('rejects configured keys that do not look like storq keys', async () => {
    await expect(startFakeStorq({ liveKey: 'fsk_test_abcdefgh' })).rejects.toThrow(TypeError);
    await expect(startFakeStorq({ testKey: 'fsk_test_short' })).rejects.toThrow(TypeError);
  });
});

describe('fake storq endpoints', () => {
  it('lists stock sorted by sku with updated_at and a null next_cursor on the last page', async () => {
    storq.setStock([
      { sku: 'B', quantity: 5 },
      { sku: 'A', quantity: 0, updated_at: '2025-01-01T00:00:00.000Z' },
    ]);
    const answer = await call('/stock');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      stock: [
        { sku: 'A', quantity: 0, updated_at: '2025-01-01T00:00:00.000Z' },
        { sku: 'B', quantity: 5, updated_at: '2025-03-01T12:00:00.000Z' },
      ],
      next_cursor: null,
    });
    expect(storq.stock()).toEqual(answer.json.stock);
  });

  it('creates a product with an id and timestamps, lists it, and refuses a duplicate sku with 409', async () => {
    const created = await call('/products', { body: { name: 'Mug', sku: 'MUG-1' } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: expect.stringMatching(/^prod_[A-Za-z0-9]+$/), sku: 'MUG-1', name: 'Mug', created_at: '2025-03-01T12:00:00.000Z', updated_at: '2025-03-01T12:00:00.000Z' });
    expect((await call('/products')).json).toEqual({ products: [created.json], next_cursor: null });

    const duplicate = await call('/products', { body: { name: 'Other mug', sku: 'MUG-1' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.error).toMatchObject({ type: 'conflict', param: 'sku' });
    expect(storq.products()).toHaveLength(1);
    // The same sku is free in the other mode.
    expect((await call('/products', { key: storq.testKey, body: { name: 'Mug', sku: 'MUG-1' } })).status).toBe(201);
  });

  it('refuses invalid product bodies with 400 invalid_request_error naming the param', async () => {
    const cases: Array<[unknown, string | undefined]> = [
      [{ sku: 'A' }, 'name'],
      [{ name: '', sku: 'A' }, 'name'],
      [{ name: 'Mug' }, 'sku'],
      [{ name: 'Mug', sku: 7 }, 'sku'],
    ];
    for (const [body, param] of cases) {
      const answer = await call('/products', { body });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toEqual({ type: 'invalid_request_error', message: expect.any(String), param });
    }
    const notJson = await call('/products', { rawBody: '{not json' });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.type).toBe('invalid_request_error');
    expect(storq.products()).toEqual([]);
  });

  it('creates a pending order and reports its status', async () => {
    const created = await call('/orders', { body: order('shop-1001') });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.stringMatching(/^ord_[A-Za-z0-9]+$/),
      external_id: 'shop-1001',
      customer_email: 'ada@example.com',
      line_items: [{ sku: 'MUG-1', quantity: 2 }],
      status: 'pending',
      tracking_number: null,
      shipped_at: null,
      created_at: '2025-03-01T12:00:00.000Z',
      updated_at: '2025-03-01T12:00:00.000Z',
    });
    expect(storq.orders()).toEqual([created.json]);
    const status = await call(`/orders/${created.json.id}/status`);
    expect(status.json).toEqual({ id: created.json.id, status: 'pending', tracking_number: null, shipped_at: null });

    storq.shipOrder(created.json.id, 'TRACK-1');
    expect((await call(`/orders/${created.json.id}/status`)).json).toEqual({ id: created.json.id, status: 'shipped', tracking_number: 'TRACK-1', shipped_at: '2025-03-01T12:00:00.000Z' });
  });

  it('does not deduplicate external_id: posting the same order twice makes two orders', async () => {
    const first = await call('/orders', { body: order('shop-1001') });
    const second = await call('/orders', { body: order('shop-1001') });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.json.id).not.toBe(second.json.id);
    const found = await call('/orders?external_id=shop-1001');
    expect(found.json.map((o: { id: string }) => o.id)).toEqual([first.json.id, second.json.id]);
  });

  it('refuses invalid order bodies with 400 naming the param, creating nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...order('x'), customer_email: 'no-at-sign' }, 'customer_email'],
      [{ ...order('x'), customer_email: undefined }, 'customer_email'],
      [{ ...order('x'), external_id: '' }, 'external_id'],
      [{ ...order('x'), external_id: 12 }, 'external_id'],
      [{ ...order('x'), line_items: [] }, 'line_items'],
      [{ ...order('x'), line_items: 'MUG-1' }, 'line_items'],
      [{ ...order('x'), line_items: [{ sku: 'A', quantity: 1 }, 'B'] }, 'line_items[1]'],
      [{ ...order('x'), line_items: [{ quantity: 1 }] }, 'line_items[0].sku'],
      [{ ...order('x'), line_items: [{ sku: 'A', quantity: 0 }] }, 'line_items[0].quantity'],
      [{ ...order('x'), line_items: [{ sku: 'A', quantity: 1.5 }] }, 'line_items[0].quantity'],
      [{ ...order('x'), line_items: [{ sku: 'A', quantity: '2' }] }, 'line_items[0].quantity'],
    ];
    for (const [body, param] of cases) {
      const answer = await call('/orders', { body });
      expect(answer.status, param).toBe(400);
      expect(answer.json.error).toEqual({ type: 'invalid_request_error', message: expect.any(String), param });
    }
    expect(storq.orders()).toEqual([]);
  });

  it('answers 404 not_found for an unknown order and for unknown routes', async () => {
    const unknownOrder = await call('/orders/ord_missing/status');
    expect(unknownOrder.status).toBe(404);
    expect(unknownOrder.json).toEqual({ error: { type: 'not_found', message: expect.any(String) } });
    expect((await call('/customers')).status).toBe(404);
    expect((await call('/stock', { method: 'DELETE' })).status).toBe(404);
    const outside = await fetch(`${storq.url}/stock`);
    expect(outside.status).toBe(404);
  });

  it('records each request with its route, mode and status', async () => {
    await call('/stock?limit=5');
    await call('/orders/ord_x/status', { key: storq.testKey });
    expect(storq.requests.map(({ method, path, query, route, mode, status, fault }) => ({ method, path, query, route, mode, status, fault }))).toEqual([
      { method: 'GET', path: '/api/v1/stock', query: { limit: '5' }, route: 'GET /stock', mode: 'live', status: 200, fault: null },
      { method: 'GET', path: '/api/v1/orders/ord_x/status', query: {}, route: 'GET /orders/{id}/status', mode: 'test', status: 404, fault: null },
    ]);
    storq.clearRequests();
    expect(storq.requests).toEqual([]);
  });
});
