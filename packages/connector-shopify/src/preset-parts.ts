/**
 * What both Shopify presets share: OAuth for any shop (the shop validated before anything goes
 * out, the callback's HMAC and shop checked, expiring offline tokens, a non-expiring token migrated
 * once, revoked on delete) and the webhooks, including the mandatory compliance topics.
 */
import type { PresetConfig, PresetWebhooks } from '@connectd/core/connector';
import {
  LEVEL_REST_TO_INVENTORY_LEVEL,
  LINE_REST_TO_TRANSACTION,
  ORDER_REST_SALE_LINES,
  ORDER_REST_TO_ORDER,
  VARIANT_REST_TO_PRODUCT,
} from './mappings.js';

/** The Admin API version the presets are written against; `vars.version` pins another. */
export const SHOPIFY_API_VERSION = '2025-10';
/** A shop's domain, as Shopify's own libraries accept it for a production app. */
export const SHOP_DOMAIN_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9-]*\\.myshopify\\.com$';
/** Read access for what the presets sync. */
export const SHOPIFY_SCOPES = ['read_locations', 'read_products', 'read_inventory', 'read_orders'] as const;
/** The shop's origin: `https://<shop>.myshopify.com`; a test points it at a fake with `SHOPIFY_SHOP_URL`. */
const SHOP_ORIGIN = 'https://{shop}';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const OFFLINE_TOKEN = 'urn:shopify:params:oauth:token-type:offline-access-token';

export const SHOPIFY_AUTH = {
  type: 'oauth2',
  authorize_url: `${SHOP_ORIGIN}/admin/oauth/authorize`,
  token_url: `${SHOP_ORIGIN}/admin/oauth/access_token`,
  scopes: [...SHOPIFY_SCOPES],
  scope_separator: ',',
  token_request_format: 'json',
  // The shop comes from the start link: lower-cased and checked before any redirect or request.
  params: { shop: { pattern: SHOP_DOMAIN_PATTERN, lowercase: true, required: true } },
  account_id: 'param:shop',
  // Expiring offline tokens: an hour, with a refresh token Shopify replaces on every use.
  token_params: { expiring: '1' },
  refresh_margin_seconds: 600,
  migrate: {
    grant_type: TOKEN_EXCHANGE,
    params: { subject_token: '{access_token}', subject_token_type: OFFLINE_TOKEN, requested_token_type: OFFLINE_TOKEN, expiring: '1' },
  },
  // The secret comes from the config file: callback_check: { secret: ${SHOPIFY_CLIENT_SECRET} }.
  callback_check: { type: 'shopify/callback-hmac', tolerance_seconds: 90 },
  revoke: {
    url: `${SHOP_ORIGIN}/admin/api/${SHOPIFY_API_VERSION}/api_permissions/current.json`,
    method: 'DELETE',
    headers: { 'X-Shopify-Access-Token': '{access_token}' },
    body: {},
  },
  header: 'X-Shopify-Access-Token',
  prefix: '',
} satisfies NonNullable<PresetConfig['auth']>;

/** The Admin API under the shop's origin, at the pinned version. */
export const SHOPIFY_BASE_URL = `${SHOP_ORIGIN}/admin/api/{version}`;

export const SHOPIFY_WEBHOOKS = {
  // The secret comes from the config file: Shopify signs the raw body with the app's client secret.
  verify: { type: 'hmac', header: 'X-Shopify-Hmac-Sha256', algorithm: 'sha256', encoding: 'base64' },
  event_id: 'header:X-Shopify-Webhook-Id',
  event_type: 'header:X-Shopify-Topic',
  route: 'header:X-Shopify-Shop-Domain',
  events: {
    'products/update': { outputs: [{ entity: 'product', records: 'variants', map: VARIANT_REST_TO_PRODUCT }] },
    'inventory_levels/update': { entity: 'inventory_level', map: LEVEL_REST_TO_INVENTORY_LEVEL },
    ...Object.fromEntries(
      ['orders/create', 'orders/updated'].map((topic) => [
        topic,
        {
          outputs: [
            { entity: 'order', map: ORDER_REST_TO_ORDER },
            { entity: 'transaction', records: ORDER_REST_SALE_LINES, map: LINE_REST_TO_TRANSACTION },
          ],
        },
      ]),
    ),
    'app/uninstalled': { mark_connection: 'disabled' },
    // The mandatory compliance topics. connectd keeps no customer data (orders carry no email or
    // address), so it has nothing to report or redact for a customer: the app answers those from
    // its own records. A shop's redaction deletes everything connectd wrote for the shop.
    'customers/data_request': { record: 'customer data request: connectd keeps no customer data; the app answers from its own records' },
    'customers/redact': { record: 'customer redaction: connectd keeps no customer data; the app redacts its own records' },
    'shop/redact': { erase_connection_data: true },
  },
} satisfies PresetWebhooks;
