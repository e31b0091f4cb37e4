import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJsonLossless, startFakeShopify, type FakeShopify } from './index.js';

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../../../../test/fixtures/vendors/shopify/${name}`, import.meta.url), 'utf8'));
const SHOP = 'acme.myshopify.com';
let now = Date.parse('2026-01-10T12:00:00Z');
let shopify: FakeShopify;
beforeEach(async () => {
  now = Date.parse('2026-01-10T12:00:00Z');
  shopify = await startFakeShopify({ shops: [SHOP], now: () => now });
});
afterEach(() => shopify.close());

describe('shop changes and their webhooks', () => {
  it('products/update carries the REST product with the keys of Shopify’s example, variants with inventory_item_id', () => {
    const shop = shopify.shop(SHOP);
    const variant = shop.variants()[0]!;
    now += 1000;
    const { value, event } = shop.updateVariant(variant.id, { price: '12.50', sku: 'NEW-SKU' });
    expect(value).toMatchObject({ price: '12.50', sku: 'NEW-SKU', updatedAtMs: now });
    expect(event.topic).toBe('products/update');
    const payload = parseJsonLossless(event.body) as any;
    const example = fixture('products_since_id.json').products[0];
    expect(Object.keys(payload)).toEqual(Object.keys(example));
    expect(Object.keys(payload.variants[0]).sort()).toEqual(Object.keys(example.variants[0]).filter((k) => k !== 'presentment_prices').sort());
    const sent = payload.variants.find((v: any) => String(v.id) === variant.id);
    expect(sent).toMatchObject({ price: '12.50', sku: 'NEW-SKU', admin_graphql_api_id: `gid://shopify/ProductVariant/${variant.id}` });
    expect(String(sent.inventory_item_id)).toBe(variant.inventoryItemId);
    expect(payload.updated_at).toBe('2026-01-10T07:00:01-05:00');
  });

  it('inventory_levels/update is {inventory_item_id, location_id, available, updated_at, admin_graphql_api_id}, available null for an untracked item', () => {
    const shop = shopify.shop(SHOP);
    const untracked = shop.inventoryItems().find((i) => !i.tracked) ?? shop.inventoryItems()[0]!;
    untracked.tracked = false;
    const location = shop.locations()[0]!;
    const { event, value } = shop.setAvailable(untracked.id, location.id, 5);
    expect(value.available).toBeNull();
    expect(parseJsonLossless(event.body)).toEqual({
      inventory_item_id: BigInt(untracked.id),
      location_id: BigInt(location.id) > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(location.id) : Number(location.id),
      available: null,
      updated_at: '2026-01-10T07:00:00-05:00',
      admin_graphql_api_id: `gid://shopify/InventoryLevel/${location.id}?inventory_item_id=${untracked.id}`,
    });
    const tracked = shop.levels().find((l) => l.available !== null)!;
    expect(shop.adjustAvailable(tracked.inventoryItemId, tracked.locationId, -1).value.available).toBe(tracked.available);
  });

  it('orders/create and orders/updated carry the REST order, every key one of Shopify’s example', () => {
    const shop = shopify.shop(SHOP);
    const [a, b] = shop.variants();
    const { value, event } = shop.createOrder({ lineItems: [{ variantId: a!.id, quantity: 2 }, { variantId: b!.id, quantity: 1, price: '1.00' }, { variantId: null, quantity: 1, title: 'Gift wrap', price: '3.00' }], customerId: shop.customers()[0]!.id });
    expect(event.topic).toBe('orders/create');
    const payload = parseJsonLossless(event.body) as any;
    const example = fixture('orders_status_any.json').orders[0];
    expect(Object.keys(payload).filter((k) => !(k in example))).toEqual([]);
    expect(Object.keys(payload.line_items[0]).filter((k) => !(k in example.line_items[0]))).toEqual([]);
    expect(payload.line_items.map((l: any) => [l.variant_id === null ? null : String(l.variant_id), l.quantity, l.price])).toEqual([
      [a!.id, 2, a!.price],
      [b!.id, 1, '1.00'],
      [null, 1, '3.00'],
    ]);
    expect(payload.name).toBe(value.name);
    const updated = shop.updateOrder(value.id, { financialStatus: 'refunded', cancel: true });
    expect(updated.event.topic).toBe('orders/updated');
    expect(parseJsonLossless(updated.event.body)).toMatchObject({ financial_status: 'refunded', cancelled_at: '2026-01-10T07:00:00-05:00' });
  });

  it('app/uninstalled carries the Shop resource and ends the install; the compliance topics carry Shopify’s documented fields', () => {
    const shop = shopify.shop(SHOP);
    shop.issueTokens();
    const uninstalled = shop.uninstall();
    expect(uninstalled.event.topic).toBe('app/uninstalled');
    expect(parseJsonLossless(uninstalled.event.body)).toMatchObject({ myshopify_domain: SHOP, domain: SHOP, id: Number(shop.info().id) });
    expect(shop.tokens().every((t) => t.revoked)).toBe(true);
    const customer = shop.customers()[0]!;
    const orders = shop.orders().filter((o) => o.customerId === customer.id).map((o) => o.id);
    const request = parseJsonLossless(shop.customersDataRequest(customer.id).event.body) as any;
    expect(Object.keys(request)).toEqual(['shop_id', 'shop_domain', 'orders_requested', 'customer', 'data_request']);
    expect(request.orders_requested.map(String)).toEqual(orders);
    expect(request.customer).toEqual({ id: expect.anything(), email: customer.email, phone: customer.phone });
    const redact = shop.customersRedact(customer.id).event;
    expect(redact.topic).toBe('customers/redact');
    expect(Object.keys(parseJsonLossless(redact.body) as object)).toEqual(['shop_id', 'shop_domain', 'customer', 'orders_to_redact']);
    expect(parseJsonLossless(shop.shopRedact().event.body)).toEqual({ shop_id: expect.anything(), shop_domain: SHOP });
  });

  it('gives every event its own id, stamped with the fake clock and the webhook API version', () => {
    const shop = shopify.shop(SHOP);
    const events = [shop.shopRedact().event, shop.shopRedact().event];
    expect(events[0]!.eventId).not.toBe(events[1]!.eventId);
    expect(events[0]).toMatchObject({ shopDomain: SHOP, triggeredAt: '2026-01-10T12:00:00.000Z', apiVersion: '2025-10' });
  });
});
