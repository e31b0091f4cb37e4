/**
 * `shopify/graphql`, the default: the GraphQL Admin API (REST is legacy since 2024-10 and new
 * public apps must use GraphQL), paced by its calculated-cost budget so no query is throttled.
 */
import { definePreset, type PresetStream } from '@connectd/core/connector';
import {
  LEVEL_NODE_TO_INVENTORY_LEVEL,
  LINE_NODE_TO_TRANSACTION,
  LOCATION_NODE_TO_STORE,
  ORDER_NODE_SALE_LINES,
  ORDER_NODE_TO_ORDER,
  VARIANT_NODE_TO_PRODUCT,
} from './mappings.js';
import { SHOPIFY_API_VERSION, SHOPIFY_AUTH, SHOPIFY_BASE_URL, SHOPIFY_WEBHOOKS } from './preset-parts.js';
import { LEVELS_QUERY, LOCATIONS_QUERY, ORDERS_QUERY, PAGE_SIZE, VARIANTS_QUERY } from './queries.js';

/** A GraphQL request to the Admin API endpoint. */
const graphql = (query: string, variables: Readonly<Record<string, unknown>>): PresetStream['request'] => ({
  method: 'POST',
  path: '/graphql.json',
  graphql: { query, variables },
});
/** Relay paging: `endCursor` sent back as `$after` (the paginator stops on `hasNextPage: false`). */
const relay = (connection: string) => ({ type: 'cursor', path: `$.data.${connection}.pageInfo.endCursor`, param: 'after', in: 'body', body_path: 'variables.after' });
/** Incremental through the search query: `updated_at:>'<mark>'` in `$search`. */
const since = (field: string): NonNullable<PresetStream['incremental']> => ({
  cursor_field: field,
  in: 'graphql_variable',
  variable: 'search',
  format: "updated_at:>'{value}'",
  lookback_seconds: 60,
});

const STREAMS = {
  locations: {
    description: 'Every location that can hold stock (fulfilment services included) as a store, hourly',
    request: graphql(LOCATIONS_QUERY, { first: PAGE_SIZE.locations }),
    records: '$.data.locations.nodes',
    pagination: relay('locations'),
    schedule: '0 * * * *',
    entity: 'store',
    map: LOCATION_NODE_TO_STORE,
  },
  variants: {
    description: 'One product per variant, every 30 minutes; fills the ids $product() and $inventory_item() read',
    request: graphql(VARIANTS_QUERY, { first: PAGE_SIZE.variants }),
    records: '$.data.productVariants.nodes',
    pagination: relay('productVariants'),
    incremental: since('updatedAt'),
    schedule: '*/30 * * * *',
    entity: 'product',
    map: VARIANT_NODE_TO_PRODUCT,
  },
  inventory: {
    description: "Each location's available quantities, every 15 minutes (webhooks bring changes sooner)",
    request: graphql(LEVELS_QUERY, { location: 'gid://shopify/Location/{partition}', first: PAGE_SIZE.levels }),
    partition: { by: 'store', size: 1 },
    records: '$.data.location.inventoryLevels.nodes',
    pagination: relay('location.inventoryLevels'),
    incremental: since('updatedAt'),
    schedule: '*/15 * * * *',
    after: ['locations', 'variants'],
    entity: 'inventory_level',
    map: LEVEL_NODE_TO_INVENTORY_LEVEL,
  },
  orders: {
    description: 'Orders, and each line of an order that was not cancelled as a transaction, every 10 minutes',
    request: graphql(ORDERS_QUERY, { first: PAGE_SIZE.orders }),
    records: '$.data.orders.nodes',
    pagination: relay('orders'),
    incremental: since('updatedAt'),
    schedule: '*/10 * * * *',
    after: ['locations', 'variants'],
    outputs: [
      { entity: 'order', map: ORDER_NODE_TO_ORDER },
      { entity: 'transaction', records: ORDER_NODE_SALE_LINES, map: LINE_NODE_TO_TRANSACTION },
    ],
  },
} satisfies Readonly<Record<string, PresetStream>>;

/**
 * `shopify/graphql`: OAuth for any shop (see preset-parts.ts), the GraphQL Admin API paced by
 * `shopify/graphql-cost` with `shopify/throttled` as the safety net, the `locations`, `variants`,
 * `inventory` and `orders` streams, and the webhooks (compliance topics included).
 * @example
 * // connectors.yaml
 * // shopify:
 * //   extends: shopify/graphql
 * //   base_url: ${SHOPIFY_SHOP_URL:-https://{shop}}/admin/api/{version}
 * //   auth: { client_id: ${SHOPIFY_CLIENT_ID}, client_secret: ${SHOPIFY_CLIENT_SECRET}, callback_check: { secret: ${SHOPIFY_CLIENT_SECRET} } }
 * //   webhooks: { verify: { secret: ${SHOPIFY_CLIENT_SECRET} } }
 */
export const shopifyGraphqlPreset = definePreset({
  description: 'Shopify through the GraphQL Admin API: locations, variants, inventory and orders, paced by the cost budget',
  config: {
    description: 'Shopify (GraphQL Admin API): stores, products, stock, orders and sales',
    vars: { version: SHOPIFY_API_VERSION },
    base_url: SHOPIFY_BASE_URL,
    auth: SHOPIFY_AUTH,
    // The shop's points budget is read from every answer; no query is sent before its points are there.
    rate_limit: { adapter: { type: 'shopify/graphql-cost' } },
    error_classifier: { type: 'shopify/throttled' },
    retry: { max_attempts: 5, base_delay_ms: 500, max_delay_ms: 30_000, max_wait_ms: 120_000, retry_on_status: [429, 500, 502, 503, 504] },
    timeouts: { connect_ms: 10_000, headers_ms: 30_000, body_ms: 60_000 },
    streams: STREAMS,
    webhooks: SHOPIFY_WEBHOOKS,
  },
});
