import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSquare, type FakeSquare, type SquareSeedOptions } from './index.js';

const started: FakeSquare[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((square) => square.close()));
});
const NOW = Date.parse('2025-03-01T12:00:00Z');
const OPTIONS: SquareSeedOptions = { locations: 2, items: 30, variationsPerItem: 3, deletedItems: 2, orders: 25, payments: 10 };

async function seeded(seed: number, options: SquareSeedOptions = OPTIONS, before?: (square: FakeSquare) => void) {
  const square = await startFakeSquare({ seed, now: () => NOW });
  started.push(square);
  before?.(square);
  return square.merchant().seed(options);
}
/** The seeded data without line item uids and payment version tokens, which come from the fake's own id stream. */
const comparable = (result: Awaited<ReturnType<typeof seeded>>): unknown =>
  JSON.parse(JSON.stringify(result, (key, value: unknown) => (['uid', 'source_line_item_uid', 'version_token'].includes(key) ? undefined : value)));

describe('seeding a fake square merchant', () => {
  it('makes the same data for the same fake seed and other data for another', async () => {
    const first = await seeded(7);
    expect(await seeded(7)).toEqual(first);
    expect((await seeded(8)).items.map((i) => i.id)).not.toEqual(first.items.map((i) => i.id));
  });

  it('makes the same data for an explicit seed whatever happened before', async () => {
    const plain = await seeded(1, { ...OPTIONS, seed: 99 });
    const afterOthers = await seeded(1, { ...OPTIONS, seed: 99 }, (square) => {
      square.issueTokens();
      square.addMerchant().seed({ items: 5 });
    });
    expect(comparable(afterOthers)).toEqual(comparable(plain));
  });

  it('makes what was asked: locations, live and deleted items, a count per variation and location, orders and their payments', async () => {
    const result = await seeded(3);
    expect(result.locations).toHaveLength(2);
    expect(result.items).toHaveLength(30);
    expect(result.items.every((item) => item.item_data.variations.length === 3)).toBe(true);
    expect(result.deletedItems.every((item) => item.is_deleted)).toBe(true);
    expect(result.counts).toHaveLength(90 * 3);
    expect(result.counts.every((count) => Date.parse(count.calculated_at) <= NOW && Date.parse(count.calculated_at) > NOW - 31 * 86_400_000)).toBe(true);
    const live = new Set(result.items.flatMap((item) => item.item_data.variations.map((v) => v.id)));
    expect(result.orders).toHaveLength(25);
    for (const order of result.orders) {
      expect(order.line_items!.every((line) => live.has(line.catalog_object_id!) && /^\d+$/.test(line.quantity))).toBe(true);
      expect(Date.parse(order.updated_at)).toBeGreaterThanOrEqual(Date.parse(order.created_at));
      expect(order.version >= 1 && (order.version === 1) === (order.updated_at === order.created_at)).toBe(true);
    }
    expect(result.payments).toHaveLength(10);
    for (const payment of result.payments.filter((p) => p.order_id !== undefined)) {
      const order = result.orders.find((o) => o.id === payment.order_id)!;
      expect([order.state, payment.total_money.amount]).toEqual(['COMPLETED', order.total_money.amount]);
    }
  });

  it('refuses to seed orders without items', async () => {
    await expect(seeded(1, { orders: 1 })).rejects.toThrow(/needs items/);
  });
});
