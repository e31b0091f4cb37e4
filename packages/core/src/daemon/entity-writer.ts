import type { EntityCatalog } from '../mapping/index.js';
import { CANONICAL_ENTITY_TABLES, customEntityTable, prepareEntityUpsert, type EntityUpsert, type Queryable } from '../store/index.js';

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
 * const writer = createEntityWriter(project.catalog, project.customTables);
 * await store.db.transaction((tx) => writer.write(tx, { entity: 'inventory_level', connector: 'storq', connection, rows }));
 */
export function createEntityWriter(catalog: EntityCatalog, entityTables: Readonly<Record<string, string>> = {}): EntityWriter {
  const upserts = new Map<string, EntityUpsert>();
  const upsertFor = (entity: string): EntityUpsert => {
    let upsert = upserts.get(entity);
    if (upsert === undefined) {
      const canonical = (CANONICAL_ENTITY_TABLES as Record<string, (typeof CANONICAL_ENTITY_TABLES)['store']>)[entity];
      const custom = entityTables[entity];
      if (canonical === undefined && custom === undefined) throw new TypeError(`entity "${entity}" has no table`);
      // The entity's definition says which vendor ids resolve to it (`$store()`, `$product()`).
      const idMap = catalog.get(entity)?.idMap;
      upsert = prepareEntityUpsert(canonical ?? customEntityTable(custom!), idMap === undefined ? {} : { idMapKind: idMap.kind });
      upserts.set(entity, upsert);
    }
    return upsert;
  };

  return {
    async write(tx, { entity, connector, connection, rows }) {
      if (rows.length === 0) return { inserted: 0, updated: 0, skippedOlder: 0 };
      const idMap = catalog.get(entity)?.idMap;
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
          ...(idMap === undefined ? {} : { vendorIdsToMap: idMap.vendorIds(row.value) }),
        })),
      );
      return { inserted: result.inserted, updated: result.updated, skippedOlder: result.skippedOlder };
    },
  };
}
