import { INVENTORY_LEVEL } from './inventory-level.js';
import { ORDER } from './order.js';
import { PRODUCT } from './product.js';
import { STORE } from './store.js';
import { TRANSACTION } from './transaction.js';
import type { EntityDefinition } from './types.js';

export { DEFAULT_STORE_KEY, INVENTORY_LEVEL } from './inventory-level.js';
export { keyPart } from './natural-key.js';
export { ORDER } from './order.js';
export { inventoryItemKey, PRODUCT } from './product.js';
export { STORE } from './store.js';
export { TRANSACTION } from './transaction.js';
export { SOURCE_COLUMNS, SOURCE_PROPERTIES } from './types.js';
export type { ColumnType, EntityColumn, EntityDefinition, VendorIdMapping } from './types.js';

/** The five canonical entities the README names (store, product, inventory_level, transaction, order), stores and products first. */
export const CANONICAL_ENTITIES: readonly EntityDefinition[] = [STORE, PRODUCT, INVENTORY_LEVEL, TRANSACTION, ORDER];
