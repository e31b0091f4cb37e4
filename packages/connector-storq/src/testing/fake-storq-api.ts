import type { FakeAnswer, FakeReply } from './core-test-kit.js';
import type { StorqState } from './fake-storq-state.js';
import type { FaultPlan, StorqFaultKind } from './faults.js';
import { decodeCursor, pageOf, parseLimit, type SortKey } from './pagination.js';
import { storqError, storqJson } from './replies.js';
import type { StorqMode } from './types.js';
import { checkOrderInput, checkProductInput, parseJsonObject } from './validation.js';

/** Where the fake serves the API; `baseUrl` is `url + STORQ_API_PATH`. */
export const STORQ_API_PATH = '/api/v1';

/** The request as the API handler needs it (a subset of core's `RecordedRequest`). */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  text(): string;
}

/** What the handler did with one request, for the request log. */
export interface ApiOutcome {
  readonly reply: FakeReply;
  /** The route matched, e.g. `GET /orders/{id}/status`; null for unknown paths and requests refused before routing. */
  readonly route: string | null;
  readonly mode: StorqMode | null;
  readonly fault: StorqFaultKind | null;
}

export interface StorqApiContext {
  readonly state: StorqState;
  readonly faults: FaultPlan;
  readonly keys: Readonly<Record<StorqMode, string>>;
  /** Absolute base URL for `Link` headers. */
  readonly baseUrl: string;
  /** How many of the next order creations hang after creating; the handler counts it down. */
  readonly hangs: { pendingCreateThenHang: number };
}

type Routed = { readonly route: string; readonly answer: FakeAnswer } | { readonly route: 'POST /orders'; readonly hang: true };

const orderStatusPath = /^\/orders\/([^/]+)\/status$/;

/**
 * Serves one storq API request: injected faults first (answered before anything changes), then
 * the key check (live, test or 401), then the endpoint.
 * @example
 * const outcome = serveStorqApi(context, request); // outcome.reply goes back through the fake HTTP server
 */
export function serveStorqApi(context: StorqApiContext, request: ApiRequest): ApiOutcome {
  if (request.path !== STORQ_API_PATH && !request.path.startsWith(`${STORQ_API_PATH}/`)) {
    return { reply: storqError('not_found', 'No such route'), route: null, mode: null, fault: null };
  }
  const decision = context.faults.decide();
  if (decision.kind !== 'none') return { reply: decision.reply, route: null, mode: null, fault: decision.kind };

  const mode = modeOfKey(context.keys, request.headers.authorization);
  if (typeof mode === 'object') return { reply: mode, route: null, mode: null, fault: null };

  const routed = route(context, mode, request.method.toUpperCase(), request.path.slice(STORQ_API_PATH.length), request);
  if (routed === undefined) return { reply: storqError('not_found', 'No such route'), route: null, mode, fault: null };
  if ('hang' in routed) return { reply: { fault: 'hang' }, route: routed.route, mode, fault: 'create_then_hang' };
  const answer = decision.delayMs > 0 ? { ...routed.answer, delayMs: decision.delayMs } : routed.answer;
  return { reply: answer, route: routed.route, mode, fault: null };
}

function modeOfKey(keys: Readonly<Record<StorqMode, string>>, authorization: string | string[] | undefined): StorqMode | FakeAnswer {
  const refuse = (message: string): FakeAnswer => storqError('authentication_error', message, { headers: { 'www-authenticate': 'Bearer' } });
  if (typeof authorization !== 'string' || authorization === '') return refuse('No API key provided; send Authorization: Bearer <key>');
  const key = /^Bearer (.+)$/i.exec(authorization)?.[1];
  if (key === keys.live) return 'live';
  if (key === keys.test) return 'test';
  return refuse('Invalid API key provided');
}

function route(context: StorqApiContext, mode: StorqMode, method: string, path: string, request: ApiRequest): Routed | undefined {
  const { state } = context;
  if (path === '/stock' && method === 'GET') {
    const rows = filterBy(state.stock(mode), 'sku', request.query.get('sku'));
    const page = listPage(rows, (row) => row.sku, request.query, 'string');
    return { route: 'GET /stock', answer: 'refusal' in page ? page.refusal : storqJson({ stock: page.items, next_cursor: page.nextCursor }) };
  }
  if (path === '/products' && method === 'GET') {
    const products = filterBy(state.products(mode), 'sku', request.query.get('sku'));
    const page = listPage(products, (product) => product.sku, request.query, 'string');
    return { route: 'GET /products', answer: 'refusal' in page ? page.refusal : storqJson({ products: page.items, next_cursor: page.nextCursor }) };
  }
  if (path === '/products' && method === 'POST') return { route: 'POST /products', answer: createProduct(state, mode, request) };
  if (path === '/orders' && method === 'GET') return { route: 'GET /orders', answer: listOrders(context, mode, request.query) };
  if (path === '/orders' && method === 'POST') return createOrder(context, mode, request);
  const statusMatch = orderStatusPath.exec(path);
  if (statusMatch !== null && method === 'GET') {
    const order = state.order(mode, decodeURIComponent(statusMatch[1]!));
    const answer =
      order === undefined
        ? storqError('not_found', 'No such order')
        : storqJson({ id: order.id, status: order.status, tracking_number: order.tracking_number, shipped_at: order.shipped_at });
    return { route: 'GET /orders/{id}/status', answer };
  }
  return undefined;
}

function filterBy<T extends Record<K, string>, K extends string>(items: T[], field: K, value: string | null): T[] {
  return value === null ? items : items.filter((item) => item[field] === value);
}

function listPage<T>(
  items: readonly T[],
  keyOf: (item: T) => SortKey,
  query: URLSearchParams,
  keyKind: 'string' | 'number',
): { items: T[]; nextCursor: string | null } | { refusal: FakeAnswer } {
  const limit = parseLimit(query.get('limit'));
  if (limit === undefined) return { refusal: storqError('invalid_request_error', 'limit must be an integer from 1 to 100', { param: 'limit' }) };
  const cursor = query.get('cursor');
  const after = cursor === null ? undefined : decodeCursor(cursor, keyKind);
  if (cursor !== null && after === undefined) {
    return { refusal: storqError('invalid_request_error', 'cursor is not one this list handed out', { param: 'cursor' }) };
  }
  return pageOf(items, keyOf, limit, after);
}

function listOrders(context: StorqApiContext, mode: StorqMode, query: URLSearchParams): FakeAnswer {
  const externalId = query.get('external_id');
  const entries = context.state.sequencedOrders(mode).filter((entry) => externalId === null || entry.order.external_id === externalId);
  const page = listPage(entries, (entry) => entry.seq, query, 'number');
  if ('refusal' in page) return page.refusal;
  const headers: Record<string, string> = {};
  if (page.nextCursor !== null) {
    // The next page keeps every parameter of this one (limit, external_id) with the new cursor.
    const next = new URLSearchParams(query);
    next.set('cursor', page.nextCursor);
    headers.link = `<${context.baseUrl}/orders?${next.toString()}>; rel="next"`;
  }
  return storqJson(
    page.items.map((entry) => entry.order),
    200,
    headers,
  );
}

function createProduct(state: StorqState, mode: StorqMode, request: ApiRequest): FakeAnswer {
  const body = parseJsonObject(request.text());
  if (body === undefined) return storqError('invalid_request_error', 'The body must be a JSON object');
  const checked = checkProductInput(body);
  if ('invalid' in checked) return storqError('invalid_request_error', checked.invalid.message, { param: checked.invalid.param });
  const product = state.addProduct(mode, checked.ok);
  if (product === 'duplicate') return storqError('conflict', 'A product with this sku already exists', { param: 'sku' });
  return storqJson(product, 201);
}

function createOrder(context: StorqApiContext, mode: StorqMode, request: ApiRequest): Routed {
  const answered = (answer: FakeAnswer): Routed => ({ route: 'POST /orders', answer });
  const body = parseJsonObject(request.text());
  if (body === undefined) return answered(storqError('invalid_request_error', 'The body must be a JSON object'));
  const checked = checkOrderInput(body);
  if ('invalid' in checked) return answered(storqError('invalid_request_error', checked.invalid.message, { param: checked.invalid.param }));
  // storq does not deduplicate external_id: clients look up GET /orders?external_id= first.
  const order = context.state.addOrder(mode, checked.ok);
  if (context.hangs.pendingCreateThenHang > 0) {
    context.hangs.pendingCreateThenHang -= 1;
    return { route: 'POST /orders', hang: true };
  }
  return answered(storqJson(order, 201));
}
