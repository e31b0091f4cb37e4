/**
 * `@connectd/connector-shopify/testing`: a fake Shopify for tests of the Shopify connector and
 * for integrators who want to exercise their setup without Shopify: many shops on one loopback
 * server, OAuth with Shopify's signed callbacks and expiring tokens, the GraphQL Admin API with
 * calculated cost and throttling, the REST Admin API with its call bucket, signed webhooks, and
 * the HMAC test vectors of Shopify's own libraries.
 * @example
 * const { startFakeShopify } = await import('@connectd/connector-shopify/testing');
 * const shopify = await startFakeShopify({ shops: ['acme.myshopify.com'] });
 * // SHOPIFY_SHOP_URL=`${shopify.url}/{shop}`, SHOPIFY_CLIENT_ID=shopify.clientId, SHOPIFY_CLIENT_SECRET=shopify.clientSecret
 */
export { startFakeShopify, DEFAULT_SHOPIFY_CLIENT_ID, DEFAULT_SHOPIFY_CLIENT_SECRET, DEFAULT_SHOPIFY_SHOP, SHOPIFY_API_VERSIONS, DEFAULT_SHOPIFY_ORDERS_WINDOW_DAYS } from './fake-shopify.js';
export type { FakeShopify, FakeShopifyFaults, FakeShopifyOptions, ShopifyCounters, ShopifyRequestRecord, ShopifyShopOptions } from './fake-shopify-types.js';
export type { FakeShopifyShop, ShopApp, ShopData } from './fake-shopify-shop.js';
export type { ShopChanges, ShopifyChange, ShopifyOrderPatch, ShopifyProductPatch, ShopifyVariantPatch } from './shop-changes.js';
export type { ShopifyShopStats } from './shop-runtime.js';
export type { ShopifyFaultKind, ShopifyFaults } from './faults.js';
export {
  DEFAULT_SHOPIFY_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_SHOPIFY_REFRESH_TOKEN_TTL_SECONDS,
  SHOPIFY_CODE_TTL_MS,
  SHOPIFY_ONLINE_TOKEN_TTL_SECONDS,
} from './oauth-ledger.js';
export type { ShopifyGrantKind, ShopifyIssuedToken, ShopifyRefreshState, ShopifyRefreshTokenRetention, ShopifyTokenKind, ShopifyTokenResponse } from './oauth-ledger.js';
export { SHOPIFY_OFFLINE_TOKEN_TYPE, SHOPIFY_TOKEN_EXCHANGE_GRANT } from './oauth-token.js';
export { SHOPIFY_READ_SCOPES } from './oauth-app.js';
export { shopifyHostParam, shopifyQueryMessage, signShopifyQuery } from './oauth-hmac.js';
export {
  DEFAULT_SHOPIFY_GRAPHQL_MAXIMUM_AVAILABLE,
  DEFAULT_SHOPIFY_GRAPHQL_RESTORE_RATE,
  DEFAULT_SHOPIFY_REST_BUCKET_SIZE,
  DEFAULT_SHOPIFY_REST_LEAK_PER_SECOND,
} from './rate-buckets.js';
export type { ThrottleStatus } from './rate-buckets.js';
export { DEFAULT_SHOPIFY_MAX_QUERY_COST } from './graphql-api.js';
export type { ThrottledStatus } from './graphql-api.js';
export { MAX_SHOPIFY_PAGE_SIZE } from './graphql-connections.js';
export { SHOPIFY_QUANTITY_NAMES } from './graphql-schema-catalog.js';
export { DEFAULT_SHOPIFY_REST_LIMIT, MAX_SHOPIFY_REST_LIMIT } from './rest-paging.js';
export { MAX_SHOPIFY_INVENTORY_LEVEL_IDS } from './rest-api.js';
export { deliverShopifyWebhook, signShopifyWebhook, SHOPIFY_WEBHOOK_HEADERS, DEFAULT_SHOPIFY_DELIVERY_TIMEOUT_MS } from './webhooks.js';
export type { ShopifyDeliveryOptions, ShopifyDeliveryResult, ShopifyWebhookHeader } from './webhooks.js';
export type { ShopifyWebhookEvent, ShopifyWebhookTopic } from './webhook-events.js';
export { SHOPIFY_SDK_OAUTH_VECTORS, SHOPIFY_SDK_WEBHOOK_VECTORS } from './webhook-vectors.js';
export type { ShopifyOAuthVector, ShopifyWebhookVector } from './webhook-vectors.js';
export { parseJsonLossless, stringifyJson } from './json-text.js';
export { gid, inventoryLevelGid } from './ids.js';
export type { ShopifySeedOptions, ShopifySeedResult } from './seed.js';
export type { ShopifyCustomerInput, ShopifyLineItemInput, ShopifyLocationInput, ShopifyOrderInput, ShopifyProductInput, ShopifyVariantInput } from './shop-inputs.js';
export type * from './shop-types.js';
