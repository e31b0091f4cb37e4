/**
 * The `square/default` preset: everything connectd knows about Square that does not depend on the
 * environment. A connectors.yaml block `extends: square/default` and adds its own values (the
 * application's id and secret, the webhook signature key and notification URL, and the base URL
 * when it is the sandbox or a fake). Facts and the assumptions where Square's docs are silent are
 * in README.md.
 */
import { definePreset, type PresetStream, type PresetWebhooks } from '@connectd/core/connector';
import { SQUARE_ACTIONS } from './actions.js';
import {
  CATALOG_OBJECT_TO_PRODUCTS,
  COMPLETED_LINES,
  COMPLETED_RETURN_LINES,
  COUNT_TO_INVENTORY_LEVEL,
  LOCATION_TO_STORE,
  ORDER_LINE_TO_TRANSACTION,
  ORDER_TO_ORDER,
  PAYMENT_TO_TRANSACTION,
  RETURN_LINE_TO_TRANSACTION,
} from './mappings.js';

/** Square's production API; the sandbox is https://connect.squareupsandbox.com. */
export const SQUARE_BASE_URL = 'https://connect.squareup.com';
/** The `Square-Version` sent on every call unless `vars.square_version` says otherwise (the spec's default at the time of writing). */
export const SQUARE_API_VERSION = '2025-08-20';
/** Read-only scopes for what the preset syncs. */
export const SQUARE_SCOPES = ['MERCHANT_PROFILE_READ', 'ITEMS_READ', 'INVENTORY_READ', 'ORDERS_READ', 'PAYMENTS_READ'] as const;
/**
 * Access tokens live 30 days and Square asks for a refresh at least every 7: refreshed 23 days
 * before they expire, so a token is at most 7 days old, and a daemon that was down for a week
 * still finds its tokens valid.
 */
export const SQUARE_REFRESH_MARGIN_SECONDS = 23 * 24 * 60 * 60;
/**
 * The pace every connection keeps. Square publishes no limits; this stays far below what its
 * developer forums report being throttled at, and a 429 backs off on top of it.
 */
export const SQUARE_RATE_LIMIT = { rate: '5/s', burst: 10 } as const;

/** The cursor of a POST search: in the answer's `cursor`, sent back in the body with the same query. */
const BODY_CURSOR = { type: 'cursor', path: '$.cursor', param: 'cursor', in: 'body', body_path: 'cursor' } as const;
/** The cursor of a GET list: `?cursor=`. */
const QUERY_CURSOR = { type: 'cursor', path: '$.cursor', param: 'cursor' } as const;
/** Square compares times to the millisecond; a minute of overlap catches writes committed late. */
const LOOKBACK_SECONDS = 60;

const STREAMS = {
  locations: {
    description: 'Locations as stores, hourly; fills the vendor-id map $store() reads',
    request: { path: '/v2/locations' },
    records: '$.locations',
    pagination: { type: 'none' },
    schedule: '0 * * * *',
    entity: 'store',
    map: LOCATION_TO_STORE,
  },
  catalog: {
    // The whole catalog each run, not since the last: an edit to a variation alone can leave its
    // item as it was, and a product's name needs the item. Deleted objects come too (inactive).
    description: 'Item variations as products (deleted ones inactive), hourly and on catalog.version.updated; fills the map $product() reads',
    request: {
      method: 'POST',
      path: '/v2/catalog/search',
      body: { object_types: ['ITEM', 'ITEM_VARIATION'], include_deleted_objects: true, limit: 1000 },
    },
    records: '$.objects',
    pagination: BODY_CURSOR,
    schedule: '10 * * * *',
    entity: 'product',
    map: CATALOG_OBJECT_TO_PRODUCTS,
  },
  inventory: {
    description: 'IN_STOCK counts as inventory levels, every 15 minutes (webhooks bring changes sooner)',
    request: {
      method: 'POST',
      path: '/v2/inventory/counts/batch-retrieve',
      body: { states: ['IN_STOCK'], limit: 1000 },
    },
    records: '$.counts',
    pagination: BODY_CURSOR,
    incremental: { cursor_field: 'calculated_at', in: 'body', body_path: 'updated_after', lookback_seconds: LOOKBACK_SECONDS, initial: '1970-01-01T00:00:00Z' },
    schedule: '*/15 * * * *',
    after: ['locations', 'catalog'],
    entity: 'inventory_level',
    map: COUNT_TO_INVENTORY_LEVEL,
  },
  orders: {
    description: 'Orders, and each line (returns negative) as a transaction, every 10 minutes; 10 locations per search',
    request: {
      method: 'POST',
      path: '/v2/orders/search',
      body: {
        location_ids: '{partition}',
        limit: 500,
        query: { filter: { date_time_filter: { updated_at: {} } }, sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' } },
      },
    },
    // SearchOrders takes at most 10 location ids.
    partition: { by: 'store', size: 10 },
    records: '$.orders',
    pagination: BODY_CURSOR,
    incremental: {
      cursor_field: 'updated_at',
      in: 'body',
      body_path: 'query.filter.date_time_filter.updated_at.start_at',
      lookback_seconds: LOOKBACK_SECONDS,
      initial: '1970-01-01T00:00:00Z',
    },
    schedule: '*/10 * * * *',
    after: ['locations', 'catalog'],
    outputs: [
      { entity: 'order', map: ORDER_TO_ORDER },
      // Sales are the lines of completed orders: an open order may still change, a canceled one sold nothing.
      { entity: 'transaction', records: COMPLETED_LINES, map: ORDER_LINE_TO_TRANSACTION },
      { entity: 'transaction', records: COMPLETED_RETURN_LINES, map: RETURN_LINE_TO_TRANSACTION },
    ],
  },
  payments: {
    description: 'Payments as transactions keyed payment:<id>, on demand (order lines are the default sales; see README)',
    request: {
      path: '/v2/payments',
      query: { location_id: '{partition}', sort_field: 'UPDATED_AT', sort_order: 'ASC', limit: 100 },
    },
    // ListPayments reads one location (the main one by default).
    partition: { by: 'store', size: 1 },
    records: '$.payments',
    pagination: QUERY_CURSOR,
    incremental: { cursor_field: 'updated_at', param: 'updated_at_begin_time', lookback_seconds: LOOKBACK_SECONDS, initial: '1970-01-01T00:00:00Z' },
    after: ['locations'],
    entity: 'transaction',
    map: PAYMENT_TO_TRANSACTION,
  },
} satisfies Readonly<Record<string, PresetStream>>;

const WEBHOOKS = {
  // The key and the notification URL come from the config file; Square signs URL + body.
  verify: { type: 'hmac', header: 'x-square-hmacsha256-signature', algorithm: 'sha256', encoding: 'base64', signed_payload: 'url_body' },
  event_id: '$.event_id',
  event_type: '$.type',
  route: '$.merchant_id',
  events: {
    'inventory.count.updated': {
      entity: 'inventory_level',
      records: '$.data.object.inventory_counts[state = "IN_STOCK"]',
      map: COUNT_TO_INVENTORY_LEVEL,
    },
    // The events carry a summary of the order: fetch it whole, then map it as the orders stream does.
    ...Object.fromEntries(
      (['order.created', 'order.updated'] as const).map((type) => [
        type,
        {
          fetch: { request: { path: '/v2/orders/{order_id}' }, params: { order_id: '$.data.id' } },
          records: '$.order',
          outputs: STREAMS.orders.outputs,
        },
      ]),
    ),
    'payment.created': { entity: 'transaction', records: '$.data.object.payment', map: PAYMENT_TO_TRANSACTION },
    'payment.updated': { entity: 'transaction', records: '$.data.object.payment', map: PAYMENT_TO_TRANSACTION },
    'catalog.version.updated': { run_stream: 'catalog' },
    'oauth.authorization.revoked': { mark_connection: 'needs_reauth' },
  },
} satisfies PresetWebhooks;

/**
 * `square/default`: OAuth (code flow, JSON token requests, space-separated scopes, refreshed 23
 * days early, revoked on delete, the merchant id recorded for webhook routing), `Square-Version`
 * pinned, a conservative pace with retries on 408/429/5xx, the `locations`, `catalog`,
 * `inventory`, `orders` and `payments` streams, the webhooks that keep them current, and the
 * `set_inventory_count` action (with the INVENTORY_WRITE scope).
 * @example
 * // connectors.yaml
 * // square:
 * //   extends: square/default
 * //   auth: { client_id: ${SQUARE_APPLICATION_ID}, client_secret: ${SQUARE_APPLICATION_SECRET} }
 * //   webhooks: { verify: { secret: ${SQUARE_WEBHOOK_SIGNATURE_KEY}, url: ${SQUARE_WEBHOOK_URL} } }
 */
export const squareDefaultPreset = definePreset({
  description: 'Square point of sale: locations, catalog, inventory, orders and payments, with OAuth and signed webhooks',
  config: {
    description: 'Square point of sale: stores, products, stock, orders and sales',
    base_url: SQUARE_BASE_URL,
    vars: { square_version: SQUARE_API_VERSION },
    headers: { 'Square-Version': '{square_version}' },
    auth: {
      type: 'oauth2',
      authorize_url: `${SQUARE_BASE_URL}/oauth2/authorize`,
      token_url: `${SQUARE_BASE_URL}/oauth2/token`,
      scopes: [...SQUARE_SCOPES],
      scope_separator: ' ',
      token_request_format: 'json',
      refresh_margin_seconds: SQUARE_REFRESH_MARGIN_SECONDS,
      account_id: '$.merchant_id',
      // Square answers refusals in its own format; a revoked or unknown refresh token is BAD_REQUEST.
      error_codes: ['$.error', '$.errors[0].code'],
      reauth_errors: ['invalid_grant', 'BAD_REQUEST', 'UNAUTHORIZED', 'ACCESS_TOKEN_REVOKED'],
      revoke: {
        url: `${SQUARE_BASE_URL}/oauth2/revoke`,
        headers: { Authorization: 'Client {client_secret}' },
        body: { client_id: '{client_id}', access_token: '{access_token}' },
      },
    },
    rate_limit: SQUARE_RATE_LIMIT,
    // Square sends no Retry-After: exponential backoff with jitter, as its SDKs do.
    retry: { max_attempts: 6, base_delay_ms: 1000, max_delay_ms: 60_000, max_wait_ms: 120_000, retry_on_status: [408, 429, 500, 502, 503, 504] },
    timeouts: { connect_ms: 10_000, headers_ms: 30_000, body_ms: 60_000 },
    streams: STREAMS,
    webhooks: WEBHOOKS,
    actions: SQUARE_ACTIONS,
  },
});
