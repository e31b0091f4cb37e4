/**
 * One shop's data as the fake keeps it: ids are decimal strings (never JS numbers), times are
 * epoch ms. The REST and GraphQL views and the webhook payloads are rendered from these records.
 */

export interface ShopifyShopInfo {
  readonly id: string;
  /** The `*.myshopify.com` domain: the shop's address, its OAuth `shop` and `X-Shopify-Shop-Domain`. */
  readonly domain: string;
  readonly name: string;
  readonly email: string;
  readonly currency: string;
  readonly ianaTimezone: string;
  /** The offset REST timestamps are written in (`-05:00` → -300). */
  readonly utcOffsetMinutes: number;
  readonly createdAtMs: number;
}

/** A fulfillment service owning a location (REST shows such locations with `legacy: true`). */
export interface ShopifyFulfillmentService {
  readonly id: string;
  readonly handle: string;
  readonly serviceName: string;
}

export interface ShopifyLocation {
  readonly id: string;
  name: string;
  readonly address1: string;
  readonly address2: string | null;
  readonly city: string;
  readonly province: string;
  readonly provinceCode: string;
  readonly country: string;
  readonly countryCode: string;
  readonly zip: string;
  readonly phone: string | null;
  active: boolean;
  /** Non-null for a fulfillment service's location. */
  readonly fulfillmentService: ShopifyFulfillmentService | null;
  readonly createdAtMs: number;
  updatedAtMs: number;
}

export type ShopifyProductStatus = 'active' | 'draft' | 'archived';

export interface ShopifyProduct {
  readonly id: string;
  title: string;
  readonly handle: string;
  vendor: string;
  productType: string;
  status: ShopifyProductStatus;
  bodyHtml: string;
  tags: string[];
  readonly createdAtMs: number;
  updatedAtMs: number;
  publishedAtMs: number | null;
  readonly optionId: string;
  /** In position order. */
  readonly variantIds: string[];
}

export interface ShopifyVariant {
  readonly id: string;
  readonly productId: string;
  title: string;
  /** Null or empty for a variant without a SKU (both occur at Shopify). */
  sku: string | null;
  barcode: string | null;
  /** A decimal string, `"199.00"`. */
  price: string;
  compareAtPrice: string | null;
  readonly position: number;
  readonly inventoryItemId: string;
  inventoryPolicy: 'deny' | 'continue';
  readonly taxable: boolean;
  readonly grams: number;
  readonly createdAtMs: number;
  updatedAtMs: number;
}

export interface ShopifyInventoryItem {
  readonly id: string;
  readonly variantId: string;
  /** Untracked items have levels whose `available` is null in REST and webhooks. */
  tracked: boolean;
  readonly requiresShipping: boolean;
  readonly cost: string | null;
  readonly createdAtMs: number;
  updatedAtMs: number;
}

export interface ShopifyInventoryLevel {
  readonly inventoryItemId: string;
  readonly locationId: string;
  /** Null when the item is not tracked. */
  available: number | null;
  committed: number;
  readonly createdAtMs: number;
  updatedAtMs: number;
}

export interface ShopifyCustomer {
  readonly id: string;
  email: string;
  phone: string | null;
  firstName: string;
  lastName: string;
  readonly createdAtMs: number;
  updatedAtMs: number;
}

export type ShopifyFinancialStatus = 'pending' | 'authorized' | 'partially_paid' | 'paid' | 'partially_refunded' | 'refunded' | 'voided';
export type ShopifyFulfillmentStatus = null | 'partial' | 'fulfilled';

export interface ShopifyLineItem {
  readonly id: string;
  /** Null when the variant was deleted or the line is custom (Shopify's samples have `variant_id: null`). */
  readonly variantId: string | null;
  readonly productId: string | null;
  readonly sku: string | null;
  readonly title: string;
  readonly variantTitle: string | null;
  readonly vendor: string | null;
  readonly quantity: number;
  /** Unit price, a decimal string. */
  readonly price: string;
}

export interface ShopifyOrder {
  readonly id: string;
  readonly number: number;
  /** `#1001`. */
  readonly name: string;
  email: string | null;
  readonly customerId: string | null;
  readonly currency: string;
  financialStatus: ShopifyFinancialStatus;
  fulfillmentStatus: ShopifyFulfillmentStatus;
  readonly lineItems: readonly ShopifyLineItem[];
  readonly test: boolean;
  readonly sourceName: string;
  readonly createdAtMs: number;
  updatedAtMs: number;
  readonly processedAtMs: number;
  cancelledAtMs: number | null;
  closedAtMs: number | null;
}
