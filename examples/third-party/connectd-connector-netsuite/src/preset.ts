/**
 * The `netsuite/default` preset: SuiteQL streams of locations, items, inventory balances and sales
 * orders, paged with `netsuite/suiteql`, signed with `netsuite/tba`. A connectors.yaml block
 * `extends: netsuite/default` and adds the account and the credentials.
 */
import { definePreset, type PresetStream } from '@connectd/core/connector';
import { BALANCE_TO_INVENTORY_LEVEL, ITEM_TO_PRODUCT, LOCATION_TO_STORE, SALES_ORDER_TO_ORDER } from './mappings.js';
import { INVENTORY_QUERY, ITEMS_QUERY, LOCATIONS_QUERY, SALES_ORDERS_QUERY } from './queries.js';

/** The REST host of an account; `{account_id}` is the account ID as in the host name (1234567-sb1). */
export const NETSUITE_BASE_URL = 'https://{account_id}.suitetalk.api.netsuite.com';
export const SUITEQL_PATH = '/services/rest/query/v1/suiteql';

/** A SuiteQL read: POST with the query in `q`; `Prefer: transient` is what NetSuite asks for on this resource. */
function suiteql(q: string): PresetStream['request'] {
  return { method: 'POST', path: SUITEQL_PATH, headers: { Prefer: 'transient' }, body: { q } };
}

const STREAMS = {
  locations: {
    description: 'Locations as stores, hourly',
    request: suiteql(LOCATIONS_QUERY),
    records: '$.items',
    schedule: '0 * * * *',
    entity: 'store',
    map: LOCATION_TO_STORE,
  },
  items: {
    description: 'Items as products (itemid is the SKU), hourly',
    request: suiteql(ITEMS_QUERY),
    records: '$.items',
    schedule: '5 * * * *',
    entity: 'product',
    map: ITEM_TO_PRODUCT,
  },
  inventory: {
    description: 'On-hand quantity per item and location, every 15 minutes',
    request: suiteql(INVENTORY_QUERY),
    records: '$.items',
    schedule: '*/15 * * * *',
    entity: 'inventory_level',
    map: BALANCE_TO_INVENTORY_LEVEL,
  },
  sales_orders: {
    description: 'Sales order headers, every 15 minutes',
    request: suiteql(SALES_ORDERS_QUERY),
    records: '$.items',
    schedule: '*/15 * * * *',
    entity: 'order',
    map: SALES_ORDER_TO_ORDER,
  },
} satisfies Record<string, PresetStream>;

/**
 * `netsuite/default`.
 * @example
 * // connectors.yaml
 * // netsuite:
 * //   extends: netsuite/default
 * //   vars: { account_id: 1234567-sb1 }
 * //   auth: { account: 1234567_SB1, consumer_key: ${NETSUITE_CONSUMER_KEY}, consumer_secret: ${NETSUITE_CONSUMER_SECRET},
 * //           token_id: ${NETSUITE_TOKEN_ID}, token_secret: ${NETSUITE_TOKEN_SECRET} }
 */
export const netsuiteDefaultPreset = definePreset({
  description: 'NetSuite locations, items, inventory balances and sales orders through SuiteQL, signed with Token-Based Authentication',
  config: {
    description: 'NetSuite (SuiteTalk REST web services, SuiteQL)',
    base_url: NETSUITE_BASE_URL,
    auth: { type: 'netsuite/tba' },
    pagination: { type: 'netsuite/suiteql', limit: 1000 },
    // NetSuite limits requests in flight per account (shared with every other integration), and
    // answers 429 beyond it; stay well under the smallest account limit.
    rate_limit: { concurrency: 2 },
    retry: { max_attempts: 5, base_delay_ms: 500, max_delay_ms: 30_000, retry_on_status: [429, 500, 502, 503, 504] },
    timeouts: { connect_ms: 10_000, headers_ms: 60_000, body_ms: 60_000 },
    streams: STREAMS,
  },
});
