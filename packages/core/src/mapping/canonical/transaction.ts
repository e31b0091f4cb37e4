import { firstOf } from './natural-key.js';
import { CURRENCY, DATE_TIME, KEY_TEXT, OPTIONAL_KEY_TEXT, OPTIONAL_NUMBER, entitySchema } from './schema-parts.js';
import type { EntityDefinition } from './types.js';

/** `transaction`: one sale line. Natural key: `key` ?? `vendor_transaction_id`. */
export const TRANSACTION: EntityDefinition = {
  name: 'transaction',
  table: 'transactions',
  schema: entitySchema(
    'transaction',
    'A sale line: what sold where, how many, at what price, and when.',
    {
      vendor_transaction_id: KEY_TEXT,
      store: { ...OPTIONAL_KEY_TEXT, description: 'Natural key of the store.' },
      product: { ...OPTIONAL_KEY_TEXT, description: 'Natural key of the product (its SKU).' },
      quantity: OPTIONAL_NUMBER,
      // Refunds and discounts can make a line's price negative, so no minimum here.
      unit_price: OPTIONAL_NUMBER,
      currency: CURRENCY,
      occurred_at: DATE_TIME,
    },
    ['vendor_transaction_id', 'occurred_at'],
  ),
  naturalKey: firstOf('transaction', ['vendor_transaction_id']),
  columns: [
    { column: 'store_key', field: 'store', type: 'text' },
    { column: 'product_key', field: 'product', type: 'text' },
    { column: 'quantity', field: 'quantity', type: 'numeric' },
    { column: 'unit_price', field: 'unit_price', type: 'numeric' },
    { column: 'currency', field: 'currency', type: 'text' },
    { column: 'occurred_at', field: 'occurred_at', type: 'timestamptz' },
    { column: 'vendor_transaction_id', field: 'vendor_transaction_id', type: 'text' },
  ],
};
