import { firstOf, keyPart } from './natural-key.js';
import { CURRENCY, OPTIONAL_KEY_TEXT, OPTIONAL_TEXT, entitySchema } from './schema-parts.js';
import type { EntityDefinition } from './types.js';

/** `store`: a selling location. Natural key: `key` ?? `vendor_location_id` ?? `vendor_id`. */
export const STORE: EntityDefinition = {
  name: 'store',
  table: 'stores',
  schema: entitySchema(
    'store',
    'A selling location (a shop, a warehouse, a point of sale).',
    {
      name: OPTIONAL_TEXT,
      vendor_location_id: OPTIONAL_KEY_TEXT,
      address: { type: ['object', 'null'], description: 'Postal address as the vendor gives it.' },
      currency: CURRENCY,
      timezone: OPTIONAL_TEXT,
      active: { type: ['boolean', 'null'] },
    },
    [],
    // One of the three must identify the store; a null one does not count.
    {
      anyOf: [
        { required: ['key'], properties: { key: { type: 'string' } } },
        { required: ['vendor_location_id'], properties: { vendor_location_id: { type: 'string' } } },
        { required: ['vendor_id'], properties: { vendor_id: { type: 'string' } } },
      ],
    },
  ),
  naturalKey: firstOf('store', ['vendor_location_id', 'vendor_id']),
  columns: [
    { column: 'name', field: 'name', type: 'text' },
    { column: 'vendor_location_id', field: 'vendor_location_id', type: 'text' },
    { column: 'address', field: 'address', type: 'jsonb' },
    { column: 'currency', field: 'currency', type: 'text' },
    { column: 'timezone', field: 'timezone', type: 'text' },
    { column: 'active', field: 'active', type: 'boolean' },
  ],
  idMap: {
    kind: 'store',
    vendorIds: (entity) => {
      const id = keyPart(entity['vendor_location_id']) ?? keyPart(entity['vendor_id']);
      return id === undefined ? [] : [id];
    },
  },
};
