import { firstOf, keyPart } from './natural-key.js';
import { CURRENCY, KEY_TEXT, OPTIONAL_KEY_TEXT, OPTIONAL_TEXT, entitySchema } from './schema-parts.js';
import type { EntityDefinition } from './types.js';

/** `product`: a sellable variant. Natural key: `key` ?? `sku`. */
export const PRODUCT: EntityDefinition = {
  name: 'product',
  table: 'products',
  schema: entitySchema(
    'product',
    'A sellable variant, identified by its SKU.',
    {
      sku: KEY_TEXT,
      name: OPTIONAL_TEXT,
      price: { type: ['number', 'null'], minimum: 0 },
      currency: CURRENCY,
      barcode: OPTIONAL_TEXT,
      vendor_variant_id: OPTIONAL_KEY_TEXT,
      active: { type: ['boolean', 'null'], description: 'False once the vendor deleted or archived the variant; the row stays for the sales and stock that name it.' },
    },
    ['sku'],
  ),
  naturalKey: firstOf('product', ['sku']),
  columns: [
    { column: 'sku', field: 'sku', type: 'text' },
    { column: 'name', field: 'name', type: 'text' },
    { column: 'price', field: 'price', type: 'numeric' },
    { column: 'currency', field: 'currency', type: 'text' },
    { column: 'barcode', field: 'barcode', type: 'text' },
    { column: 'vendor_variant_id', field: 'vendor_variant_id', type: 'text' },
    { column: 'active', field: 'active', type: 'boolean' },
  ],
  idMap: {
    kind: 'product',
    // Only the variant id: a vendor_id may be the parent product's id, shared by many variants.
    vendorIds: (entity) => {
      const id = keyPart(entity['vendor_variant_id']);
      return id === undefined ? [] : [id];
    },
  },
};
