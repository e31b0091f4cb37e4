import { firstOf, keyPart } from './natural-key.js';
import { CURRENCY, KEY_TEXT, OPTIONAL_KEY_TEXT, OPTIONAL_TEXT, entitySchema } from './schema-parts.js';
import type { EntityDefinition } from './types.js';

/** How an inventory item's id is recorded in the vendor-id map: under `product`, apart from variant ids. */
export function inventoryItemKey(inventoryItemId: string): string {
  return `inventory_item:${inventoryItemId}`;
}

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
      vendor_inventory_item_id: {
        ...OPTIONAL_KEY_TEXT,
        description: "The vendor's id of the variant's inventory item, where stock is counted by item (Shopify): what $inventory_item() resolves.",
      },
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
    // The variant id, and its inventory item's id prefixed (`$inventory_item()` looks those up);
    // never a vendor_id, which may be the parent product's id, shared by many variants.
    vendorIds: (entity) => {
      const variant = keyPart(entity['vendor_variant_id']);
      const item = keyPart(entity['vendor_inventory_item_id']);
      return [...(variant === undefined ? [] : [variant]), ...(item === undefined ? [] : [inventoryItemKey(item)])];
    },
  },
};
