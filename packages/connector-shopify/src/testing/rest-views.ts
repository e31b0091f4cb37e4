import { gid, inventoryLevelGid } from './ids.js';
import type { ShopState } from './shop-state.js';
import type { ShopifyCustomer, ShopifyInventoryLevel, ShopifyLineItem, ShopifyLocation, ShopifyOrder, ShopifyProduct, ShopifyVariant } from './shop-types.js';
import { restTime } from './time.js';

/**
 * REST Admin API representations (the shapes of Shopify's 2025-10 REST reference examples, the
 * fixtures in `test/fixtures/vendors/shopify/`), also the bodies of webhooks. Ids are `bigint`s so
 * that {@link stringifyJson} writes them as bare JSON numbers, above 2^53 too.
 */
export type RestObject = Record<string, unknown>;

const big = (id: string | null): bigint | null => (id === null ? null : BigInt(id));
const cents = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * 100n + BigInt((fraction + '00').slice(0, 2));
};
/** A decimal string from cents, two places: `19900n` → `"199.00"`. */
export const decimal = (value: bigint): string => `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
const moneySet = (amount: string, currency: string): RestObject => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

/** The available quantity summed over the variant's locations (REST `inventory_quantity`). */
export function inventoryQuantity(state: ShopState, variant: ShopifyVariant): number {
  let total = 0;
  for (const level of state.levels.values()) if (level.inventoryItemId === variant.inventoryItemId) total += level.available ?? 0;
  return total;
}

/** A REST ProductVariant, as nested in a product. */
export function restVariant(state: ShopState, variant: ShopifyVariant): RestObject {
  const t = (ms: number): string => restTime(ms, state.info.utcOffsetMinutes);
  const quantity = inventoryQuantity(state, variant);
  const tracked = state.item(variant.inventoryItemId).tracked;
  return {
    id: big(variant.id),
    product_id: big(variant.productId),
    title: variant.title,
    price: variant.price,
    position: variant.position,
    inventory_policy: variant.inventoryPolicy,
    compare_at_price: variant.compareAtPrice,
    option1: variant.title,
    option2: null,
    option3: null,
    created_at: t(variant.createdAtMs),
    updated_at: t(variant.updatedAtMs),
    taxable: variant.taxable,
    barcode: variant.barcode,
    fulfillment_service: 'manual',
    grams: variant.grams,
    inventory_management: tracked ? 'shopify' : null,
    requires_shipping: true,
    sku: variant.sku,
    weight: variant.grams / 1000,
    weight_unit: 'kg',
    inventory_item_id: big(variant.inventoryItemId),
    inventory_quantity: quantity,
    old_inventory_quantity: quantity,
    admin_graphql_api_id: gid('ProductVariant', variant.id),
    image_id: null,
  };
}

/**
 * A REST Product with its variants and options: a `products.json` record and the `products/update` body.
 * @example
 * stringifyJson(restProduct(state, product)); // '{"id":632910392,"title":…,"variants":[…]}'
 */
export function restProduct(state: ShopState, product: ShopifyProduct): RestObject {
  const t = (ms: number): string => restTime(ms, state.info.utcOffsetMinutes);
  const variants = product.variantIds.map((id) => state.variant(id));
  return {
    id: big(product.id),
    title: product.title,
    body_html: product.bodyHtml,
    vendor: product.vendor,
    product_type: product.productType,
    created_at: t(product.createdAtMs),
    handle: product.handle,
    updated_at: t(product.updatedAtMs),
    published_at: product.publishedAtMs === null ? null : t(product.publishedAtMs),
    template_suffix: null,
    published_scope: 'web',
    tags: product.tags.join(', '),
    status: product.status,
    admin_graphql_api_id: gid('Product', product.id),
    variants: variants.map((variant) => restVariant(state, variant)),
    options: [{ id: big(product.optionId), product_id: big(product.id), name: 'Title', position: 1, values: variants.map((v) => v.title) }],
    images: [],
    image: null,
  };
}

/** A REST Location; `legacy: true` for a fulfillment service's. */
export function restLocation(state: ShopState, location: ShopifyLocation): RestObject {
  const t = (ms: number): string => restTime(ms, state.info.utcOffsetMinutes);
  return {
    id: big(location.id),
    name: location.name,
    address1: location.address1,
    address2: location.address2,
    city: location.city,
    zip: location.zip,
    province: location.province,
    country: location.countryCode,
    phone: location.phone,
    created_at: t(location.createdAtMs),
    updated_at: t(location.updatedAtMs),
    country_code: location.countryCode,
    country_name: location.countryCode === 'CA' ? 'Canada' : location.country,
    province_code: location.provinceCode,
    legacy: location.fulfillmentService !== null,
    active: location.active,
    admin_graphql_api_id: gid('Location', location.id),
    localized_country_name: location.countryCode === 'CA' ? 'Canada' : location.country,
    localized_province_name: location.province,
  };
}

/** An InventoryLevel, also the whole `inventory_levels/update` webhook body. */
export function restInventoryLevel(state: ShopState, level: ShopifyInventoryLevel): RestObject {
  return {
    inventory_item_id: big(level.inventoryItemId),
    location_id: big(level.locationId),
    available: level.available,
    updated_at: restTime(level.updatedAtMs, state.info.utcOffsetMinutes),
    admin_graphql_api_id: inventoryLevelGid(level.locationId, level.inventoryItemId),
  };
}

/** A REST Customer, as nested in an order. */
export function restCustomer(state: ShopState, customer: ShopifyCustomer): RestObject {
  const t = (ms: number): string => restTime(ms, state.info.utcOffsetMinutes);
  return {
    id: big(customer.id),
    email: customer.email,
    created_at: t(customer.createdAtMs),
    updated_at: t(customer.updatedAtMs),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: 'disabled',
    phone: customer.phone,
    currency: state.info.currency,
    admin_graphql_api_id: gid('Customer', customer.id),
  };
}

function restLineItem(order: ShopifyOrder, line: ShopifyLineItem): RestObject {
  const fulfilled = order.fulfillmentStatus === 'fulfilled';
  return {
    id: big(line.id),
    admin_graphql_api_id: gid('LineItem', line.id),
    current_quantity: order.cancelledAtMs === null ? line.quantity : 0,
    fulfillable_quantity: fulfilled || order.cancelledAtMs !== null ? 0 : line.quantity,
    fulfillment_service: 'manual',
    fulfillment_status: fulfilled ? 'fulfilled' : null,
    gift_card: false,
    grams: 100,
    name: line.variantTitle === null ? line.title : `${line.title} - ${line.variantTitle}`,
    price: line.price,
    price_set: moneySet(line.price, order.currency),
    product_exists: line.productId !== null,
    product_id: big(line.productId),
    properties: [],
    quantity: line.quantity,
    requires_shipping: true,
    sku: line.sku,
    taxable: true,
    title: line.title,
    total_discount: '0.00',
    total_discount_set: moneySet('0.00', order.currency),
    variant_id: big(line.variantId),
    variant_inventory_management: line.variantId === null ? null : 'shopify',
    variant_title: line.variantTitle,
    vendor: line.vendor,
    tax_lines: [],
    duties: [],
    discount_allocations: [],
  };
}

/** An order's total: the sum of its lines (the fake has no tax, shipping or discounts). */
export function orderTotal(order: ShopifyOrder): string {
  return decimal(order.lineItems.reduce((sum, line) => sum + cents(line.price) * BigInt(line.quantity), 0n));
}

/** A REST Order with its line items and customer: an `orders.json` record and the `orders/create` and `orders/updated` body. */
export function restOrder(state: ShopState, order: ShopifyOrder): RestObject {
  const t = (ms: number | null): string | null => (ms === null ? null : restTime(ms, state.info.utcOffsetMinutes));
  const total = orderTotal(order);
  const customer = order.customerId === null ? undefined : state.customers.get(order.customerId);
  return {
    id: big(order.id),
    admin_graphql_api_id: gid('Order', order.id),
    cancel_reason: order.cancelledAtMs === null ? null : 'customer',
    cancelled_at: t(order.cancelledAtMs),
    closed_at: t(order.closedAtMs),
    confirmed: true,
    contact_email: order.email,
    created_at: t(order.createdAtMs),
    currency: order.currency,
    current_total_price: order.cancelledAtMs === null ? total : '0.00',
    email: order.email ?? '',
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    location_id: null,
    name: order.name,
    number: order.number - 1000,
    order_number: order.number,
    presentment_currency: order.currency,
    processed_at: t(order.processedAtMs),
    source_name: order.sourceName,
    subtotal_price: total,
    subtotal_price_set: moneySet(total, order.currency),
    tags: '',
    test: order.test,
    total_discounts: '0.00',
    total_line_items_price: total,
    total_price: total,
    total_price_set: moneySet(total, order.currency),
    total_tax: '0.00',
    updated_at: t(order.updatedAtMs),
    customer: customer === undefined ? null : restCustomer(state, customer),
    line_items: order.lineItems.map((line) => restLineItem(order, line)),
    shipping_lines: [],
    refunds: [],
    fulfillments: [],
  };
}

/** The Shop resource, also the `app/uninstalled` webhook body. */
export function restShop(state: ShopState): RestObject {
  const { info } = state;
  return {
    id: big(info.id),
    name: info.name,
    email: info.email,
    domain: info.domain,
    province: 'Ontario',
    country: 'CA',
    address1: '150 Elgin Street',
    zip: 'K2P 1L4',
    city: 'Ottawa',
    source: null,
    phone: '',
    created_at: restTime(info.createdAtMs, info.utcOffsetMinutes),
    updated_at: restTime(info.createdAtMs, info.utcOffsetMinutes),
    customer_email: info.email,
    currency: info.currency,
    iana_timezone: info.ianaTimezone,
    shop_owner: 'Shop Owner',
    plan_name: 'basic',
    plan_display_name: 'Basic',
    myshopify_domain: info.domain,
  };
}
