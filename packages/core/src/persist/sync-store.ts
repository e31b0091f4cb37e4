import {
  finishRun,
  lookupVendorIds,
  readCheckpoint,
  recordSyncBatch,
  startRun,
  listVendorIds,
  succeededStreams,
  writeCheckpoint,
  type Database,
} from '../store/index.js';
import type { StreamCheckpoint, SyncStore } from '../sync/index.js';
import type { EntityWriter } from './entity-writer.js';

/** The checkpoint row's JSON cursor holds the resume request and the interrupted run's high water. */
function toCursor(checkpoint: StreamCheckpoint): unknown {
  if (checkpoint.resume === undefined) return null;
  return { resume: checkpoint.resume, runHighWater: checkpoint.runHighWater ?? null, ...(checkpoint.partition === undefined ? {} : { partition: checkpoint.partition }) };
}

/**
 * The sync's storage over the store's repositories: a page's (or a batch of pages') rows, dead
 * letters, vendor ids, run progress and checkpoint commit in one transaction of two statements.
 * @example
 * const store = createSyncStore(db, createEntityWriter(project.catalog));
 * await runStream({ stream, connection, store, mode: 'incremental' });
 */
export function createSyncStore(db: Database, writer: EntityWriter): SyncStore {

  return {
    async readCheckpoint(connectionId, stream) {
      const row = await readCheckpoint(db, connectionId, stream);
      if (row === undefined) return undefined;
      const cursor = (row.cursor ?? {}) as { resume?: StreamCheckpoint['resume']; runHighWater?: string | null; partition?: StreamCheckpoint['partition'] };
      return {
        resume: cursor.resume ?? undefined,
        runHighWater: cursor.runHighWater ?? undefined,
        highWaterMark: row.highWaterMark ?? undefined,
        partition: cursor.partition ?? undefined,
      };
    },

    async startRun(input) {
      const { runId } = await startRun(db, {
        connectionId: input.connectionId,
        stream: input.stream,
        mode: input.mode,
        ...(input.jobId === undefined ? {} : { jobId: input.jobId }),
      });
      return runId;
    },

    async applyPage(page) {
      return db.transaction(async (tx) => {
        // Progress, checkpoint and dead letters: one statement, before the rows, whose statement
        // takes the change feed's counter, whose lock is held until commit.
        await recordSyncBatch(tx, {
          runId: page.runId,
          connectionId: page.connection.id,
          stream: page.stream,
          progress: page.progress,
          checkpoint: { cursor: toCursor(page.checkpoint), highWaterMark: page.checkpoint.highWaterMark ?? null },
          deadLetters: page.failures.map((failure) => ({
            sourceKind: 'sync' as const,
            connector: page.connector,
            connectionId: page.connection.id,
            stream: page.stream,
            runId: page.runId,
            payload: failure.record,
            errorCode: failure.code,
            reason: failure.reason,
          })),
        });
        const result = await writer.write(tx, { connector: page.connector, connection: page.connection, rows: page.rows, source: { kind: 'sync', run_id: page.runId } });
        return { inserted: result.inserted, updated: result.updated, skippedOlder: result.skippedOlder };
      });
    },

    async finishRun(runId, outcome) {
      if (outcome.result === 'failed') {
        await finishRun(db, runId, 'failed', outcome.error);
        return;
      }
      await db.transaction(async (tx) => {
        await writeCheckpoint(tx, outcome.connectionId, outcome.stream, { cursor: null, highWaterMark: outcome.checkpoint.highWaterMark ?? null });
        await finishRun(tx, runId, 'succeeded');
      });
    },

    lookupVendorIds: (tenant, connector, kind, vendorIds) => lookupVendorIds(db, tenant, connector, kind, vendorIds),

    vendorIdsOf: (tenant, connector, kind) => listVendorIds(db, tenant, connector, kind),

    succeededStreams: (connectionId, streams) => succeededStreams(db, connectionId, streams),
  };
}
