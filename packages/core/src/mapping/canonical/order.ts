import { firstOf } from './natural-key.js';
import { KEY_TEXT, OPTIONAL_DATE_TIME, OPTIONAL_TEXT, entitySchema } from './schema-parts.js';
import type { EntityDefinition } from './types.js';

/** `order`: a fulfilment order. Natural key: `key` ?? `external_id`. */
export const ORDER: EntityDefinition = {
  name: 'order',
  table: 'orders',
  schema: entitySchema(
    'order',
    'A fulfilment order: who ordered what, its status and shipment.',
    {
      external_id: KEY_TEXT,
      customer_email: OPTIONAL_TEXT,
      lines: {
        type: ['array', 'null'],
        // Lines may carry more than sku and quantity (a name, a price): kept in `data`.
        items: {
          type: 'object',
          required: ['sku', 'quantity'],
          properties: { sku: KEY_TEXT, quantity: { type: 'number' } },
        },
      },
      status: OPTIONAL_TEXT,
      tracking_number: OPTIONAL_TEXT,
      shipped_at: OPTIONAL_DATE_TIME,
    },
    ['external_id'],
  ),
  naturalKey: firstOf('order', ['external_id']),
  columns: [
    { column: 'external_id', field: 'external_id', type: 'text' },
    { column: 'customer_email', field: 'customer_email', type: 'text' },
    { column: 'lines', field: 'lines', type: 'jsonb' },
    { column: 'status', field: 'status', type: 'text' },
    { column: 'tracking_number', field: 'tracking_number', type: 'text' },
    { column: 'shipped_at', field: 'shipped_at', type: 'timestamptz' },
  ],
};
