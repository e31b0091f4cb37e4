import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeHttpServer, type FakeHttpServer, type RecordedRequest } from './core-test-kit.js';
import { deliverShopifyWebhook, SHOPIFY_SDK_WEBHOOK_VECTORS, signShopifyWebhook, startFakeShopify, type FakeShopify, type ShopifyWebhookEvent } from './index.js';

/** A verifier written from VENDORS.md §1.1 for these tests only: base64 HMAC-SHA256 of the raw body, constant time. */
function verify(request: RecordedRequest, secret: string): boolean {
  const header = request.headers['x-shopify-hmac-sha256'];
  if (typeof header !== 'string' || request.body.length === 0) return false;
  const expected = createHmac('sha256', secret).update(request.body).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const SHOP = 'acme.myshopify.com';
let shopify: FakeShopify;
let receiver: FakeHttpServer;
let hooks: string;
beforeEach(async () => {
  shopify = await startFakeShopify({ shops: [SHOP], now: () => Date.parse('2026-01-10T12:00:00Z') });
  receiver = await createFakeHttpServer();
  receiver.route('POST', '/hooks', { status: 200, body: 'ok' });
  hooks = `${receiver.url}/hooks`;
});
afterEach(async () => {
  await Promise.all([shopify.close(), receiver.close()]);
});

describe('webhook delivery', () => {
  it("POSTs the raw body signed with the client secret, with Shopify's delivery headers", async () => {
    const shop = shopify.shop(SHOP);
    const level = shop.levels().find((l) => l.available !== null)!;
    const { event } = shop.setAvailable(level.inventoryItemId, level.locationId, 6);
    const result = await shopify.deliver(event, { url: hooks });
    expect(result.status).toBe(200);
    const [arrived] = receiver.requestsTo('POST', '/hooks');
    expect(arrived!.text()).toBe(event.body);
    expect(arrived!.text()).toBe(`{"inventory_item_id":${level.inventoryItemId},"location_id":${level.locationId},"available":6,"updated_at":"2026-01-10T07:00:00-05:00","admin_graphql_api_id":"gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.inventoryItemId}"}`);
    expect(arrived!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'inventory_levels/update',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-api-version': '2025-10',
      'x-shopify-event-id': event.eventId,
      'x-shopify-webhook-id': result.webhookId,
      'x-shopify-triggered-at': '2026-01-10T12:00:00.000Z',
    });
    expect(verify(arrived!, shopify.clientSecret)).toBe(true);
    expect(arrived!.headers['x-shopify-hmac-sha256']).toBe(signShopifyWebhook(event.body, shopify.clientSecret));
  });

  it('re-sends a delivery with the same webhook id and event id; a new delivery gets a new webhook id', async () => {
    const { event } = shopify.shop(SHOP).shopRedact();
    const first = await shopify.deliver(event, { url: hooks });
    await shopify.deliver(event, { url: hooks, webhookId: first.webhookId });
    await shopify.deliver(event, { url: hooks });
    const arrived = receiver.requestsTo('POST', '/hooks');
    expect(arrived.map((r) => r.headers['x-shopify-webhook-id'])).toEqual([first.webhookId, first.webhookId, expect.not.stringMatching(first.webhookId)]);
    expect(new Set(arrived.map((r) => r.headers['x-shopify-event-id']))).toEqual(new Set([event.eventId]));
  });

  it('makes deliveries a correct verifier refuses: wrong secret, the old secret after a rotation, no signature, a rewritten body; and leaves headers out', async () => {
    const { event } = shopify.shop(SHOP).updateOrder(shopify.shop(SHOP).orders()[0]!.id, { financialStatus: 'refunded' });
    const old = shopify.clientSecret;
    await shopify.deliver(event, { url: hooks, signWith: 'not-the-secret' });
    shopify.rotateClientSecret();
    expect(shopify.previousClientSecret).toBe(old);
    await shopify.deliver(event, { url: hooks, signWith: shopify.previousClientSecret! });
    await shopify.deliver(event, { url: hooks, signature: null });
    await shopify.deliver(event, { url: hooks, rewriteBody: (raw) => JSON.stringify(JSON.parse(raw), null, 2) });
    await shopify.deliver(event, { url: hooks, omitHeaders: ['webhookId', 'apiVersion'] });
    const arrived = receiver.requestsTo('POST', '/hooks');
    expect(arrived.map((r) => verify(r, shopify.clientSecret))).toEqual([false, false, false, false, true]);
    expect(verify(arrived[1]!, old)).toBe(true);
    expect(arrived[4]!.headers['x-shopify-webhook-id']).toBeUndefined();
    expect(arrived[4]!.headers['x-shopify-api-version']).toBeUndefined();
    expect(arrived[4]!.headers['x-shopify-topic']).toBe('orders/updated');
  });

  it("posts each of Shopify's SDK vectors with exactly the library's signature", async () => {
    for (const vector of SHOPIFY_SDK_WEBHOOK_VECTORS) {
      const event: ShopifyWebhookEvent = { topic: 'products/update', shopDomain: SHOP, payload: {}, body: vector.body, eventId: 'e', triggeredAt: 't', apiVersion: '2025-10' };
      await deliverShopifyWebhook({ url: hooks, secret: vector.secret, event });
    }
    const arrived = receiver.requestsTo('POST', '/hooks');
    expect(arrived.map((r) => r.headers['x-shopify-hmac-sha256'])).toEqual(SHOPIFY_SDK_WEBHOOK_VECTORS.map((v) => v.hmac));
    expect(arrived.map((r, i) => verify(r, SHOPIFY_SDK_WEBHOOK_VECTORS[i]!.secret))).toEqual([true, true]);
  });

  it("resolves the receiver's refusal as it is", async () => {
    receiver.route('POST', '/hooks', { status: 401, body: 'bad hmac' });
    const { event } = shopify.shop(SHOP).shopRedact();
    expect(await shopify.deliver(event, { url: hooks })).toMatchObject({ status: 401, body: 'bad hmac' });
  });
});
