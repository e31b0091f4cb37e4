import { describe, expect, it } from 'vitest';
import { isConnectdError, type ConnectdError } from '../errors/index.js';
import { compileAction } from './compile-action.js';
import type { ActionConnection, ActionDeclaration } from './types.js';
import { validateActionInput } from './validate-input.js';
import { rejectionOf } from '../testing/rejection.js';

const neverSends: ActionConnection['client'] = {
  send: () => Promise.reject(new Error('compile tests send nothing')),
};

function connection(baseUrl: string, templateValues: Record<string, unknown> = {}): ActionConnection {
  return { client: neverSends, baseUrl, templateValues };
}

function thrown(fn: () => unknown): ConnectdError {
  try {
    fn();
  } catch (err) {
    if (isConnectdError(err)) return err;
    throw err;
  }
  throw new Error('expected a throw');
}

describe('compileAction', () => {
  it('reports every problem of a definition at once, each with its path and underlying code', () => {
    const broken: ActionDeclaration = {
      request: { path: '/orders', body: '{ "a": ' },
      input_schema: { type: 'object', requried: ['sku'] },
      map: '$$$(',
      idempotency: { key: 'external_id', lookup: { path: '/orders', records: '[' } },
    };
    const err = thrown(() => compileAction('storq', 'create_order', broken));
    expect(err.code).toBe('CONNECTD_ERR_ACTION_DEFINITION_INVALID');
    expect(err.exitCode).toBe(2);
    const issues = err.details['issues'] as Array<{ path: string[]; code: string }>;
    expect(issues.map((i) => i.path.join('.'))).toEqual(['input_schema', 'request.body', 'map', 'idempotency.lookup.records']);
    expect(issues.filter((i) => i.code === 'CONNECTD_ERR_MAPPING_COMPILE')).toHaveLength(3);
  });

  it('rejects an idempotency key that neither a lookup nor a header puts to use', () => {
    const err = thrown(() => compileAction('storq', 'ship', { request: { path: '/shipments' }, idempotency: { key: 'ref' } }));
    expect(err.details['issues']).toEqual([expect.objectContaining({ path: ['idempotency'] })]);
  });

  it('treats only idempotent methods and declared idempotency as safe to repeat', () => {
    expect(compileAction('c', 'a', { request: { path: '/x' } }).retrySafe).toBe(false);
    expect(compileAction('c', 'a', { request: { path: '/x', method: 'PUT' } }).retrySafe).toBe(true);
    expect(compileAction('c', 'a', { request: { path: '/x' }, idempotency: { key: 'k', header: 'Idempotency-Key' } }).retrySafe).toBe(true);
  });

  it('lets a declared request.idempotent decide instead of the method', () => {
    expect(compileAction('c', 'a', { request: { path: '/x', idempotent: true } })).toMatchObject({ idempotent: true, retrySafe: true });
    expect(compileAction('c', 'a', { request: { path: '/x', method: 'PUT', idempotent: false } })).toMatchObject({ idempotent: false, retrySafe: false });
    expect(compileAction('c', 'a', { request: { path: '/x', idempotent: false }, idempotency: { key: 'k', header: 'Idempotency-Key' } }).retrySafe).toBe(true);
    expect(compileAction('c', 'a', { request: { path: '/x' } }).idempotent).toBeUndefined();
  });
});

describe('preparing a request', () => {
  it('sends the input itself as the body when no body is declared', async () => {
    const action = compileAction('storq', 'create_product', { request: { path: '/products' } });
    const { request } = await action.prepare({ name: 'Mug', sku: 'S-1' }, connection('https://vendor.example/api'));
    expect(request).toMatchObject({ method: 'POST', url: 'https://vendor.example/api/products', body: '{"name":"Mug","sku":"S-1"}' });
    expect(request.headers['content-type']).toBe('application/json');
  });

  it('renders a literal body with placeholders from the input', async () => {
    const action = compileAction('c', 'a', { request: { path: '/x', body: { item: { code: '{sku}' }, fixed: 1 } } });
    const { request } = await action.prepare({ sku: 'S-1' }, connection('https://vendor.example'));
    expect(JSON.parse(String(request.body))).toEqual({ item: { code: 'S-1' }, fixed: 1 });
  });

  it('lets connection values win over input fields, so an input cannot redirect the request', async () => {
    const action = compileAction('c', 'a', { request: { path: '/orders/{id}' } });
    const { request } = await action.prepare({ shop: 'evil.example', id: '7' }, connection('https://{shop}.vendor.example', { shop: 'acme' }));
    expect(request.url).toBe('https://acme.vendor.example/orders/7');
  });

  it('renders the lookup query from the body, which may rename input fields', async () => {
    const action = compileAction('c', 'a', {
      request: { path: '/shipments', body: '{ "reference": order_id }' },
      idempotency: { key: 'reference', lookup: { path: '/shipments', query: { reference: '{{reference}}', limit: 1 } } },
    });
    const prepared = await action.prepare({ order_id: 'A 1' }, connection('https://vendor.example'));
    expect(prepared.key).toBe('A 1');
    expect(prepared.lookup?.url).toBe('https://vendor.example/shipments?reference=A+1&limit=1');
    expect(prepared.lookup?.method).toBe('GET');
  });

  it('refuses a body without the idempotency key, and a body expression that gives no object', async () => {
    const keyed = compileAction('c', 'a', { request: { path: '/x' }, idempotency: { key: 'external_id', header: 'Idempotency-Key' } });
    expect((await rejectionOf(keyed.prepare({ other: 1 }, connection('https://v.example')))).code).toBe('CONNECTD_ERR_ACTION_BODY_INVALID');
    const empty = compileAction('c', 'a', { request: { path: '/x', body: 'missing_field' } });
    expect((await rejectionOf(empty.prepare({}, connection('https://v.example')))).code).toBe('CONNECTD_ERR_ACTION_BODY_INVALID');
  });
});

describe('validateActionInput', () => {
  it('returns a copy with schema defaults and leaves the caller input as sent', () => {
    const action = compileAction('c', 'a', {
      request: { path: '/x' },
      input_schema: { type: 'object', properties: { quantity: { type: 'integer', default: 1 } } },
    });
    const input = {};
    expect(validateActionInput(action, input)).toEqual({ quantity: 1 });
    expect(input).toEqual({});
  });

  it('points at a missing nested field itself', () => {
    const action = compileAction('c', 'a', {
      request: { path: '/x' },
      input_schema: { type: 'object', properties: { line_items: { type: 'array', items: { type: 'object', required: ['sku'] } } } },
    });
    const err = thrown(() => validateActionInput(action, { line_items: [{}] }));
    expect(err.details['errors']).toEqual([{ path: '/line_items/0/sku', message: 'is required' }]);
  });
});
