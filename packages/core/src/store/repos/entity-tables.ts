import { STORE_IDENTIFIER_INVALID } from '../../errors/index.js';
import { advisoryLockKey } from '../advisory-key.js';
import type { Database } from '../database.js';
import { quoteIdentifier } from './identifiers.js';

/** SQL type of a typed entity column; values are cast from the mapped entity's JSON. */
export type EntityColumnType = 'text' | 'numeric' | 'boolean' | 'timestamptz' | 'jsonb';

/** One typed column of an entity table, filled from `data[field]`. */
export interface EntityColumn {
  readonly column: string;
  readonly field: string;
  readonly type: EntityColumnType;
}

/**
 * Where an entity's rows go: a table in schema `connectd` with the generic columns (tenant_id,
 * natural_key, connector, connection_id, vendor_id, vendor_updated_at, data, created_at,
 * updated_at) plus `columns`, typed copies of entity fields for SQL users.
 */
export interface EntityTable {
  /** Table name in schema `connectd`, e.g. `inventory_levels`. */
  readonly table: string;
  readonly columns: readonly EntityColumn[];
}

const text = (field: string, column = field): EntityColumn => ({ column, field, type: 'text' });
const numeric = (field: string): EntityColumn => ({ column: field, field, type: 'numeric' });
const timestamp = (field: string): EntityColumn => ({ column: field, field, type: 'timestamptz' });

/**
 * The tables of the canonical entities, by entity name, matching migration 0001. The column list
 * is the contract between a mapped entity (snake_case fields) and its public SQL table.
 * @example
 * await upsertEntities(tx, CANONICAL_ENTITY_TABLES.inventory_level, rows);
 */
export const CANONICAL_ENTITY_TABLES: Readonly<Record<'store' | 'product' | 'inventory_level' | 'transaction' | 'order', EntityTable>> = {
  store: {
    table: 'stores',
    columns: [
      text('name'),
      text('vendor_location_id'),
      { column: 'address', field: 'address', type: 'jsonb' },
      text('currency'),
      text('timezone'),
      { column: 'active', field: 'active', type: 'boolean' },
    ],
  },
  product: {
    table: 'products',
    columns: [text('sku'), text('name'), numeric('price'), text('currency'), text('barcode'), text('vendor_variant_id')],
  },
  inventory_level: {
    table: 'inventory_levels',
    columns: [text('store', 'store_key'), text('product', 'product_key'), numeric('quantity'), timestamp('as_of')],
  },
  transaction: {
    table: 'transactions',
    columns: [
      text('vendor_transaction_id'),
      text('store', 'store_key'),
      text('product', 'product_key'),
      numeric('quantity'),
      numeric('unit_price'),
      text('currency'),
      timestamp('occurred_at'),
    ],
  },
  order: {
    table: 'orders',
    columns: [
      text('external_id'),
      text('customer_email'),
      { column: 'lines', field: 'lines', type: 'jsonb' },
      text('status'),
      text('tracking_number'),
      timestamp('shipped_at'),
    ],
  },
};

const CANONICAL_TABLE_NAMES = new Set(Object.values(CANONICAL_ENTITY_TABLES).map((t) => t.table));

/**
 * The table of a custom (YAML-declared) entity: only the generic columns, the entity in `data`.
 * @throws CONNECTD_ERR_STORE_IDENTIFIER_INVALID for a bad name or a canonical table's name
 * @example
 * const target = customEntityTable('loyalty_members');
 */
export function customEntityTable(table: string): EntityTable {
  quoteIdentifier(table, 'table');
  if (CANONICAL_TABLE_NAMES.has(table)) {
    throw STORE_IDENTIFIER_INVALID({ kind: 'table', name: table, reason: 'it is the table of a canonical entity' });
  }
  return { table, columns: [] };
}

/**
 * Creates `connectd.<table>` for a custom entity when it is missing. Idempotent, and safe when
 * several daemons start at once: the DDL runs under an advisory lock per table (two concurrent
 * `create table if not exists` can otherwise fail on Postgres' catalog unique index).
 * @throws CONNECTD_ERR_STORE_IDENTIFIER_INVALID
 * @example
 * await ensureCustomEntityTable(store.db, 'loyalty_members');
 */
export async function ensureCustomEntityTable(db: Database, table: string): Promise<void> {
  customEntityTable(table);
  const name = quoteIdentifier(table, 'table');
  // Index names derive from the table name; keep them inside the 63-byte limit.
  const index = quoteIdentifier(`${table.slice(0, 50)}_updated_idx`, 'table');
  await db.withAdvisoryLock(advisoryLockKey(`connectd:entity-table:${table}`), (tx) =>
    tx.exec(`
      create table if not exists connectd.${name} (
        tenant_id          text not null,
        natural_key        text not null,
        data               jsonb not null,
        connector          text not null,
        connection_id      text,
        vendor_id          text,
        vendor_updated_at  timestamptz,
        created_at         timestamptz not null default now(),
        updated_at         timestamptz not null default now(),
        primary key (tenant_id, natural_key)
      );
      create index if not exists ${index} on connectd.${name} (tenant_id, updated_at);`),
  );
}
