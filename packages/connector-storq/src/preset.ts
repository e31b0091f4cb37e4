/**
 * The `storq/default` preset: everything connectd knows about storq.io that does not depend on the
 * environment. A connectors.yaml block `extends: storq/default` and adds only its own values (base
 * URL, API key, webhook secret). Where storq's guide is silent (pagination, error bodies, update
 * times) this follows the model documented in the package README under "Assumptions".
 */
import { definePreset, type PresetStream, type PresetWebhooks } from '@connectd/core/connector';
import { STORQ_ACTIONS } from './actions.js';
import { ORDER_TO_ORDER, PRODUCT_TO_PRODUCT, SHIPPED_ORDER_TO_ORDER, STOCK_TO_INVENTORY_LEVEL } from './mappings.js';

/** storq's production API; test-mode keys (`fsk_test_`) use the same URL. */
export const STORQ_BASE_URL = 'https://storq.io/api/v1';
/** Largest `limit` storq accepts on its cursor-paginated lists. */
export const STORQ_PAGE_SIZE = 100;

/** Cursor pagination of `/stock` and `/products`: `next_cursor` in the body, sent back as `?cursor=`. */
const NEXT_CURSOR = { type: 'cursor', path: '$.next_cursor', param: 'cursor' } as const;

/**
 * The header names storq signs webhooks under, in the order they are tried: its guide names
 * `Storq-Signature` in its prose but reads `storq.io-signature` in its JS sample.
 */
export const STORQ_SIGNATURE_HEADERS = ['Storq-Signature', 'storq.io-signature'] as const;

const STREAMS = {
  stock: {
    description: 'Stock levels of every SKU, every 5 minutes',
    request: { path: '/stock', query: { limit: STORQ_PAGE_SIZE } },
    records: '$.stock',
    pagination: NEXT_CURSOR,
    schedule: '*/5 * * * *',
    entity: 'inventory_level',
    map: STOCK_TO_INVENTORY_LEVEL,
  },
  products: {
    description: 'The product catalogue, hourly (storq offers no updated-since filter: each run reads it all)',
    request: { path: '/products', query: { limit: STORQ_PAGE_SIZE } },
    records: '$.products',
    pagination: NEXT_CURSOR,
    schedule: '0 * * * *',
    entity: 'product',
    map: PRODUCT_TO_PRODUCT,
  },
  orders: {
    description: 'Fulfilment orders and their shipment, every 15 minutes (webhooks bring shipments sooner)',
    // A bare JSON array per page; the next page is in the Link header.
    request: { path: '/orders', query: { limit: STORQ_PAGE_SIZE } },
    pagination: { type: 'link_header' },
    schedule: '*/15 * * * *',
    entity: 'order',
    map: ORDER_TO_ORDER,
  },
} satisfies Readonly<Record<string, PresetStream>>;

const WEBHOOKS = {
  // storq signs the raw body with HMAC-SHA256, hex, under either header name. The secret comes from
  // the config file: `verify: { secret: ${STORQ_WEBHOOK_SECRET} }`.
  verify: { type: 'hmac', header: STORQ_SIGNATURE_HEADERS, algorithm: 'sha256', encoding: 'hex' },
  event_id: '$.id',
  event_type: '$.type',
  events: {
    'stock.updated': { entity: 'inventory_level', records: '$.data.object', map: STOCK_TO_INVENTORY_LEVEL },
    'order.shipped': { entity: 'order', records: '$.data.object', map: SHIPPED_ORDER_TO_ORDER },
  },
} satisfies PresetWebhooks;

/**
 * `storq/default`: bearer auth, 10 requests/s (burst 20), retries on 429 (honouring Retry-After)
 * and 5xx, timeouts, the `stock`, `products` and `orders` streams, the `stock.updated` and
 * `order.shipped` webhooks, and the `create_order` and `create_product` actions.
 * @example
 * // connectors.yaml
 * // storq:
 * //   extends: storq/default
 * //   base_url: ${STORQ_BASE_URL:-https://storq.io/api/v1}
 * //   auth: { token: ${STORQ_API_KEY} }
 * //   webhooks: { verify: { secret: ${STORQ_WEBHOOK_SECRET} } }
 */
export const storqDefaultPreset = definePreset({
  description: 'storq.io stock, products and orders: streams, webhooks and the create_order / create_product actions',
  config: {
    description: 'storq.io warehouse stock and fulfilment orders',
    base_url: STORQ_BASE_URL,
    auth: { type: 'bearer' },
    rate_limit: { rate: '10/s', burst: 20 },
    // 429 carries Retry-After in seconds, which the retry step honours up to max_wait_ms.
    retry: { max_attempts: 5, base_delay_ms: 500, max_delay_ms: 30_000, max_wait_ms: 120_000, retry_on_status: [408, 429, 500, 502, 503, 504] },
    timeouts: { connect_ms: 10_000, headers_ms: 30_000, body_ms: 30_000 },
    streams: STREAMS,
    webhooks: WEBHOOKS,
    actions: STORQ_ACTIONS,
  },
});
