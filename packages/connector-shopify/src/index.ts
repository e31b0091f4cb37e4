/**
 * @connectd/connector-shopify: the connectd plugin for Shopify. It registers the `shopify`
 * namespace, the field names to redact, and `shopify/callback-hmac`, the check of the HMAC Shopify
 * signs its OAuth callback's query with (see callback-hmac.ts). Pacing: `shopify/graphql-cost` and
 * `shopify/call-limit` (rate-limit adapters for the GraphQL cost budget and the REST call limit)
 * and `shopify/throttled` (the error classifier for GraphQL THROTTLED answers). Presets:
 * `shopify/graphql` (the default) and `shopify/rest` (legacy); see README.md.
 */
import { defineConnector } from '@connectd/core/connector';
import { shopifyCallbackHmac } from './callback-hmac.js';
import { shopifyCallLimit } from './call-limit.js';
import { shopifyGraphqlCost } from './graphql-cost.js';
import { shopifyGraphqlPreset } from './graphql-preset.js';
import { shopifyRestPreset } from './rest-preset.js';
import { shopifyThrottled } from './throttled.js';

export { DEFAULT_CALLBACK_TOLERANCE_SECONDS, shopifyCallbackHmac, shopifyQueryHmac, shopifyQueryMessage } from './callback-hmac.js';
export type { ShopifyCallbackHmacOptions } from './callback-hmac.js';
export { CALL_LIMIT_HEADER, parseCallLimit, SHOPIFY_BUCKET_DRAIN_SECONDS, shopifyCallLimit } from './call-limit.js';
export type { ShopifyCallLimitOptions } from './call-limit.js';
export { MAX_REMEMBERED_QUERIES, ShopifyGraphqlCost, shopifyGraphqlCost } from './graphql-cost.js';
export type { ShopifyGraphqlCostOptions } from './graphql-cost.js';
export { classifyThrottled, shopifyThrottled } from './throttled.js';
export type { ShopifyThrottledOptions } from './throttled.js';
export { estimateQueryCost, SHOPIFY_MAX_PAGE_SIZE, SHOPIFY_MAX_QUERY_COST } from './query-cost.js';
export { shopifyGraphqlPreset } from './graphql-preset.js';
export { shopifyRestPreset } from './rest-preset.js';
export { SHOP_DOMAIN_PATTERN, SHOPIFY_API_VERSION, SHOPIFY_SCOPES } from './preset-parts.js';

export default defineConnector({
  meta: {
    namespace: 'shopify',
    engine: '^0.1.0',
    // Shopify sends the Admin API token in this header, not in Authorization.
    secrets: ['x-shopify-access-token'],
  },
  oauthCallbackChecks: { 'callback-hmac': shopifyCallbackHmac },
  rateLimitAdapters: { 'graphql-cost': shopifyGraphqlCost, 'call-limit': shopifyCallLimit },
  errorClassifiers: { throttled: shopifyThrottled },
  presets: { graphql: shopifyGraphqlPreset, rest: shopifyRestPreset },
});
