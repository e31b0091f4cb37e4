import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSquare, type FakeSquare, type FakeSquareMerchant } from './index.js';

let now = 0;
let square: FakeSquare;
let shop: FakeSquareMerchant;
let locationId: string;
beforeEach(async () => {
  now = Date.parse('2025-03-01T12:00:00Z');
  square = await startFakeSquare({ now: () => now });
  shop = square.merchant();
  locationId = shop.locations()[0]!.id;
});
afterEach(async () => {
  await square.close();
});

describe('fake square merchant changes', () => {
  it('sets a count, stamped now, and returns the inventory.count.updated event carrying it', () => {
    const variation = shop.addItem({ name: 'Tea' }).item.item_data.variations[0]!;
    now += 5000;
    const { count, event } = shop.updateCount(variation.id, locationId, '12.25');
    expect(count).toEqual({ catalog_object_id: variation.id, catalog_object_type: 'ITEM_VARIATION', state: 'IN_STOCK', location_id: locationId, quantity: '12.25', calculated_at: '2025-03-01T12:00:05.000Z' });
    expect(event).toEqual({ merchant_id: shop.id, type: 'inventory.count.updated', event_id: expect.any(String), created_at: '2025-03-01T12:00:05.000Z', data: { type: 'inventory_counts', id: expect.any(String), object: { inventory_counts: [count] } } });
    expect(shop.counts()).toEqual([count]);
    expect(shop.updateCount(variation.id, locationId, 3, 'WASTE').count.state).toBe('WASTE');
    expect(() => shop.updateCount(variation.id, locationId, 1, 'SOLD')).toThrow();
    expect(() => shop.updateCount('NOPE', locationId, 1)).toThrow();
    expect(() => shop.updateCount(variation.id, locationId, '1.123456')).toThrow();
  });

  it('bumps an order version and updated_at, sets closed_at on completion, and returns order.updated', () => {
    const { order } = shop.addOrder({ locationId, lineItems: [{ name: 'Custom', quantity: '1', basePriceAmount: 250 }] });
    now += 60_000;
    const { order: updated, event } = shop.updateOrder(order.id, { state: 'COMPLETED' });
    expect(updated).toMatchObject({ version: 2, updated_at: '2025-03-01T12:01:00.000Z', closed_at: '2025-03-01T12:01:00.000Z', state: 'COMPLETED', created_at: order.created_at });
    expect(event.data.object).toMatchObject({ order_updated: { version: 2, state: 'COMPLETED' } });
    expect(shop.order(order.id)).toEqual(updated);
    expect(() => shop.updateOrder('NOPE', {})).toThrow();
  });

  it('adds a variation, changing its item, and returns catalog.version.updated at the latest change', () => {
    const { item } = shop.addItem({ name: 'Tea' });
    now += 1000;
    const { variation, event } = shop.addVariation(item.id, { name: 'Large', priceAmount: 225, sku: 'TEA-L' });
    expect(variation.item_variation_data).toMatchObject({ item_id: item.id, name: 'Large', sku: 'TEA-L', ordinal: 2, price_money: { amount: 225, currency: 'USD' } });
    expect(event.data).toEqual({ type: 'catalog_version', id: expect.any(String), object: { catalog_version: { updated_at: '2025-03-01T12:00:01.000Z' } } });
    const [changed] = shop.items();
    expect(changed!.version).toBeGreaterThan(item.version);
    expect(changed!.updated_at).toBe('2025-03-01T12:00:01.000Z');
    expect(changed!.item_data.variations.map((v) => v.id)).toEqual([item.item_data.variations[0]!.id, variation.id]);
  });

  it('deletes an item with its variations, keeping them for searches that ask for deleted objects', () => {
    const { item } = shop.addItem({ name: 'Tea', variations: [{}, {}] });
    shop.deleteItem(item.id);
    expect(shop.items()).toEqual([]);
    expect(shop.variations()).toEqual([]);
    expect(shop.items({ includeDeleted: true })[0]).toMatchObject({ id: item.id, is_deleted: true });
    expect(shop.variations({ includeDeleted: true }).map((v) => v.is_deleted)).toEqual([true, true]);
    expect(() => shop.deleteItem(item.id)).toThrow();
    expect(() => shop.addVariation(item.id)).toThrow();
  });

  it('refunds an order as a return order with returns and refunds, refunding its payment too', () => {
    const variation = shop.addItem({ name: 'Tea', variations: [{ priceAmount: 300 }] }).item.item_data.variations[0]!;
    const { order } = shop.addOrder({ locationId, lineItems: [{ catalogObjectId: variation.id, quantity: 2 }], state: 'COMPLETED' });
    const { payment } = shop.addPayment({ locationId, amount: 600, orderId: order.id });
    now += 1000;
    const line = order.line_items![0]!;
    const { order: returned, event, paymentEvent } = shop.refundOrder(order.id, { lineItems: [{ uid: line.uid, quantity: 1 }], reason: 'Damaged' });
    expect(returned).toMatchObject({
      state: 'COMPLETED',
      returns: [{ source_order_id: order.id, return_line_items: [{ source_line_item_uid: line.uid, catalog_object_id: variation.id, quantity: '1', total_money: { amount: 300, currency: 'USD' } }] }],
      refunds: [{ id: expect.stringMatching(new RegExp(`^${payment.id}_`)), tender_id: payment.id, transaction_id: order.id, reason: 'Damaged', amount_money: { amount: 300, currency: 'USD' }, status: 'APPROVED' }],
      return_amounts: { total_money: { amount: 300, currency: 'USD' } },
      net_amounts: { total_money: { amount: -300, currency: 'USD' } },
    });
    expect(event.type).toBe('order.created');
    expect(paymentEvent?.type).toBe('payment.updated');
    expect(shop.payments()[0]).toMatchObject({ refunded_money: { amount: 300, currency: 'USD' }, refund_ids: [returned.refunds![0]!.id], updated_at: '2025-03-01T12:00:01.000Z' });
    expect(shop.payments()[0]!.version_token).not.toBe(payment.version_token);
    expect(shop.order(order.id)).toEqual(order);
  });

  it('adds and updates payments, returning payment.created and payment.updated with the payment', () => {
    const { payment, event } = shop.addPayment({ locationId, amount: 1250, status: 'APPROVED' });
    expect(payment).toMatchObject({ status: 'APPROVED', card_details: { status: 'AUTHORIZED' }, total_money: { amount: 1250, currency: 'USD' }, receipt_number: payment.id.slice(0, 4) });
    expect(event.data).toEqual({ type: 'payment', id: payment.id, object: { payment } });
    const updated = shop.updatePayment(payment.id, { status: 'COMPLETED' });
    expect(updated.event).toMatchObject({ type: 'payment.updated', data: { object: { payment: { status: 'COMPLETED', card_details: { status: 'CAPTURED' } } } } });
  });
});
