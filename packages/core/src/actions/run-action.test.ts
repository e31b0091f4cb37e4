import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { createConnectionClient, type ConnectionClient } from '../http/index.js';
import { createLogger } from '../log/index.js';
import { createFakeHttpServer, reply, type FakeHttpServer, type RecordedRequest } from '../testing/fake-http-server.js';
import { compileAction } from './compile-action.js';
import { runAction, type ActionRunOptions } from './run-action.js';
import type { ActionConnection, ActionDeclaration } from './types.js';
import { rejectionOf } from '../testing/rejection.js';

const log = createLogger({ level: 'silent' });

const createOrder: ActionDeclaration = {
  request: {
    path: '/orders',
    body: '{ "customer_email": customer_email, "external_id": external_id, "line_items": [line_items.{ "sku": sku, "quantity": quantity }] }',
  },
  input_schema: {
    type: 'object',
    additionalProperties: false,
    required: ['customer_email', 'external_id', 'line_items'],
    properties: {
      customer_email: { type: 'string', format: 'email' },
      external_id: { type: 'string', minLength: 1 },
      line_items: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['sku', 'quantity'],
          properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
        },
      },
    },
  },
  map: '{ "order_id": id, "external_id": external_id, "status": status }',
  idempotency: { key: 'external_id', lookup: { path: '/orders', query: { external_id: '{{external_id}}' } } },
};

const orderInput = { customer_email: 'ann@example.com', external_id: 'A-1', line_items: [{ sku: 'SKU-1', quantity: 2 }] };

let server: FakeHttpServer;
let client: ConnectionClient;
let orders: Array<Record<string, unknown>>;
let sleeps: number[];

/** A vendor like storq: POST /orders creates (never dedupes), GET /orders?external_id= filters. */
function serveOrders(): void {
  server.route('GET', '/api/v1/orders', (req) => reply.json(orders.filter((o) => o['external_id'] === req.query.get('external_id'))));
  server.route('POST', '/api/v1/orders', (req) => reply.json(saveOrder(req), 201));
}

function saveOrder(req: RecordedRequest): Record<string, unknown> {
  const order = { id: `ord_${orders.length + 1}`, status: 'pending', ...req.json<Record<string, unknown>>() };
  orders.push(order);
  return order;
}

function connection(values: Record<string, unknown> = {}): ActionConnection {
  return { client, baseUrl: `${server.url}/api/v1`, templateValues: values };
}

function run(declaration: ActionDeclaration, input: unknown, extra: Partial<ActionRunOptions> = {}) {
  const action = compileAction('storq', 'create_order', declaration);
  return runAction({ action, connection: connection(), input, log, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, ...extra });
}

beforeEach(async () => {
  server = await createFakeHttpServer();
  // The client's own retries (of the lookup GET) must not wait in real time either.
  client = createConnectionClient({ name: 'storq:test', log, timeouts: { headersMs: 300 }, sleep: async () => {}, random: () => 0 });
  orders = [];
  sleeps = [];
});
afterEach(async () => {
  await client.close();
  await server.close();
});

describe('runAction', () => {
  it('looks the order up, creates it once, and returns the mapped response', async () => {
    serveOrders();
    const result = await run(createOrder, orderInput);
    expect(result).toEqual({ outcome: 'created', status: 201, attempts: 1, result: { order_id: 'ord_1', external_id: 'A-1', status: 'pending' } });
    const [lookup, post] = server.requests;
    expect(lookup?.method).toBe('GET');
    expect(lookup?.query.get('external_id')).toBe('A-1');
    expect(post?.json()).toEqual(orderInput);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers['idempotency-key']).toBeUndefined();
  });

  it('returns an order the lookup finds without posting anything', async () => {
    serveOrders();
    orders.push({ id: 'ord_9', status: 'shipped', ...orderInput }, { id: 'ord_8', status: 'pending', external_id: 'B-2' });
    const result = await run(createOrder, orderInput);
    expect(result).toEqual({ outcome: 'existing', status: 200, attempts: 1, result: { order_id: 'ord_9', external_id: 'A-1', status: 'shipped' } });
    expect(server.requestsTo('POST', '/api/v1/orders')).toHaveLength(0);
  });

  it('creates exactly one order when the first POST times out after the vendor stored it', async () => {
    serveOrders();
    server.route('POST', '/api/v1/orders', (req, { count }) => {
      const order = saveOrder(req);
      return count === 1 ? reply.hang() : reply.json(order, 201);
    });
    const result = await run(createOrder, orderInput);
    expect(result.outcome).toBe('existing');
    expect(result.attempts).toBe(2);
    expect(result.result).toEqual({ order_id: 'ord_1', external_id: 'A-1', status: 'pending' });
    expect(server.requestsTo('POST', '/api/v1/orders')).toHaveLength(1);
    expect(orders).toHaveLength(1);
  });

  it('waits as long as Retry-After asks after a 429, then creates the order', async () => {
    serveOrders();
    server.enqueue('POST', '/api/v1/orders', reply.retryAfter(2));
    const result = await run(createOrder, orderInput);
    expect(result).toMatchObject({ outcome: 'created', attempts: 2 });
    expect(sleeps).toEqual([2000]);
    expect(server.requestsTo('POST', '/api/v1/orders')).toHaveLength(2);
    expect(server.requestsTo('GET', '/api/v1/orders')).toHaveLength(2);
  });

  it('passes a 400 on with the vendor error and does not retry', async () => {
    serveOrders();
    const vendorError = { error: { type: 'invalid_request_error', message: 'unknown sku SKU-1', param: 'line_items' } };
    server.route('POST', '/api/v1/orders', reply.json(vendorError, 400));
    const err = await rejectionOf(run(createOrder, orderInput));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_VENDOR_REJECTED');
    expect(err.exitCode).toBe(2);
    expect(err.httpStatus).toBe(422);
    expect(err.details).toMatchObject({ stage: 'request', status: 400, vendorError, summary: 'invalid_request_error: unknown sku SKU-1' });
    expect(server.requestsTo('POST', '/api/v1/orders')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('cuts a vendor error that is not JSON to 1,000 characters', async () => {
    serveOrders();
    server.route('POST', '/api/v1/orders', { status: 403, body: 'x'.repeat(5000) });
    const err = await rejectionOf(run(createOrder, orderInput));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_VENDOR_REJECTED');
    expect(String(err.details['vendorError'])).toHaveLength(1001);
  });

  it('reports every input error at once, with JSON pointers, and sends nothing', async () => {
    serveOrders();
    const input = { customer_email: 'not-an-email', line_items: [{ sku: 'SKU-1', quantity: 0 }, { quantity: 1.5 }], colour: 'red' };
    const err = await rejectionOf(run(createOrder, input));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_INPUT_INVALID');
    expect(err.httpStatus).toBe(400);
    expect(err.exitCode).toBe(2);
    const paths = (err.details['errors'] as Array<{ path: string }>).map((e) => e.path);
    expect(paths.sort()).toEqual(['/colour', '/customer_email', '/external_id', '/line_items/0/quantity', '/line_items/1/quantity', '/line_items/1/sku'].sort());
    expect(server.requests).toHaveLength(0);
  });

  it('fails for the job to retry when 5xx answers outlast the attempts, looking up before each POST', async () => {
    serveOrders();
    server.route('POST', '/api/v1/orders', reply.status(503));
    const err = await rejectionOf(run(createOrder, orderInput, { maxAttempts: 3 }));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_FAILED');
    expect(err.exitCode).toBe(1);
    expect(err.details).toMatchObject({ attempts: 3, status: 503 });
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'POST', 'GET', 'POST']);
    expect(sleeps).toHaveLength(2);
  });

  it('never posts blind when the lookup fails', async () => {
    serveOrders();
    server.route('GET', '/api/v1/orders', reply.status(503));
    const err = await rejectionOf(run(createOrder, orderInput, { maxAttempts: 2 }));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_FAILED');
    expect(isConnectdError(err.cause, 'CONNECTD_ERR_HTTP_RETRIES_EXHAUSTED')).toBe(true);
    expect(server.requestsTo('POST', '/api/v1/orders')).toHaveLength(0);
  });

  it('ignores lookup records whose key differs (a vendor that ignores the filter)', async () => {
    server.route('GET', '/api/v1/orders', () => reply.json(orders));
    server.route('POST', '/api/v1/orders', (req) => reply.json(saveOrder(req), 201));
    orders.push({ id: 'ord_0', status: 'pending', external_id: 'OTHER' });
    const result = await run(createOrder, orderInput);
    expect(result.outcome).toBe('created');
    expect(orders).toHaveLength(2);
  });

  it('returns the existing product when the POST answers 409 after a lookup that missed it', async () => {
    const createProduct: ActionDeclaration = {
      request: { path: '/products' },
      input_schema: { type: 'object', required: ['name', 'sku'], properties: { name: { type: 'string' }, sku: { type: 'string' } } },
      idempotency: { key: 'sku', lookup: { path: '/products', query: { sku: '{{sku}}' }, records: '$.products' } },
    };
    server.enqueue('GET', '/api/v1/products', reply.json({ products: [], next_cursor: null }));
    server.route('GET', '/api/v1/products', reply.json({ products: [{ id: 'prod_1', sku: 'SKU-1', name: 'Mug' }], next_cursor: null }));
    server.route('POST', '/api/v1/products', reply.json({ error: { type: 'conflict', message: 'sku exists' } }, 409));
    const result = await run(createProduct, { name: 'Mug', sku: 'SKU-1' });
    expect(result).toEqual({ outcome: 'existing', status: 200, attempts: 1, result: { id: 'prod_1', sku: 'SKU-1', name: 'Mug' } });
    expect(server.requestsTo('POST', '/api/v1/products')[0]?.json()).toEqual({ name: 'Mug', sku: 'SKU-1' });
  });

  it('refuses a lookup answer that is not a list when no records path is set, and sends nothing', async () => {
    server.route('GET', '/api/v1/orders', reply.json({ orders: [] }));
    const err = await rejectionOf(run(createOrder, orderInput));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_LOOKUP_UNREADABLE');
    expect(server.requestsTo('POST', '/api/v1/orders')).toHaveLength(0);
  });

  it('fills path placeholders from the input and the connection, and sends the key in the declared header', async () => {
    const cancel: ActionDeclaration = {
      request: { method: 'POST', path: '/stores/{store}/orders/{external_id}/cancel', body: '{ "external_id": external_id, "reason": reason }' },
      idempotency: { key: 'external_id', header: 'Idempotency-Key' },
    };
    server.route('POST', '/api/v1/stores/main%20store/orders/A%2F1/cancel', reply.json({ ok: true }));
    const action = compileAction('storq', 'cancel_order', cancel);
    const result = await runAction({ action, connection: connection({ store: 'main store' }), input: { external_id: 'A/1', reason: 'dup' }, log });
    expect(result).toEqual({ outcome: 'created', status: 200, attempts: 1, result: { ok: true } });
    const [post] = server.requests;
    expect(post?.headers['idempotency-key']).toBe('A/1');
    expect(post?.json()).toEqual({ external_id: 'A/1', reason: 'dup' });
  });

  it('does not repeat an action without idempotency whose outcome is unknown, but repeats it after a 429', async () => {
    const ship: ActionDeclaration = { request: { path: '/shipments' } };
    server.enqueue('POST', '/api/v1/shipments', reply.retryAfter(1), reply.status(502));
    const err = await rejectionOf(run(ship, { order: 'A-1' }));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_OUTCOME_UNKNOWN');
    expect(err.exitCode).toBe(2);
    expect(err.details).toMatchObject({ attempts: 2, status: 502 });
    expect(server.requestsTo('POST', '/api/v1/shipments')).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  it('repeats a POST declared idempotent, in the client and in the run, and never repeats a PUT declared not idempotent', async () => {
    const search: ActionDeclaration = { request: { path: '/orders/search', idempotent: true } };
    server.route('POST', '/api/v1/orders/search', reply.json({ orders: [] })).enqueue('POST', '/api/v1/orders/search', reply.status(503), reply.reset());
    expect(await run(search, { status: 'open' })).toMatchObject({ outcome: 'created', status: 200, attempts: 1 });
    expect(server.requestsTo('POST', '/api/v1/orders/search')).toHaveLength(3);

    const put: ActionDeclaration = { request: { method: 'PUT', path: '/stock', idempotent: false } };
    server.route('PUT', '/api/v1/stock', reply.status(502));
    const err = await rejectionOf(run(put, { sku: 'SKU-1', quantity: 3 }));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_OUTCOME_UNKNOWN');
    expect(server.requestsTo('PUT', '/api/v1/stock')).toHaveLength(1);
  });

  it('ends the run when the vendor asks to wait longer than maxWaitMs', async () => {
    serveOrders();
    server.route('POST', '/api/v1/orders', reply.retryAfter(600));
    const err = await rejectionOf(run(createOrder, orderInput, { maxWaitMs: 60_000 }));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_FAILED');
    expect(server.requestsTo('POST', '/api/v1/orders')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});
