import type { FakeAnswer, FakeReply, FakeVendor, RecordedRequest } from './core-test-kit.js';
import type { StorqState } from './fake-storq-state.js';
import { LIST_PAGING, ORDERS_PAGING } from './pagination.js';
import { storqError, storqJson } from './replies.js';
import type { StorqMode } from './types.js';
import { checkOrderInput, checkProductInput, parseJsonObject } from './validation.js';

/** Where the fake serves the API; `baseUrl` is `url + STORQ_API_PATH`. */
export const STORQ_API_PATH = '/api/v1';

export interface StorqApiContext {
  readonly state: StorqState;
  readonly keys: Readonly<Record<StorqMode, string>>;
  /** How many of the next order creations hang after creating; the handler counts it down. */
  readonly hangs: { pendingCreateThenHang: number };
}

/**
 * The mode of the key a request carries, or storq's 401 `authentication_error`.
 * @example
 * modeOfKey(keys, request.headers.authorization); // 'live', 'test', or a 401 answer
 */
export function modeOfKey(keys: Readonly<Record<StorqMode, string>>, authorization: string | string[] | undefined): StorqMode | FakeAnswer {
  const refuse = (message: string): FakeAnswer => storqError('authentication_error', message, { headers: { 'www-authenticate': 'Bearer' } });
  if (typeof authorization !== 'string' || authorization === '') return refuse('No API key provided; send Authorization: Bearer <key>');
  const key = /^Bearer (.+)$/i.exec(authorization)?.[1];
  if (key === keys.live) return 'live';
  if (key === keys.test) return 'test';
  return refuse('Invalid API key provided');
}

/**
 * Registers storq's endpoints on a fake vendor, under {@link STORQ_API_PATH}: the builder applies
 * scripted faults, the fault plan and the key check before any of them runs, and pages the lists.
 * @example
 * registerStorqApi(vendor, context);
 */
export function registerStorqApi(vendor: FakeVendor, context: StorqApiContext): void {
  const { state } = context;
  const modeOf = (request: RecordedRequest): StorqMode => modeOfKey(context.keys, request.headers.authorization) as StorqMode;
  const at = (path: string): string => `${STORQ_API_PATH}${path}`;
  vendor
    .records(at('/stock'), (request) => filterBy(state.stock(modeOf(request)), 'sku', request.query.get('sku')), { ...LIST_PAGING, recordsKey: 'stock' })
    .records(at('/products'), (request) => filterBy(state.products(modeOf(request)), 'sku', request.query.get('sku')), { ...LIST_PAGING, recordsKey: 'products' })
    .records(at('/orders'), (request) => state.sequencedOrders(modeOf(request)).filter((entry) => matchesExternalId(entry.order.external_id, request)), ORDERS_PAGING)
    .route('POST', at('/products'), (request) => createProduct(state, modeOf(request), request))
    .route('POST', at('/orders'), (request) => createOrder(context, modeOf(request), request))
    .route('GET', at('/orders/{id}/status'), (request, { params }) => orderStatus(state, modeOf(request), params['id']!))
    // Unknown routes under the API still go through faults and the key check, as at storq.
    .route('*', at('/*'), () => storqError('not_found', 'No such route'));
}

function matchesExternalId(externalId: string, request: RecordedRequest): boolean {
  const wanted = request.query.get('external_id');
  return wanted === null || externalId === wanted;
}

function orderStatus(state: StorqState, mode: StorqMode, id: string): FakeAnswer {
  const order = state.order(mode, id);
  if (order === undefined) return storqError('not_found', 'No such order');
  return storqJson({ id: order.id, status: order.status, tracking_number: order.tracking_number, shipped_at: order.shipped_at });
}

function filterBy<T extends Record<K, string>, K extends string>(items: T[], field: K, value: string | null): T[] {
  return value === null ? items : items.filter((item) => item[field] === value);
}

function createProduct(state: StorqState, mode: StorqMode, request: RecordedRequest): FakeAnswer {
  const body = parseJsonObject(request.text());
  if (body === undefined) return storqError('invalid_request_error', 'The body must be a JSON object');
  const checked = checkProductInput(body);
  if ('invalid' in checked) return storqError('invalid_request_error', checked.invalid.message, { param: checked.invalid.param });
  const product = state.addProduct(mode, checked.ok);
  if (product === 'duplicate') return storqError('conflict', 'A product with this sku already exists', { param: 'sku' });
  return storqJson(product, 201);
}

function createOrder(context: StorqApiContext, mode: StorqMode, request: RecordedRequest): FakeReply {
  const body = parseJsonObject(request.text());
  if (body === undefined) return storqError('invalid_request_error', 'The body must be a JSON object');
  const checked = checkOrderInput(body);
  if ('invalid' in checked) return storqError('invalid_request_error', checked.invalid.message, { param: checked.invalid.param });
  // storq does not deduplicate external_id: clients look up GET /orders?external_id= first.
  const order = context.state.addOrder(mode, checked.ok);
  if (context.hangs.pendingCreateThenHang > 0) {
    context.hangs.pendingCreateThenHang -= 1;
    return { fault: 'hang' };
  }
  return storqJson(order, 201);
}
