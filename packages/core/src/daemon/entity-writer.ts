import {
  CANONICAL_ENTITY_TABLES,
  customEntityTable,
  prepareEntityUpsert,
  rememberVendorIds,
  type EntityUpsert,
  type Queryable,
} from '../store/index.js';

/**
 * Entities whose vendor ids `$store()` and `$product()` resolve, and the fields holding the vendor
 * id (first present wins).
 */
const ID_MAP_FIELDS: Readonly<Record<string, readonly string[]>> = {
  store: ['vendor_location_id', 'vendor_id'],
  product: ['vendor_variant_id', 'vendor_id'],
};

const stringOrNull = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));

/** Mapped entities of one connection, ready to write. */
export interface EntityWrite {
  /** The entity name (canonical or custom). */
  readonly entity: string;
  readonly connector: string;
  readonly connection: { readonly id: string; readonly tenant: string };
  readonly rows: ReadonlyArray<{ readonly naturalKey: string; readonly value: Readonly<Record<string, unknown>> }>;
}

export interface EntityWriteCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly skippedOlder: number;
}

/** The one write path of mapped entities, shared by syncs, webhooks and replays. */
export interface EntityWriter {
  /**
   * Upserts the rows (an older vendor_updated_at never overwrites a newer one) and remembers the
   * vendor ids of stores and products for `$store()`/`$product()`. Call it inside the caller's
   * transaction, so the rows commit with what they advance (a checkpoint, an inbox row).
   */
  write(tx: Queryable, write: EntityWrite): Promise<EntityWriteCounts>;
}

/**
 * Creates the entity write path: one prepared upsert per entity table, built on first use and kept.
 * @throws TypeError from `write` for an entity with no table (the config validator rules it out)
 * @example
 * const writer = createEntityWriter(project.customTables);
 * await store.db.transaction((tx) => writer.write(tx, { entity: 'inventory_level', connector: 'storq', connection, rows }));
 */
export function createEntityWriter(entityTables: Readonly<Record<string, string>> = {}): EntityWriter {
  const upserts = new Map<string, EntityUpsert>();
  const upsertFor = (entity: string): EntityUpsert => {
    let upsert = upserts.get(entity);
    if (upsert === undefined) {
      const canonical = (CANONICAL_ENTITY_TABLES as Record<string, (typeof CANONICAL_ENTITY_TABLES)['store']>)[entity];
      const custom = entityTables[entity];
      if (canonical === undefined && custom === undefined) throw new TypeError(`entity "${entity}" has no table`);
      upsert = prepareEntityUpsert(canonical ?? customEntityTable(custom!));
      upserts.set(entity, upsert);
    }
    return upsert;
  };

  return {
    async write(tx, { entity, connector, connection, rows }) {
      if (rows.length === 0) return { inserted: 0, updated: 0, skippedOlder: 0 };
      const result = await upsertFor(entity).upsert(
        tx,
        rows.map((row) => ({
          tenantId: connection.tenant,
          naturalKey: row.naturalKey,
          connector,
          connectionId: connection.id,
          vendorId: stringOrNull(row.value['vendor_id']),
          vendorUpdatedAt: stringOrNull(row.value['vendor_updated_at']),
          data: row.value,
        })),
      );
      const idFields = ID_MAP_FIELDS[entity];
      if (idFields !== undefined) {
        const mappings = rows.flatMap((row) => {
          const field = idFields.find((f) => row.value[f] !== undefined && row.value[f] !== null);
          return field === undefined
            ? []
            : [{ tenantId: connection.tenant, connector, kind: entity, vendorId: String(row.value[field]), naturalKey: row.naturalKey }];
        });
        if (mappings.length > 0) await rememberVendorIds(tx, mappings);
      }
      return { inserted: result.inserted, updated: result.updated, skippedOlder: result.skippedOlder };
    },
  };
}
