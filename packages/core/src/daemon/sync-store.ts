import {
  finishRun,
  insertDeadLetters,
  lookupVendorIds,
  readCheckpoint,
  startRun,
  updateRunProgress,
  writeCheckpoint,
  type Store,
} from '../store/index.js';
import type { StreamCheckpoint, SyncStore } from '../sync/index.js';
import { createEntityWriter } from './entity-writer.js';
import type { EntityCatalog } from '../mapping/index.js';

/** The checkpoint row's JSON cursor holds the resume request and the interrupted run's high water. */
function toCursor(checkpoint: StreamCheckpoint): unknown {
  return checkpoint.resume === undefined ? null : { resume: checkpoint.resume, runHighWater: checkpoint.runHighWater ?? null };
}

/**
 * The sync's storage over the store's repositories: a page's rows, dead letters, vendor ids, run
 * progress and checkpoint commit in one transaction.
 */
export function createSyncStore(store: Store, catalog: EntityCatalog, entityTables: Readonly<Record<string, string>> = {}): SyncStore {
  const writer = createEntityWriter(catalog, entityTables);

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
      return store.db.transaction(async (tx) => {
        const result = await writer.write(tx, { entity: page.entity, connector: page.connector, connection: page.connection, rows: page.rows });
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
