import {
  CANONICAL_ENTITY_TABLES,
  customEntityTable,
  finishRun,
  insertDeadLetters,
  lookupVendorIds,
  prepareEntityUpsert,
  readCheckpoint,
  rememberVendorIds,
  startRun,
  updateRunProgress,
  writeCheckpoint,
  type EntityUpsert,
  type Store,
} from '../store/index.js';
import type { StreamCheckpoint, SyncStore } from '../sync/index.js';

/**
 * Entities whose vendor ids `$store()` and `$product()` resolve, and the fields holding the vendor
 * id (first present wins).
 */
const ID_MAP_FIELDS: Readonly<Record<string, readonly string[]>> = {
  store: ['vendor_location_id', 'vendor_id'],
  product: ['vendor_variant_id', 'vendor_id'],
};

const stringOrNull = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));

/** The checkpoint row's JSON cursor holds the resume request and the interrupted run's high water. */
function toCursor(checkpoint: StreamCheckpoint): unknown {
  return checkpoint.resume === undefined ? null : { resume: checkpoint.resume, runHighWater: checkpoint.runHighWater ?? null };
}

/**
 * The sync's storage over the store's repositories: a page's rows, dead letters, vendor ids, run
 * progress and checkpoint commit in one transaction.
 */
export function createSyncStore(store: Store, entityTables: Readonly<Record<string, string>> = {}): SyncStore {
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
    async readCheckpoint(connectionId, stream) {
      const row = await readCheckpoint(store.db, connectionId, stream);
      if (row === undefined) return undefined;
      const cursor = (row.cursor ?? {}) as { resume?: StreamCheckpoint['resume']; runHighWater?: string | null };
      return {
        resume: cursor.resume ?? undefined,
        runHighWater: cursor.runHighWater ?? undefined,
        highWaterMark: row.highWaterMark ?? undefined,
      };
    },

    async startRun(input) {
      const { runId } = await startRun(store.db, {
        connectionId: input.connectionId,
        stream: input.stream,
        mode: input.mode,
        ...(input.jobId === undefined ? {} : { jobId: input.jobId }),
      });
      return runId;
    },

    async applyPage(page) {
      const upsert = upsertFor(page.entity);
      const idFields = ID_MAP_FIELDS[page.entity];
      return store.db.transaction(async (tx) => {
        const result = await upsert.upsert(
          tx,
          page.rows.map((row) => ({
            tenantId: page.connection.tenant,
            naturalKey: row.naturalKey,
            connector: page.connector,
            connectionId: page.connection.id,
            vendorId: stringOrNull(row.value.vendor_id),
            vendorUpdatedAt: stringOrNull(row.value.vendor_updated_at),
            data: row.value,
          })),
        );
        if (idFields !== undefined) {
          const mappings = page.rows.flatMap((row) => {
            const field = idFields.find((f) => row.value[f] !== undefined && row.value[f] !== null);
            return field === undefined
              ? []
              : [{ tenantId: page.connection.tenant, connector: page.connector, kind: page.entity, vendorId: String(row.value[field]), naturalKey: row.naturalKey }];
          });
          if (mappings.length > 0) await rememberVendorIds(tx, mappings);
        }
        if (page.failures.length > 0) {
          await insertDeadLetters(
            tx,
            page.failures.map((failure) => ({
              sourceKind: 'sync' as const,
              connector: page.connector,
              connectionId: page.connection.id,
              stream: page.stream,
              runId: page.runId,
              payload: failure.record,
              errorCode: failure.code,
              reason: failure.reason,
            })),
          );
        }
        await updateRunProgress(tx, page.runId, page.progress);
        await writeCheckpoint(tx, page.connection.id, page.stream, {
          cursor: toCursor(page.checkpoint),
          highWaterMark: page.checkpoint.highWaterMark ?? null,
        });
        return { inserted: result.inserted, updated: result.updated, skippedOlder: result.skippedOlder };
      });
    },

    async finishRun(runId, outcome) {
      if (outcome.result === 'failed') {
        await finishRun(store.db, runId, 'failed', outcome.error);
        return;
      }
      await store.db.transaction(async (tx) => {
        await writeCheckpoint(tx, outcome.connectionId, outcome.stream, { cursor: null, highWaterMark: outcome.checkpoint.highWaterMark ?? null });
        await finishRun(tx, runId, 'succeeded');
      });
    },

    lookupVendorIds: (tenant, connector, kind, vendorIds) => lookupVendorIds(store.db, tenant, connector, kind, vendorIds),
  };
}
