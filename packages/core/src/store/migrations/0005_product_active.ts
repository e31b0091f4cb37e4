import type { Migration } from './migration.js';

/**
 * `products.active`: whether the vendor still sells the variant. Vendors delete or archive
 * variants (Square marks catalog objects deleted, Shopify archives products); the row stays, marked
 * inactive, so sales and stock that refer to it keep their product. Null: the vendor does not say.
 */
const SQL = `
alter table connectd.products add column active boolean;
`;

export const migration0005ProductActive: Migration = { name: '0005_product_active', sql: SQL };
