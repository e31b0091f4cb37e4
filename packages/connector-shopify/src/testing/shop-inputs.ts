import type { ShopifyFinancialStatus, ShopifyFulfillmentStatus, ShopifyProductStatus } from './shop-types.js';

/** What tests hand the fake to create records; everything left out gets a plausible default. */

export interface ShopifyLocationInput {
  readonly id?: string;
  readonly name: string;
  readonly city?: string;
  readonly active?: boolean;
  /** Makes it a fulfillment service's location (REST `legacy: true`). */
  readonly fulfillmentService?: { readonly handle: string; readonly serviceName: string };
  readonly createdAtMs?: number;
}

export interface ShopifyVariantInput {
  readonly id?: string;
  readonly inventoryItemId?: string;
  readonly title?: string;
  /** Null or '' for a variant without a SKU. Default none. */
  readonly sku?: string | null;
  readonly barcode?: string | null;
  /** Decimal string. Default `"10.00"`. */
  readonly price?: string;
  readonly compareAtPrice?: string | null;
  /** Default true; an untracked item's levels have `available: null`. */
  readonly tracked?: boolean;
  /** `available` per location id; locations left out get no level. */
  readonly stock?: Readonly<Record<string, number | null>>;
}

export interface ShopifyProductInput {
  readonly id?: string;
  readonly title: string;
  readonly vendor?: string;
  readonly productType?: string;
  readonly status?: ShopifyProductStatus;
  readonly tags?: readonly string[];
  /** Default one variant, `Default Title`. */
  readonly variants?: readonly ShopifyVariantInput[];
  readonly createdAtMs?: number;
  readonly updatedAtMs?: number;
}

export interface ShopifyCustomerInput {
  readonly id?: string;
  readonly email?: string;
  readonly phone?: string | null;
  readonly firstName?: string;
  readonly lastName?: string;
}

export interface ShopifyLineItemInput {
  /** A variant of the shop, or null for a custom line. */
  readonly variantId: string | null;
  readonly quantity: number;
  /** Default the variant's price. */
  readonly price?: string;
  /** Required for a custom line. */
  readonly title?: string;
}

export interface ShopifyOrderInput {
  readonly id?: string;
  readonly lineItems: readonly ShopifyLineItemInput[];
  readonly customerId?: string | null;
  readonly email?: string | null;
  readonly financialStatus?: ShopifyFinancialStatus;
  readonly fulfillmentStatus?: ShopifyFulfillmentStatus;
  readonly test?: boolean;
  readonly createdAtMs?: number;
  readonly updatedAtMs?: number;
  readonly cancelledAtMs?: number | null;
  readonly closedAtMs?: number | null;
}
