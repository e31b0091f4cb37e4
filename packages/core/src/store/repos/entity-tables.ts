import { advisoryLockKey } from '../advisory-key.js';
import type { Database } from '../database.js';
import { quoteIdentifier } from './identifiers.js';

/** SQL type of a typed entity column; values are cast from the mapped entity's JSON. */
export type TableColumnType = 'text' | 'numeric' | 'boolean' | 'timestamptz' | 'jsonb';

/** One typed column of an entity table, filled from `data[field]`. */
export interface TableColumn {
  readonly column: string;
  readonly field: string;
  readonly type: TableColumnType;
}

/**
 * Where an entity's rows go, as the entity's definition (mapping/) describes it: a table in schema
 * `connectd` with the generic columns (tenant_id,
 * natural_key, connector, connection_id, vendor_id, vendor_updated_at, data, created_at,
 * updated_at) plus `columns`, typed copies of entity fields for SQL users.
 */
export interface EntityTable {
  /** Table name in schema `connectd`, e.g. `inventory_levels`. */
  readonly table: string;
  readonly columns: readonly TableColumn[];
}

/**
 * The table of a custom (YAML-declared) entity: only the generic columns, the entity in `data`.
 * (The entity catalog makes sure no custom entity takes a canonical entity's table.)
 * @throws CONNECTD_ERR_STORE_IDENTIFIER_INVALID for a name that is not a plain identifier
 * @example
 * const target = customEntityTable('loyalty_members');
 */
export function customEntityTable(table: string): EntityTable {
  quoteIdentifier(table, 'table');
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
