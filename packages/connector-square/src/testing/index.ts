/**
 * `@connectd/connector-square/testing`: a fake Square for tests of the Square connector and for
 * integrators who want to exercise their setup without Square.
 * @example
 * const { startFakeSquare } = await import('@connectd/connector-square/testing');
 * const square = await startFakeSquare();
 * // base URL: square.url; OAuth app: square.applicationId / square.applicationSecret
 */
export { startFakeSquare, DEFAULT_SQUARE_SEED } from './fake-square.js';
export type { FakeSquare, FakeSquareFaults, FakeSquareOptions, SquareRequestRecord } from './fake-square.js';
export type { FakeSquareMerchant } from './fake-square-merchant.js';
export { DEFAULT_SQUARE_VERSION } from './fake-square-api.js';
export {
  DEFAULT_SQUARE_APPLICATION_ID,
  DEFAULT_SQUARE_APPLICATION_SECRET,
  DEFAULT_SQUARE_MERCHANT_ID,
  DEFAULT_SQUARE_SIGNATURE_KEY,
} from './square-ids.js';
export {
  DEFAULT_SQUARE_ACCESS_TOKEN_TTL_MS,
  SQUARE_CODE_TTL_MS,
  SQUARE_PKCE_REFRESH_TOKEN_TTL_MS,
  SQUARE_SHORT_LIVED_TOKEN_TTL_MS,
} from './oauth-ledger.js';
export type { SquareIssuedToken, SquareOAuthFlow, SquareTokenResponse } from './oauth-ledger.js';
export { SQUARE_DEFAULT_SCOPES, SQUARE_READ_SCOPES } from './oauth-app.js';
export type { SquareRevocation } from './oauth-revoke.js';
export { s256 as squareCodeChallenge } from './oauth-token.js';
export { DEFAULT_SQUARE_CURSOR_TTL_MS } from './cursors.js';
export type { SquareFaultKind, SquareFaults } from './faults.js';
export { SQUARE_CATALOG_LIST_PAGE_SIZE, DEFAULT_SQUARE_CATALOG_SEARCH_LIMIT, MAX_SQUARE_CATALOG_SEARCH_LIMIT } from './catalog-api.js';
export { DEFAULT_SQUARE_INVENTORY_LIMIT, MAX_SQUARE_INVENTORY_LIMIT } from './inventory-api.js';
export { DEFAULT_SQUARE_ORDERS_LIMIT, MAX_SQUARE_ORDERS_LIMIT, MAX_SQUARE_ORDERS_LOCATIONS } from './orders-api.js';
export { MAX_SQUARE_PAYMENTS_LIMIT } from './payments-api.js';
export {
  deliverSquareEvent,
  signSquarePayload,
  signSquarePayloadSha1,
  SQUARE_SIGNATURE_HEADER,
  SQUARE_LEGACY_SIGNATURE_HEADER,
  DEFAULT_SQUARE_DELIVERY_TIMEOUT_MS,
} from './webhooks.js';
export type { SquareDeliveryOptions, SquareDeliveryResult, SquareRetryReason } from './webhooks.js';
export { SQUARE_SDK_WEBHOOK_VECTORS } from './webhook-vectors.js';
export type { SquareWebhookVector } from './webhook-vectors.js';
export {
  catalogVersionUpdatedEvent,
  inventoryCountUpdatedEvent,
  oauthAuthorizationRevokedEvent,
  orderCreatedEvent,
  orderUpdatedEvent,
  paymentCreatedEvent,
  paymentUpdatedEvent,
} from './events.js';
export type { EventStamp, SquareRevokerType } from './events.js';
export type { SquareItemInput, SquareVariationInput, SquareVariationPatch } from './catalog-state.js';
export type { SquareLocationInput, SquareMerchantInput } from './merchant-state.js';
export type { SquareOrderInput, SquareOrderPatch, SquareReturnInput } from './order-state.js';
export type { SquareLineItemInput } from './order-lines.js';
export type { SquarePaymentInput, SquarePaymentPatch } from './payment-state.js';
export type { SquareSeedOptions, SquareSeedResult } from './seed.js';
export type * from './types.js';
export type * from './order-types.js';
