/**
 * How an entity is described to the rest of connectd: its JSON Schema, its table, how its natural
 * key is computed, and which fields get typed columns. mapping/ only describes; store/ writes SQL.
 */

/** Postgres column types an entity field can be written as. */
export type ColumnType = 'text' | 'numeric' | 'boolean' | 'timestamptz' | 'jsonb';

/** One typed column of an entity table, filled from one field of the mapped entity. */
export interface EntityColumn {
  readonly column: string;
  readonly field: string;
  readonly type: ColumnType;
}

/** Which vendor-id map kind an entity fills, so `$store()` / `$product()` can resolve vendor ids later. */
export interface VendorIdMapping {
  readonly kind: 'store' | 'product';
  /** The vendor ids of one mapped entity that should resolve to its natural key (none: []). */
  vendorIds(entity: Readonly<Record<string, unknown>>): readonly string[];
}

/**
 * An entity: canonical (store, product, inventory_level, transaction, order) or declared in YAML.
 *
 * Every table also has the generic columns `tenant_id`, `natural_key`, `connector`,
 * `connection_id`, `data` (the whole entity as jsonb), `created_at`, `updated_at` and the source
 * columns in {@link SOURCE_COLUMNS} (`vendor_id`, `vendor_updated_at`); `columns` lists only the
 * entity's own typed columns (none for custom entities).
 */
export interface EntityDefinition {
  /** snake_case name as used in `entity:` of connectors.yaml, e.g. `inventory_level`. */
  readonly name: string;
  /** Table in the `connectd` schema, e.g. `inventory_levels`; always `^[a-z][a-z0-9_]*$`. */
  readonly table: string;
  /** draft-07 JSON Schema every mapped value must satisfy. */
  readonly schema: Readonly<Record<string, unknown>>;
  /**
   * The natural key of a valid entity: `key` when given, else the entity's own rule.
   * Throws CONNECTD_ERR_MAPPING_NATURAL_KEY when the fields are missing or empty.
   */
  naturalKey(entity: Readonly<Record<string, unknown>>): string;
  readonly columns: readonly EntityColumn[];
  /** Set for `store` and `product`: the vendor ids to record in the vendor-id map. */
  readonly idMap?: VendorIdMapping;
  /** Declared under `entities:` in YAML; its table is created at start (canonical ones come with the migrations). */
  readonly custom?: boolean;
}

/**
 * The source columns every entity table has, filled from the optional source fields of the mapped
 * entity. Older-never-overwrites compares `vendor_updated_at`.
 */
export const SOURCE_COLUMNS: readonly EntityColumn[] = [
  { column: 'vendor_id', field: 'vendor_id', type: 'text' },
  { column: 'vendor_updated_at', field: 'vendor_updated_at', type: 'timestamptz' },
];

/**
 * The JSON Schema properties every entity accepts besides its own: where it came from, and a
 * `key` that overrides the natural key rule.
 */
export const SOURCE_PROPERTIES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  vendor_id: { type: 'string', minLength: 1, description: "The record's id at the vendor." },
  vendor_updated_at: { type: 'string', format: 'date-time', description: 'When the vendor last changed the record; an older update never overwrites a newer one.' },
  key: { type: 'string', minLength: 1, description: "Overrides the entity's natural key." },
};
