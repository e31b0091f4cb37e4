/**
 * `shopify/rest`: the legacy REST Admin API, for apps that still use it, paced by the call-limit
 * header (a leaky bucket of 40 requests leaking 2 a second on the standard plan).
 */
import { definePreset, type PresetStream } from '@connectd/core/connector';
import {
  LEVEL_REST_TO_INVENTORY_LEVEL,
  LINE_REST_TO_TRANSACTION,
  LOCATION_REST_TO_STORE,
  ORDER_REST_SALE_LINES,
  ORDER_REST_TO_ORDER,
  VARIANT_REST_TO_PRODUCT,
} from './mappings.js';
import { SHOPIFY_API_VERSION, SHOPIFY_AUTH, SHOPIFY_BASE_URL, SHOPIFY_WEBHOOKS } from './preset-parts.js';

/** REST pages: the `Link` header's `page_info`, 250 a page (Shopify's maximum). */
const LINK = { type: 'link_header' } as const;
const PAGE = 250;

const STREAMS = {
  locations: {
    description: 'Locations as stores, hourly',
    request: { path: '/locations.json' },
    records: '$.locations',
    pagination: LINK,
    schedule: '0 * * * *',
    entity: 'store',
    map: LOCATION_REST_TO_STORE,
  },
  products: {
    description: 'One product per variant, every 30 minutes',
    request: { path: '/products.json', query: { limit: PAGE } },
    records: '$.products',
    pagination: LINK,
    incremental: { cursor_field: 'updated_at', param: 'updated_at_min', lookback_seconds: 60 },
    schedule: '*/30 * * * *',
    outputs: [{ entity: 'product', records: 'variants', map: VARIANT_REST_TO_PRODUCT }],
  },
  inventory: {
    description: 'Available quantities, 50 locations a request, every 15 minutes',
    request: { path: '/inventory_levels.json', query: { location_ids: '{partition}', limit: PAGE } },
    // inventory_levels.json takes at most 50 location ids.
    partition: { by: 'store', size: 50 },
    records: '$.inventory_levels',
    pagination: LINK,
    incremental: { cursor_field: 'updated_at', param: 'updated_at_min', lookback_seconds: 60 },
    schedule: '*/15 * * * *',
    after: ['locations', 'products'],
    entity: 'inventory_level',
    map: LEVEL_REST_TO_INVENTORY_LEVEL,
  },
  orders: {
    description: 'Orders of every status, and the lines of those not cancelled as transactions, every 10 minutes',
    request: { path: '/orders.json', query: { status: 'any', limit: PAGE } },
    records: '$.orders',
    pagination: LINK,
    incremental: { cursor_field: 'updated_at', param: 'updated_at_min', lookback_seconds: 60 },
    schedule: '*/10 * * * *',
    after: ['locations', 'products'],
    outputs: [
      { entity: 'order', map: ORDER_REST_TO_ORDER },
      { entity: 'transaction', records: ORDER_REST_SALE_LINES, map: LINE_REST_TO_TRANSACTION },
    ],
  },
} satisfies Readonly<Record<string, PresetStream>>;

/**
 * `shopify/rest`: the same OAuth and webhooks as `shopify/graphql`, the REST endpoints, paced by
 * `shopify/call-limit` (the `X-Shopify-Shop-Api-Call-Limit` header) over a declared 2/s, burst 40.
 */
export const shopifyRestPreset = definePreset({
  description: 'Shopify through the legacy REST Admin API: locations, products, inventory and orders, paced by the call limit',
  config: {
    description: 'Shopify (REST Admin API): stores, products, stock, orders and sales',
    vars: { version: SHOPIFY_API_VERSION },
    base_url: SHOPIFY_BASE_URL,
    auth: SHOPIFY_AUTH,
    rate_limit: { rate: '2/s', burst: 40, adapter: { type: 'shopify/call-limit' } },
    // 429 carries Retry-After in (fractional) seconds, which the retry honours.
    retry: { max_attempts: 5, base_delay_ms: 500, max_delay_ms: 30_000, max_wait_ms: 120_000, retry_on_status: [429, 500, 502, 503, 504] },
    timeouts: { connect_ms: 10_000, headers_ms: 30_000, body_ms: 60_000 },
    streams: STREAMS,
    webhooks: SHOPIFY_WEBHOOKS,
  },
});
