import { INTERNAL } from '../errors/index.js';
import type { EntityCatalog, EntityRow } from '../mapping/index.js';
import { deleteConnectionEntities, ensureCustomEntityTable, prepareEntityUpsert, type ChangeSource, type Database, type EntityUpsert, type Queryable } from '../store/index.js';

const stringOrNull = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));

/** Mapped entities of one connection, ready to write; each row names its entity. */
export interface EntityWrite {
  readonly connector: string;
  readonly connection: { readonly id: string; readonly tenant: string };
  readonly rows: readonly EntityRow[];
  /** What wrote the rows, recorded with each change in the feed. */
  readonly source: ChangeSource;
  /**
   * One source per row, when the rows come from several (a webhook batch groups several events of
   * a connection into one write); overrides `source`.
   */
  readonly rowSources?: readonly ChangeSource[];
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
  /**
   * Deletes every row a connection wrote, in every entity table of the catalog, each appended to
   * the change feed as `deleted`; resolves how many.
   */
  eraseConnection(tx: Queryable, connectionId: string, source: ChangeSource): Promise<number>;
}

/** Options of {@link createEntityWriter}. */
export interface EntityWriterOptions {
  /**
   * Append every change to the change feed (`connectd.changes`) in the write's statement. On by
   * default; `false` exists for `pnpm bench:changes`, which measures what the feed costs.
   */
  readonly feed?: boolean;
}

/**
 * Creates the entity write path: one prepared upsert per entity table, built on first use from the
 * entity's definition in the catalog (its table, typed columns and id map) and kept.
 * @example
 * const writer = createEntityWriter(project.catalog);
 * await store.db.transaction((tx) => writer.write(tx, { connector: 'storq', connection, rows, source: { kind: 'sync', run_id: '7' } })); // rows: { entity, naturalKey, value }
 */
export function createEntityWriter(catalog: EntityCatalog, options: EntityWriterOptions = {}): EntityWriter {
  const feed = options.feed !== false;
  const upserts = new Map<string, EntityUpsert>();
  const upsertFor = (entity: string): EntityUpsert => {
    let upsert = upserts.get(entity);
    if (upsert === undefined) {
      const definition = catalog.get(entity);
      // Streams, webhooks and replays only name entities the config validator found in the catalog.
      if (definition === undefined) throw INTERNAL({ message: `entity "${entity}" is not in the catalog` });
      // The entity's definition says where its rows go and which vendor ids resolve to it (`$store()`, `$product()`).
      upsert = prepareEntityUpsert(
        { table: definition.table, columns: definition.columns },
        { ...(definition.idMap === undefined ? {} : { idMapKind: definition.idMap.kind }), ...(feed ? { feedEntity: entity } : {}) },
      );
      upserts.set(entity, upsert);
    }
    return upsert;
  };

  const writeEntity = async (tx: Queryable, entity: string, write: EntityWrite, rows: readonly IndexedRow[]): Promise<EntityWriteCounts> => {
    const idMap = catalog.get(entity)?.idMap;
    const { connector, connection, rowSources } = write;
    const result = await upsertFor(entity).upsert(
      tx,
      rows.map(({ row, index }) => ({
        tenantId: connection.tenant,
        naturalKey: row.naturalKey,
        connector,
        connectionId: connection.id,
        vendorId: stringOrNull(row.value['vendor_id']),
        vendorUpdatedAt: stringOrNull(row.value['vendor_updated_at']),
        data: row.value,
        ...(idMap === undefined ? {} : { vendorIdsToMap: idMap.vendorIds(row.value) }),
        ...(rowSources?.[index] === undefined ? {} : { source: rowSources[index] }),
      })),
      write.source,
    );
    return { inserted: result.inserted, updated: result.updated, skippedOlder: result.skippedOlder };
  };

  return {
    async write(tx, write) {
      const counts = { inserted: 0, updated: 0, skippedOlder: 0 };
      // One upsert per entity, in the order entities first appear; rows keep their order within it.
      for (const [entity, ofEntity] of groupByEntity(write.rows)) {
        const written = await writeEntity(tx, entity, write, ofEntity);
        counts.inserted += written.inserted;
        counts.updated += written.updated;
        counts.skippedOlder += written.skippedOlder;
      }
      return counts;
    },

    async eraseConnection(tx, connectionId, source) {
      let erased = 0;
      for (const name of catalog.names()) {
        erased += await deleteConnectionEntities(tx, catalog.get(name)!.table, connectionId, feed ? { entity: name, source } : undefined);
      }
      return erased;
    },
  };
}

/** A row with its place in the write, which finds its own source in `rowSources`. */
interface IndexedRow {
  readonly row: EntityRow;
  readonly index: number;
}

function groupByEntity(rows: readonly EntityRow[]): Map<string, IndexedRow[]> {
  const groups = new Map<string, IndexedRow[]>();
  rows.forEach((row, index) => {
    const group = groups.get(row.entity);
    if (group === undefined) groups.set(row.entity, [{ row, index }]);
    else group.push({ row, index });
  });
  return groups;
}

/**
 * Creates the tables of the catalog's custom entities that are missing (canonical ones come with
 * the migrations). Safe when several daemons start at once.
 * @example
 * await ensureEntityTables(store.db, project.catalog);
 */
export async function ensureEntityTables(db: Database, catalog: EntityCatalog): Promise<void> {
  for (const name of catalog.names()) {
    const definition = catalog.get(name);
    if (definition?.custom === true) await ensureCustomEntityTable(db, definition.table);
  }
}
