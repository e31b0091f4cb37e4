import { MAPPING_NATURAL_KEY } from '../../errors/index.js';
import { keyPart } from './natural-key.js';
import { KEY_TEXT, OPTIONAL_DATE_TIME, entitySchema } from './schema-parts.js';
import type { EntityDefinition } from './types.js';

/** The store an inventory level belongs to when the vendor has no locations. */
export const DEFAULT_STORE_KEY = 'default';

/**
 * `inventory_level`: the quantity of one product at one store. Natural key:
 * `key` ?? `${store}/${product}`, with `store` defaulting to {@link DEFAULT_STORE_KEY}.
 */
export const INVENTORY_LEVEL: EntityDefinition = {
  name: 'inventory_level',
  table: 'inventory_levels',
  schema: entitySchema(
    'inventory_level',
    'How many of one product one store holds.',
    {
      // Validation fills the default in, so the stored row and its data say "default" too.
      store: { type: 'string', minLength: 1, default: DEFAULT_STORE_KEY, description: 'Natural key of the store.' },
      product: { ...KEY_TEXT, description: 'Natural key of the product (its SKU).' },
      quantity: { type: 'number' },
      as_of: OPTIONAL_DATE_TIME,
    },
    ['product', 'quantity'],
  ),
  naturalKey: (entity) => {
    const key = keyPart(entity['key']);
    if (key !== undefined) return key;
    const product = keyPart(entity['product']);
    if (product === undefined) throw MAPPING_NATURAL_KEY({ entity: 'inventory_level', needs: '"key" or "product"' });
    return `${keyPart(entity['store']) ?? DEFAULT_STORE_KEY}/${product}`;
  },
  columns: [
    { column: 'store_key', field: 'store', type: 'text' },
    { column: 'product_key', field: 'product', type: 'text' },
    { column: 'quantity', field: 'quantity', type: 'numeric' },
    { column: 'as_of', field: 'as_of', type: 'timestamptz' },
  ],
};
