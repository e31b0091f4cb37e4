import { stringifyJson } from './json-text.js';
import type { RestObject } from './rest-views.js';

/** The topics the fake makes events for. */
export type ShopifyWebhookTopic =
  | 'products/create'
  | 'products/update'
  | 'inventory_levels/update'
  | 'orders/create'
  | 'orders/updated'
  | 'app/uninstalled'
  | 'customers/data_request'
  | 'customers/redact'
  | 'shop/redact';

/**
 * One webhook as Shopify would send it: the topic, the shop, and the body serialized once (REST
 * representation at the webhook's API version, no envelope; ids as bare JSON numbers). Delivering
 * it twice (a retry) keeps `eventId`; each delivery gets its own webhook id.
 */
export interface ShopifyWebhookEvent {
  readonly topic: ShopifyWebhookTopic;
  readonly shopDomain: string;
  /** The payload with ids as `bigint`s; `body` is its exact JSON text. */
  readonly payload: RestObject;
  readonly body: string;
  /** `X-Shopify-Event-Id`: the same for every delivery of this event. */
  readonly eventId: string;
  /** `X-Shopify-Triggered-At`, ISO 8601 UTC. */
  readonly triggeredAt: string;
  /** `X-Shopify-API-Version`: the version the body was serialized with. */
  readonly apiVersion: string;
}

/** Who, which event, and when: what every event needs besides its payload. */
export interface WebhookStamp {
  readonly shopDomain: string;
  readonly eventId: string;
  readonly triggeredAt: string;
  readonly apiVersion: string;
}

/**
 * Builds an event from its payload, serializing the body once.
 * @example
 * webhookEvent(stamp, 'inventory_levels/update', restInventoryLevel(state, level)).body;
 * // '{"inventory_item_id":271878346596884015,"location_id":…,"available":6,…}'
 */
export function webhookEvent(stamp: WebhookStamp, topic: ShopifyWebhookTopic, payload: RestObject): ShopifyWebhookEvent {
  return { topic, ...stamp, payload, body: stringifyJson(payload) };
}

/** The customer fields the compliance topics carry. */
export interface ComplianceCustomer {
  readonly id: string;
  readonly email: string;
  readonly phone: string | null;
}

const customerOf = (customer: ComplianceCustomer): RestObject => ({ id: BigInt(customer.id), email: customer.email, phone: customer.phone });

/**
 * `customers/data_request` (mandatory compliance topic): `{shop_id, shop_domain, orders_requested,
 * customer: {id, email, phone}, data_request: {id}}`, the shape of Shopify's privacy-law docs.
 * @example
 * customersDataRequestPayload('548380009', 'acme.myshopify.com', customer, ['450789469'], '9999');
 */
export function customersDataRequestPayload(shopId: string, shopDomain: string, customer: ComplianceCustomer, orderIds: readonly string[], requestId: string): RestObject {
  return { shop_id: BigInt(shopId), shop_domain: shopDomain, orders_requested: orderIds.map(BigInt), customer: customerOf(customer), data_request: { id: BigInt(requestId) } };
}

/**
 * `customers/redact`: `{shop_id, shop_domain, customer: {id, email, phone}, orders_to_redact}`.
 * @example
 * customersRedactPayload('548380009', 'acme.myshopify.com', customer, ['450789469']);
 */
export function customersRedactPayload(shopId: string, shopDomain: string, customer: ComplianceCustomer, orderIds: readonly string[]): RestObject {
  return { shop_id: BigInt(shopId), shop_domain: shopDomain, customer: customerOf(customer), orders_to_redact: orderIds.map(BigInt) };
}

/**
 * `shop/redact`, sent 48 hours after an uninstall: `{shop_id, shop_domain}`.
 * @example
 * shopRedactPayload('548380009', 'acme.myshopify.com'); // { shop_id: 548380009n, shop_domain: 'acme.myshopify.com' }
 */
export function shopRedactPayload(shopId: string, shopDomain: string): RestObject {
  return { shop_id: BigInt(shopId), shop_domain: shopDomain };
}
