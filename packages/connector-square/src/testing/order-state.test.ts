import { describe, expect, it } from 'vitest';
import { InventoryState, squareQuantity } from './inventory-state.js';
import { lineTotal } from './order-lines.js';
import { OrderState } from './order-state.js';
import { seededRandom } from './random.js';
import { squareIds } from './square-ids.js';

const context = (now: () => number) => ({ now, ids: squareIds(seededRandom(1)) });

describe('orders and quantities', () => {
  it('writes quantities as Square does and refuses more than 5 decimals', () => {
    expect([squareQuantity(3), squareQuantity(2.5), squareQuantity('0.00001'), squareQuantity(1 / 3)]).toEqual(['3', '2.5', '0.00001', '0.33333']);
    expect(() => squareQuantity('1e3')).toThrow(TypeError);
  });

  it('rounds line totals to the minor unit', () => {
    expect([lineTotal(199, '1.5'), lineTotal(300, '2'), lineTotal(333, '0.5')]).toEqual([299, 600, 167]);
  });

  it('takes names, price and version of a catalog line from the variation, and refuses an unknown one', () => {
    const orders = new OrderState(context(() => 0), 'EUR', (id) => (id === 'V1' ? { itemName: 'Tea', variationName: 'Large', priceAmount: 225, version: 42 } : undefined));
    const order = orders.add({ locationId: 'L1', lineItems: [{ catalogObjectId: 'V1', quantity: 2 }] });
    expect(order.line_items![0]).toMatchObject({ name: 'Tea', variation_name: 'Large', catalog_version: 42, base_price_money: { amount: 225, currency: 'EUR' }, total_money: { amount: 450, currency: 'EUR' } });
    expect(() => orders.add({ locationId: 'L1', lineItems: [{ catalogObjectId: 'V2', quantity: 1 }] })).toThrow(/no catalog variation/);
    expect(() => orders.add({ locationId: 'L1', lineItems: [{ quantity: 1 }] })).toThrow(/basePriceAmount/);
  });

  it('keeps no counts in untracked states', () => {
    const inventory = new InventoryState(context(() => 0));
    expect(() => inventory.set('V', 'L', 1, 'NONE')).toThrow(/no counts/);
    expect(inventory.get('V', 'L')).toBeUndefined();
  });
});
