import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startFakeSquare, type SquareEvent } from './index.js';

const fixture = (name: string): SquareEvent =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/vendors/square/${name}.json`, import.meta.url), 'utf8')) as SquareEvent;

/** The key paths of a JSON value (array entries merged), to compare shapes without values. */
function shape(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((entry) => shape(entry, `${path}[]`)))].sort();
  if (typeof value !== 'object' || value === null) return [path];
  return Object.entries(value).flatMap(([key, inner]) => shape(inner, path === '' ? key : `${path}.${key}`)).sort();
}

describe('Square webhook events', () => {
  it("built from the fake's changes have exactly the fixtures' envelope and data shape", async () => {
    const square = await startFakeSquare({ now: () => Date.parse('2025-03-01T12:00:00Z') });
    try {
      const shop = square.merchant();
      const location = shop.locations()[0]!;
      const { item, event: catalogEvent } = shop.addItem({ name: 'Tea', variations: [{ name: 'Regular', priceAmount: 150 }] });
      const variation = item.item_data.variations[0]!;
      const { order, event: created } = shop.addOrder({ locationId: location.id, lineItems: [{ catalogObjectId: variation.id, quantity: 2 }] });
      const events: Array<[SquareEvent, string]> = [
        [shop.updateCount(variation.id, location.id, 10).event, 'event_inventory_count_updated'],
        [created, 'event_order_created'],
        [shop.updateOrder(order.id, { state: 'COMPLETED' }).event, 'event_order_updated'],
        [catalogEvent, 'event_catalog_version_updated'],
        [shop.revokeAuthorization().event, 'event_oauth_authorization_revoked'],
      ];
      for (const [event, name] of events) {
        const expected = fixture(name);
        expect(shape(event), name).toEqual(shape(expected));
        expect([event.type, event.data.type], name).toEqual([expected.type, expected.data.type]);
        expect(Object.keys(event), name).toEqual(['merchant_id', 'type', 'event_id', 'created_at', 'data']);
        expect(event.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(event.merchant_id).toBe(shop.id);
      }
      const { event: paymentEvent } = shop.addPayment({ locationId: location.id, amount: 300, orderId: order.id });
      for (const name of ['event_payment_created', 'event_payment_updated']) {
        const expected = fixture(name);
        expect([paymentEvent.data.type, Object.keys(paymentEvent.data.object)]).toEqual([expected.data.type, Object.keys(expected.data.object)]);
        const missing = shape(paymentEvent.data.object).filter((path) => !shape(expected.data.object).includes(path));
        expect(missing, 'payment fields not in the fixture').toEqual([]);
      }
    } finally {
      await square.close();
    }
  });

  it('carry a summary of the order, not the order, with the new version and updated_at', async () => {
    const square = await startFakeSquare({ now: () => Date.parse('2025-03-01T12:00:00Z') });
    try {
      const shop = square.merchant();
      const { order, event } = shop.addOrder({ locationId: shop.locations()[0]!.id, lineItems: [{ name: 'Gift', quantity: 1, basePriceAmount: 500 }] });
      expect(event.data).toEqual({ type: 'order_created', id: order.id, object: { order_created: { order_id: order.id, version: 1, location_id: order.location_id, state: 'OPEN', created_at: order.created_at } } });
      const updated = shop.updateOrder(order.id, { state: 'CANCELED' }).event;
      expect(updated.data.object).toEqual({ order_updated: { order_id: order.id, version: 2, location_id: order.location_id, state: 'CANCELED', created_at: order.created_at, updated_at: '2025-03-01T12:00:00.000Z' } });
    } finally {
      await square.close();
    }
  });
});
