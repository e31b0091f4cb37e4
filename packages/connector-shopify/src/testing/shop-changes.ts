import type { ShopifyIds } from './ids.js';
import type { OAuthLedger } from './oauth-ledger.js';
import { restInventoryLevel, restOrder, restProduct, restShop } from './rest-views.js';
import type { ShopRuntime } from './shop-runtime.js';
import type { ShopifyOrderInput, ShopifyProductInput } from './shop-inputs.js';
import type {
  ShopifyCustomer,
  ShopifyFinancialStatus,
  ShopifyFulfillmentStatus,
  ShopifyInventoryLevel,
  ShopifyOrder,
  ShopifyProduct,
  ShopifyProductStatus,
  ShopifyShopInfo,
  ShopifyVariant,
} from './shop-types.js';
import { customersDataRequestPayload, customersRedactPayload, shopRedactPayload, webhookEvent, type ShopifyWebhookEvent, type ShopifyWebhookTopic } from './webhook-events.js';

export interface ShopifyProductPatch {
  readonly title?: string;
  readonly status?: ShopifyProductStatus;
  readonly vendor?: string;
  readonly productType?: string;
  readonly tags?: readonly string[];
}
export interface ShopifyVariantPatch {
  readonly title?: string;
  readonly sku?: string | null;
  readonly barcode?: string | null;
  readonly price?: string;
  readonly compareAtPrice?: string | null;
}
export interface ShopifyOrderPatch {
  readonly financialStatus?: ShopifyFinancialStatus;
  readonly fulfillmentStatus?: ShopifyFulfillmentStatus;
  readonly email?: string | null;
  /** Cancels the order now. */
  readonly cancel?: boolean;
  /** Closes (archives) the order now. */
  readonly close?: boolean;
}

/** A change and the webhook Shopify would send for it. */
export interface ShopifyChange<T> {
  readonly value: T;
  readonly event: ShopifyWebhookEvent;
}

/** The changes a merchant (or Shopify) makes to a shop, each returning its webhook. */
export interface ShopChanges {
  /** `products/create`. */
  addProduct(input: ShopifyProductInput): ShopifyChange<ShopifyProduct>;
  /** `products/update`. */
  updateProduct(productId: string, patch: ShopifyProductPatch): ShopifyChange<ShopifyProduct>;
  /** `products/update` (a variant's change is its product's). */
  updateVariant(variantId: string, patch: ShopifyVariantPatch): ShopifyChange<ShopifyVariant>;
  /** `inventory_levels/update`; connects the level if new. Null is what Shopify sends for an untracked item (forced for one). */
  setAvailable(inventoryItemId: string, locationId: string, available: number | null): ShopifyChange<ShopifyInventoryLevel>;
  adjustAvailable(inventoryItemId: string, locationId: string, delta: number): ShopifyChange<ShopifyInventoryLevel>;
  /** `orders/create` (inventory is left as it is). */
  createOrder(input: ShopifyOrderInput): ShopifyChange<ShopifyOrder>;
  /** `orders/updated`. */
  updateOrder(orderId: string, patch: ShopifyOrderPatch): ShopifyChange<ShopifyOrder>;
  /** The merchant uninstalls the app: every token stops working; `app/uninstalled` (the Shop resource). */
  uninstall(): ShopifyChange<ShopifyShopInfo>;
  /** `customers/data_request` for a customer (default the first) and their orders. */
  customersDataRequest(customerId?: string): ShopifyChange<ShopifyCustomer>;
  /** `customers/redact` for a customer (default the first) and their orders. */
  customersRedact(customerId?: string): ShopifyChange<ShopifyCustomer>;
  /** `shop/redact` (Shopify sends it 48 hours after an uninstall). */
  shopRedact(): ShopifyChange<ShopifyShopInfo>;
}

export interface ShopChangeDeps {
  readonly runtime: ShopRuntime;
  readonly ledger: OAuthLedger;
  readonly ids: ShopifyIds;
  readonly now: () => number;
  readonly webhookApiVersion: string;
}

/**
 * The changes of one shop: each stamped with the fake's clock, each returning the REST-shaped
 * webhook Shopify would send (a new event id each time).
 * @example
 * shopChanges(deps).updateVariant(variantId, { price: '12.00' }).event.topic; // 'products/update'
 */
export function shopChanges(deps: ShopChangeDeps): ShopChanges {
  const { runtime, ledger, now } = deps;
  const { state } = runtime;
  const domain = state.info.domain;
  const event = (topic: ShopifyWebhookTopic, payload: Record<string, unknown>): ShopifyWebhookEvent =>
    webhookEvent({ shopDomain: domain, eventId: deps.ids.uuid(), triggeredAt: new Date(now()).toISOString(), apiVersion: deps.webhookApiVersion }, topic, payload);
  const touchProduct = (product: ShopifyProduct): ShopifyWebhookEvent => {
    product.updatedAtMs = now();
    return event('products/update', restProduct(state, product));
  };
  const levelChange = (level: ShopifyInventoryLevel): ShopifyChange<ShopifyInventoryLevel> => ({ value: level, event: event('inventory_levels/update', restInventoryLevel(state, level)) });
  const customerOrders = (customer: ShopifyCustomer): string[] => [...state.orders.values()].filter((o) => o.customerId === customer.id).map((o) => o.id);
  const customerOf = (customerId: string | undefined): ShopifyCustomer => {
    const customer = customerId === undefined ? [...state.customers.values()][0] : state.customer(customerId);
    if (customer === undefined) throw new Error(`fake shopify: shop ${domain} has no customer`);
    return customer;
  };
  return {
    addProduct(input) {
      const product = state.addProduct(input);
      return { value: product, event: event('products/create', restProduct(state, product)) };
    },
    updateProduct(productId, patch) {
      const product = state.product(productId);
      Object.assign(product, { ...patch, ...(patch.tags === undefined ? {} : { tags: [...patch.tags] }) });
      return { value: product, event: touchProduct(product) };
    },
    updateVariant(variantId, patch) {
      const variant = state.variant(variantId);
      Object.assign(variant, patch, { updatedAtMs: now() });
      return { value: variant, event: touchProduct(state.product(variant.productId)) };
    },
    setAvailable: (itemId, locationId, available) => levelChange(state.setLevel(itemId, locationId, available)),
    adjustAvailable: (itemId, locationId, delta) => levelChange(state.setLevel(itemId, locationId, (state.level(itemId, locationId)?.available ?? 0) + delta)),
    createOrder(input) {
      const order = state.addOrder(input);
      return { value: order, event: event('orders/create', restOrder(state, order)) };
    },
    updateOrder(orderId, patch) {
      const order = state.order(orderId);
      const at = now();
      if (patch.financialStatus !== undefined) order.financialStatus = patch.financialStatus;
      if (patch.fulfillmentStatus !== undefined) order.fulfillmentStatus = patch.fulfillmentStatus;
      if (patch.email !== undefined) order.email = patch.email;
      if (patch.cancel === true) order.cancelledAtMs = at;
      if (patch.close === true) order.closedAtMs = at;
      order.updatedAtMs = at;
      return { value: order, event: event('orders/updated', restOrder(state, order)) };
    },
    uninstall() {
      ledger.revokeShop(domain);
      runtime.installed = false;
      return { value: state.info, event: event('app/uninstalled', restShop(state)) };
    },
    customersDataRequest(customerId) {
      const customer = customerOf(customerId);
      const payload = customersDataRequestPayload(state.info.id, domain, customer, customerOrders(customer), deps.ids.next('dataRequest'));
      return { value: customer, event: event('customers/data_request', payload) };
    },
    customersRedact(customerId) {
      const customer = customerOf(customerId);
      return { value: customer, event: event('customers/redact', customersRedactPayload(state.info.id, domain, customer, customerOrders(customer))) };
    },
    shopRedact: () => ({ value: state.info, event: event('shop/redact', shopRedactPayload(state.info.id, domain)) }),
  };
}
