import { squareQuantity } from './inventory-state.js';
import type { SquareOrderAmounts, SquareOrderLineItem } from './order-types.js';
import type { SquareMoney } from './types.js';

/** A line of an order to add: a catalog variation (price and names from the catalog) or a custom amount. */
export interface SquareLineItemInput {
  /** An ITEM_VARIATION id of the merchant's catalog. */
  readonly catalogObjectId?: string;
  readonly quantity: number | string;
  /** Unit price in minor units; default the variation's price (required for a custom amount). */
  readonly basePriceAmount?: number;
  /** Default the item's name (`Custom Amount` without a variation). */
  readonly name?: string;
}

/** What a line item takes from the catalog. */
export interface VariationFacts {
  readonly itemName: string;
  readonly variationName: string;
  readonly priceAmount: number;
  readonly version: number;
}

/**
 * Money in the smallest currency unit.
 * @example
 * money(150, 'USD'); // { amount: 150, currency: 'USD' }
 */
export function money(amount: number, currency: string): SquareMoney {
  return { amount, currency };
}

/**
 * `OrderMoneyAmounts` for a total without tax, discount, tip or service charge.
 * @example
 * amountsOf(550, 'USD').total_money; // { amount: 550, currency: 'USD' }
 */
export function amountsOf(total: number, currency: string): SquareOrderAmounts {
  const zero = money(0, currency);
  return { total_money: money(total, currency), tax_money: zero, discount_money: zero, tip_money: zero, service_charge_money: zero };
}

/**
 * A unit price times a decimal quantity, rounded to the minor unit as Square rounds line totals.
 * @example
 * lineTotal(300, '2'); // 600
 * lineTotal(199, '1.5'); // 299
 */
export function lineTotal(basePriceAmount: number, quantity: string): number {
  return Math.round(basePriceAmount * Number(quantity));
}

/**
 * Builds `OrderLineItem`s: catalog lines carry `catalog_object_id`, `catalog_version` and the
 * variation's names and price; totals are price × quantity (no tax or discount). Throws for an
 * unknown variation or a custom amount without a price: a test bug, not a request to refuse.
 * @example
 * buildLineItems([{ catalogObjectId: 'V1', quantity: 2 }], lookup, 'USD', ids.uid);
 */
export function buildLineItems(
  inputs: readonly SquareLineItemInput[],
  lookup: (variationId: string) => VariationFacts | undefined,
  currency: string,
  newUid: () => string,
): SquareOrderLineItem[] {
  return inputs.map((input) => {
    const quantity = squareQuantity(input.quantity);
    const facts = input.catalogObjectId === undefined ? undefined : lookup(input.catalogObjectId);
    if (input.catalogObjectId !== undefined && facts === undefined) throw new Error(`fake square: no catalog variation ${input.catalogObjectId}`);
    const base = input.basePriceAmount ?? facts?.priceAmount;
    if (base === undefined) throw new TypeError('fake square: a custom-amount line item needs basePriceAmount');
    const total = money(lineTotal(base, quantity), currency);
    const zero = money(0, currency);
    const catalog =
      facts === undefined
        ? {}
        : { catalog_object_id: input.catalogObjectId as string, catalog_version: facts.version, variation_name: facts.variationName };
    return {
      uid: newUid(),
      name: input.name ?? facts?.itemName ?? 'Custom Amount',
      quantity,
      ...catalog,
      item_type: facts === undefined ? 'CUSTOM_AMOUNT' : 'ITEM',
      base_price_money: money(base, currency),
      variation_total_price_money: total,
      gross_sales_money: total,
      total_tax_money: zero,
      total_discount_money: zero,
      total_money: total,
    };
  });
}
