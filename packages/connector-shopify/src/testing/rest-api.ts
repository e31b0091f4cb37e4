import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import { stringifyJson } from './json-text.js';
import { hasScope } from './oauth-app.js';
import { decodePageInfo, PAGE_INFO_PARAMS, pickFields, readLimit, restError, restPage, type RestKey } from './rest-paging.js';
import { restInventoryLevel, restLocation, restOrder, restProduct, type RestObject } from './rest-views.js';
import type { ShopState } from './shop-state.js';
import type { ShopifyInventoryLevel, ShopifyOrder, ShopifyProduct } from './shop-types.js';
import { DAY_MS, parseTimestamp } from './time.js';

/** Inventory levels take at most 50 ids in each of `inventory_item_ids` and `location_ids`. */
export const MAX_SHOPIFY_INVENTORY_LEVEL_IDS = 50;

/** What a REST endpoint works with. */
export interface RestContext {
  readonly state: ShopState;
  readonly scopes: readonly string[];
  /** `{shop origin}/admin/api/{version}`, the base of `Link` URLs. */
  readonly apiBase: string;
  readonly nowMs: number;
  /** Orders older than this many days are hidden (no `read_all_orders`); undefined shows all. */
  readonly ordersWindowDays: number | undefined;
}

type Filter<T> = (item: T) => boolean;
interface ListSpec<T> {
  readonly resource: string;
  readonly scope: string;
  /** Builds the filter from the first request's parameters; an answer for a bad one. */
  readonly filter: (params: Readonly<Record<string, string>>, context: RestContext) => Filter<T> | FakeAnswer;
  readonly items: (context: RestContext, params: Readonly<Record<string, string>>) => T[];
  readonly keyOf: (item: T, params: Readonly<Record<string, string>>) => RestKey;
  readonly view: (state: ShopState, item: T) => RestObject;
}

const json = (value: unknown): FakeAnswer => ({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: stringifyJson(value) });
const idList = (text: string | undefined): string[] | undefined => (text === undefined ? undefined : text.split(',').map((s) => s.trim()).filter((s) => s !== ''));

/** A filter on time bounds like `updated_at_min`; an answer when one is not a timestamp. */
function timeBounds<T>(params: Readonly<Record<string, string>>, bounds: Readonly<Record<string, (item: T) => number>>): Filter<T>[] | FakeAnswer {
  const filters: Filter<T>[] = [];
  for (const [name, get] of Object.entries(bounds)) {
    for (const side of ['min', 'max'] as const) {
      const text = params[`${name}_${side}`];
      if (text === undefined) continue;
      const ms = parseTimestamp(text);
      if (ms === undefined) return restError(400, { [`${name}_${side}`]: ['is not a valid date'] });
      filters.push(side === 'min' ? (item) => get(item) >= ms : (item) => get(item) <= ms);
    }
  }
  return filters;
}

const all = <T>(filters: readonly Filter<T>[]): Filter<T> => (item) => filters.every((f) => f(item));
const byId = (ids: readonly string[] | undefined, sinceId: string | undefined, idOf: (x: any) => string): Filter<any>[] => [
  ...(ids === undefined ? [] : [(x: any) => ids.includes(idOf(x))]),
  ...(sinceId === undefined ? [] : [(x: any) => BigInt(idOf(x)) > BigInt(/^\d+$/.test(sinceId) ? sinceId : '0')]),
];

const PRODUCTS: ListSpec<ShopifyProduct> = {
  resource: 'products',
  scope: 'read_products',
  filter: (params) => {
    const times = timeBounds<ShopifyProduct>(params, { updated_at: (p) => p.updatedAtMs, created_at: (p) => p.createdAtMs });
    if (!Array.isArray(times)) return times;
    const statuses = idList(params.status);
    const extra: Filter<ShopifyProduct>[] = [
      ...(statuses === undefined ? [] : [(p: ShopifyProduct) => statuses.includes(p.status)]),
      ...(params.vendor === undefined ? [] : [(p: ShopifyProduct) => p.vendor === params.vendor]),
      ...(params.product_type === undefined ? [] : [(p: ShopifyProduct) => p.productType === params.product_type]),
    ];
    return all([...times, ...extra, ...byId(idList(params.ids), params.since_id, (p) => p.id)]);
  },
  items: (context) => [...context.state.products.values()],
  keyOf: (p) => [BigInt(p.id)],
  view: restProduct,
};

const INVENTORY_LEVELS: ListSpec<ShopifyInventoryLevel> = {
  resource: 'inventory_levels',
  scope: 'read_inventory',
  filter: (params) => {
    const items = idList(params.inventory_item_ids);
    const locations = idList(params.location_ids);
    if (items === undefined && locations === undefined) return restError(422, { base: ['inventory_item_ids or location_ids must be present'] });
    for (const [name, list] of [['inventory_item_ids', items], ['location_ids', locations]] as const) {
      if (list !== undefined && list.length > MAX_SHOPIFY_INVENTORY_LEVEL_IDS) return restError(422, { [name]: [`must have at most ${MAX_SHOPIFY_INVENTORY_LEVEL_IDS} ids`] });
    }
    const times = timeBounds<ShopifyInventoryLevel>(params, { updated_at: (l) => l.updatedAtMs });
    if (!Array.isArray(times)) return times;
    return all([...times, (l) => (items === undefined || items.includes(l.inventoryItemId)) && (locations === undefined || locations.includes(l.locationId))]);
  },
  items: (context) => [...context.state.levels.values()],
  keyOf: (l) => [BigInt(l.locationId), BigInt(l.inventoryItemId)],
  view: restInventoryLevel,
};

const ORDER_FULFILLMENT: Readonly<Record<string, Filter<ShopifyOrder>>> = {
  shipped: (o) => o.fulfillmentStatus === 'fulfilled',
  partial: (o) => o.fulfillmentStatus === 'partial',
  unshipped: (o) => o.fulfillmentStatus === null,
  unfulfilled: (o) => o.fulfillmentStatus !== 'fulfilled',
  any: () => true,
};
const ORDER_STATUS: Readonly<Record<string, Filter<ShopifyOrder>>> = {
  open: (o) => o.closedAtMs === null && o.cancelledAtMs === null,
  closed: (o) => o.closedAtMs !== null,
  cancelled: (o) => o.cancelledAtMs !== null,
  any: () => true,
};

const ORDERS: ListSpec<ShopifyOrder> = {
  resource: 'orders',
  scope: 'read_orders',
  filter: (params) => {
    const status = ORDER_STATUS[params.status ?? 'open'];
    if (status === undefined) return restError(400, { status: ['must be one of open, closed, cancelled, any'] });
    const fulfillment = params.fulfillment_status === undefined ? undefined : ORDER_FULFILLMENT[params.fulfillment_status];
    if (params.fulfillment_status !== undefined && fulfillment === undefined) return restError(400, { fulfillment_status: ['is not valid'] });
    const times = timeBounds<ShopifyOrder>(params, { updated_at: (o) => o.updatedAtMs, created_at: (o) => o.createdAtMs, processed_at: (o) => o.processedAtMs });
    if (!Array.isArray(times)) return times;
    const financial = params.financial_status;
    const extra: Filter<ShopifyOrder>[] = [status, ...(fulfillment === undefined ? [] : [fulfillment]), ...(financial === undefined || financial === 'any' ? [] : [(o: ShopifyOrder) => o.financialStatus === financial])];
    return all([...times, ...extra, ...byId(idList(params.ids), params.since_id, (o) => o.id)]);
  },
  items: (context) => {
    const orders = [...context.state.orders.values()];
    if (context.ordersWindowDays === undefined) return orders;
    return orders.filter((o) => o.createdAtMs >= context.nowMs - context.ordersWindowDays! * DAY_MS);
  },
  // Newest first, as Shopify lists orders; ascending ids with since_id.
  keyOf: (o, params) => (params.since_id === undefined ? [-BigInt(o.createdAtMs), -BigInt(o.id)] : [BigInt(o.id)]),
  view: restOrder,
};

function list<T>(spec: ListSpec<T>, context: RestContext, query: URLSearchParams): FakeAnswer {
  if (!hasScope(context.scopes, spec.scope)) return restError(403, `[API] This action requires merchant approval for ${spec.scope} scope.`);
  const limit = readLimit(query);
  if ('refusal' in limit) return limit.refusal;
  const pageInfo = query.get('page_info');
  const token = pageInfo === null ? undefined : decodePageInfo(pageInfo, spec.resource);
  if (pageInfo !== null && token === undefined) return restError(400, { page_info: 'Invalid value.' });
  if (token !== undefined) {
    const extra = [...query.keys()].find((name) => !PAGE_INFO_PARAMS.includes(name));
    if (extra !== undefined) return restError(400, { [extra]: `${extra} cannot be passed.` });
  }
  const params = token?.filters ?? Object.fromEntries([...query.entries()].filter(([name]) => !PAGE_INFO_PARAMS.includes(name)));
  const filter = spec.filter(params, context);
  if (typeof filter !== 'function') return filter;
  const keyOf = (item: T): RestKey => spec.keyOf(item, params);
  const sorted = spec.items(context, params).filter(filter).sort((a, b) => {
    const [x, y] = [keyOf(a), keyOf(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
  const fields = query.get('fields');
  const page = restPage({ resource: spec.resource, listUrl: `${context.apiBase}/${spec.resource}.json`, items: sorted, keyOf, limit: limit.limit, fields, filters: params, token });
  const answer = json({ [spec.resource]: page.items.map((item) => pickFields(spec.view(context.state, item), fields)) });
  return page.link === undefined ? answer : { ...answer, headers: { ...answer.headers, link: page.link } };
}

/** The REST resources the fake serves, by path under `/admin/api/{version}/`. */
export const SHOPIFY_REST_RESOURCES: readonly string[] = ['products.json', 'locations.json', 'inventory_levels.json', 'orders.json'];

/**
 * Serves `GET /admin/api/{version}/{resource}.json` for an authorized shop (auth and the call
 * bucket are the router's): `products.json`, `inventory_levels.json` and `orders.json` paged with
 * `limit` and `Link`/`page_info` (follow-up pages accept only `page_info`, `limit`, `fields`),
 * `locations.json` whole (it takes no `limit`). Ids are bare JSON numbers, above 2^53 too.
 * Unknown resources: 404 `{"errors":"Not Found"}`.
 * @example
 * serveRest(context, 'products.json', request); // { status: 200, body: '{"products":[…]}', headers: { link } }
 */
export function serveRest(context: RestContext, resource: string, request: RecordedRequest): FakeAnswer {
  // The fake serves reads only; a write meets the answer of an unknown path.
  if (request.method.toUpperCase() !== 'GET') return restError(404, 'Not Found');
  switch (resource) {
    case 'products.json':
      return list(PRODUCTS, context, request.query);
    case 'inventory_levels.json':
      return list(INVENTORY_LEVELS, context, request.query);
    case 'orders.json':
      return list(ORDERS, context, request.query);
    case 'locations.json':
      if (!hasScope(context.scopes, 'read_locations')) return restError(403, '[API] This action requires merchant approval for read_locations scope.');
      return json({ locations: [...context.state.locations.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)).map((l) => restLocation(context.state, l)) });
    default:
      return restError(404, 'Not Found');
  }
}
