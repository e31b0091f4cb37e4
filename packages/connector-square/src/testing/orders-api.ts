import type { V2Context } from './api-context.js';
import { BodyReader, parseJsonBody } from './body-reader.js';
import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import { pageWithCursor } from './cursors.js';
import { SQUARE_ORDER_STATES, type SquareOrder, type SquareOrderState } from './order-types.js';
import { fingerprintOf } from './pagination.js';
import { invalidRequest, listBody, squareError, squareJson } from './replies.js';

/** SearchOrders' page size without `limit` (spec: "Default: 500"). */
export const DEFAULT_SQUARE_ORDERS_LIMIT = 500;
/** SearchOrders' largest `limit` (spec: "Max: 1000"); more is a 400 `VALUE_TOO_HIGH`. */
export const MAX_SQUARE_ORDERS_LIMIT = 1000;
/** SearchOrders takes at most 10 `location_ids`. */
export const MAX_SQUARE_ORDERS_LOCATIONS = 10;

const SORT_FIELDS = ['CREATED_AT', 'UPDATED_AT', 'CLOSED_AT'] as const;
type SortField = (typeof SORT_FIELDS)[number];
const fieldOfSort: Record<SortField, 'created_at' | 'updated_at' | 'closed_at'> = { CREATED_AT: 'created_at', UPDATED_AT: 'updated_at', CLOSED_AT: 'closed_at' };
const UNMODELLED_FILTERS = ['fulfillment_filter', 'source_filter', 'customer_filter'];

interface OrderQuery {
  readonly locationIds: ReadonlySet<string>;
  readonly states: ReadonlySet<SquareOrderState> | undefined;
  readonly range: { readonly startMs: number | undefined; readonly endMs: number | undefined } | undefined;
  readonly sortField: SortField;
  readonly sortOrder: 'ASC' | 'DESC';
}

/** The date_time_filter's one time range and the sort field it names, or undefined without a filter. */
function readDateRange(read: BodyReader): { field: SortField; startMs: number | undefined; endMs: number | undefined } | undefined {
  const dates = read.object('date_time_filter');
  if (dates === undefined) return undefined;
  const fields = SORT_FIELDS.filter((field) => dates.has(fieldOfSort[field]));
  if (fields.length > 1) return read.refuse('INVALID_VALUE', 'Filter on one of created_at, updated_at, closed_at at a time', 'date_time_filter');
  const field = fields[0];
  if (field === undefined) return undefined;
  const range = dates.object(fieldOfSort[field]);
  const startMs = range?.time('start_at');
  const endMs = range?.time('end_at');
  if (startMs !== undefined && endMs !== undefined && endMs < startMs) return read.refuse('INVALID_TIME_RANGE', 'end_at is before start_at', `date_time_filter.${fieldOfSort[field]}`);
  return { field, startMs, endMs };
}

function readOrderQuery(read: BodyReader, merchantLocation: (id: string) => boolean): OrderQuery | undefined {
  const locationIds = read.stringArray('location_ids');
  if (locationIds === undefined || locationIds.length === 0) return read.refuse('MISSING_REQUIRED_PARAMETER', 'location_ids is required', 'location_ids');
  if (locationIds.length > MAX_SQUARE_ORDERS_LOCATIONS) return read.refuse('INVALID_VALUE', `At most ${MAX_SQUARE_ORDERS_LOCATIONS} location_ids`, 'location_ids');
  const foreign = locationIds.find((id) => !merchantLocation(id));
  if (foreign !== undefined) return read.refuse('INVALID_VALUE', `Location ${foreign} does not belong to this seller`, 'location_ids');
  const query = read.object('query');
  const filter = query?.object('filter');
  const stateFilter = filter?.object('state_filter');
  const states = stateFilter?.enumArray('states', SQUARE_ORDER_STATES);
  if (stateFilter !== undefined && states === undefined) stateFilter.refuse('MISSING_REQUIRED_PARAMETER', 'states is required', 'states');
  const unmodelled = UNMODELLED_FILTERS.find((name) => filter?.has(name));
  if (unmodelled !== undefined) filter?.refuse('BAD_REQUEST', `The fake Square does not model ${unmodelled}`, unmodelled);
  const range = filter === undefined ? undefined : readDateRange(filter);
  const sort = query?.object('sort');
  const sortField = sort === undefined ? 'CREATED_AT' : sort.enumValue('sort_field', SORT_FIELDS);
  if (sort !== undefined && !sort.has('sort_field')) sort.refuse('MISSING_REQUIRED_PARAMETER', 'sort_field is required', 'sort_field');
  const sortOrder = sort?.enumValue('sort_order', ['ASC', 'DESC'] as const, 'INVALID_SORT_ORDER') ?? 'DESC';
  // Square: "If this field does not match the timestamp field in DateTimeFilter, SearchOrders returns an error."
  if (range !== undefined && sortField !== undefined && range.field !== sortField) {
    return read.refuse('INVALID_VALUE', `date_time_filter on ${fieldOfSort[range.field]} needs sort_field ${range.field}`, 'query.sort.sort_field');
  }
  if (read.refusal !== undefined || sortField === undefined) return undefined;
  return { locationIds: new Set(locationIds), states: states === undefined ? undefined : new Set(states), range, sortField, sortOrder };
}

/** Whether an order falls in the query; a range without `end_at` ends when the walk started. */
function matcher(query: OrderQuery, startedAt: number): (order: SquareOrder) => boolean {
  const field = fieldOfSort[query.sortField];
  return (order) => {
    if (!query.locationIds.has(order.location_id) || (query.states !== undefined && !query.states.has(order.state))) return false;
    const stamp = order[field];
    if (stamp === undefined) return false; // sorting or filtering on closed_at skips open orders
    if (query.range === undefined) return true;
    const ms = Date.parse(stamp);
    return (query.range.startMs === undefined || ms >= query.range.startMs) && ms <= (query.range.endMs ?? startedAt);
  };
}

/**
 * `POST /v2/orders/search`: orders of up to 10 of the seller's locations, filtered by state and one
 * inclusive time range (whose field must be the sort field, default `CREATED_AT` `DESC`), `limit`
 * (default 500, max 1000) and `cursor` in the body. A cursor works only with the original
 * `location_ids` and `query`. `return_entries` answers `order_entries` instead of `orders`.
 * @example
 * searchOrders(context, request); // { orders: [...], cursor?: '…' }
 */
export function searchOrders(context: V2Context, request: RecordedRequest): FakeAnswer {
  const parsed = parseJsonBody(request.text());
  if ('refusal' in parsed) return parsed.refusal;
  const read = new BodyReader(parsed.body);
  const query = readOrderQuery(read, (id) => context.merchant.location(id) !== undefined);
  const limit = read.integer('limit', 1, MAX_SQUARE_ORDERS_LIMIT) ?? DEFAULT_SQUARE_ORDERS_LIMIT;
  const entries = read.boolean('return_entries') ?? false;
  const cursor = read.string('cursor');
  if (read.refusal !== undefined || query === undefined) return read.refusal ?? invalidRequest('BAD_REQUEST', 'Invalid query');
  const field = fieldOfSort[query.sortField];
  const page = pageWithCursor({
    book: context.cursors,
    scope: { route: 'POST /v2/orders/search', merchantId: context.merchant.id, fingerprint: fingerprintOf({ location_ids: parsed.body.location_ids, query: parsed.body.query ?? null }) },
    cursor,
    select: (startedAt) => context.merchant.orders.list().filter(matcher(query, startedAt)),
    keyOf: (order) => [Date.parse(order[field] ?? ''), order.id],
    order: query.sortOrder,
    limit,
  });
  if ('refusal' in page) return page.refusal;
  if (!entries) return squareJson(listBody({ orders: page.items, cursor: page.cursor }));
  const orderEntries = page.items.map((order) => ({ order_id: order.id, version: order.version, location_id: order.location_id }));
  return squareJson(listBody({ order_entries: orderEntries, cursor: page.cursor }));
}

/**
 * `GET /v2/orders/{order_id}`: `{order}`, or 404 `NOT_FOUND` for an order the seller does not have.
 * @example
 * retrieveOrder(context, request); // { order: { id, … } }
 */
export function retrieveOrder(context: V2Context, request: RecordedRequest): FakeAnswer {
  const orderId = decodeURIComponent(request.path.slice('/v2/orders/'.length));
  const order = context.merchant.orders.get(orderId);
  if (order === undefined) return squareError('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Could not find order with id: ${orderId}`);
  return squareJson({ order });
}
