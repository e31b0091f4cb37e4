import type { ConnectionInfo, OutgoingRequest } from '../connector/index.js';
import type { EntityRow, RecordFailure } from '../mapping/index.js';

/** Full runs ignore the checkpoint; incremental runs start after the last high-water mark. */
export type SyncMode = 'incremental' | 'full';

/** What a stream's checkpoint holds between pages and between runs. */
export interface StreamCheckpoint {
  /** The next page's request when a run was interrupted; the next run resumes from it. */
  readonly resume?: OutgoingRequest | undefined;
  /** The largest cursor-field value seen by the interrupted run so far. */
  readonly runHighWater?: string | undefined;
  /** The largest cursor-field value of the last finished run: where the next incremental run starts. */
  readonly highWaterMark?: string | undefined;
  /** For a partitioned stream: the partition `resume` belongs to, and the partition list it was cut from. */
  readonly partition?: PartitionCursor | undefined;
}

/** Where a partitioned run was: its partition's index, in a list known by its fingerprint. */
export interface PartitionCursor {
  readonly index: number;
  /** {@link partitionPlan}'s fingerprint: a resumed run whose list changed starts over instead. */
  readonly of: string;
}

/** One page as the sync hands it to the store, applied in one transaction. */
export interface PageWrite {
  readonly connector: string;
  readonly connection: ConnectionInfo;
  readonly stream: string;
  readonly runId: string;
  /** Each row names its entity (canonical or custom); a record may write several. */
  readonly rows: readonly EntityRow[];
  readonly failures: readonly RecordFailure[];
  /** Where to resume if the run stops after this page (null: this was the last page). */
  readonly checkpoint: StreamCheckpoint;
  /** What this page adds to the run's progress row (pages: 1, records: records on the page). */
  readonly progress: { readonly pages: number; readonly records: number };
}

export interface WriteCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly skippedOlder: number;
}

/**
 * What the sync needs from storage; implemented over the store by the composition root, so sync/
 * stays free of SQL and testable with any implementation.
 */
export interface SyncStore {
  readCheckpoint(connectionId: string, stream: string): Promise<StreamCheckpoint | undefined>;
  startRun(input: { connectionId: string; stream: string; mode: SyncMode; jobId?: string | undefined }): Promise<string>;
  /** Upserts the rows (older never overwrites newer), stores the failures as dead letters, records progress and the checkpoint: all or nothing. */
  applyPage(page: PageWrite): Promise<WriteCounts>;
  finishRun(
    runId: string,
    outcome:
      | { readonly result: 'succeeded'; readonly checkpoint: StreamCheckpoint; readonly connectionId: string; readonly stream: string }
      | { readonly result: 'failed'; readonly error: string },
  ): Promise<void>;
  /** Every vendor id of `kind` the connector has written for the tenant, sorted (a partitioned stream's list). */
  vendorIdsOf(tenant: string, connector: string, kind: string): Promise<readonly string[]>;
  /** Natural keys of vendor ids already seen (`kind` is `store` or `product`). */
  lookupVendorIds(tenant: string, connector: string, kind: string, vendorIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Of `streams`, those with at least one finished, succeeded run on the connection (what `after:` waits for). */
  succeededStreams(connectionId: string, streams: readonly string[]): Promise<ReadonlySet<string>>;
}

/** Progress of a running sync, for the CLI's progress line and logs. */
export interface SyncProgress {
  readonly pages: number;
  readonly records: number;
  readonly failed: number;
  readonly elapsedMs: number;
}

/** The result of one run. */
export interface SyncSummary extends SyncProgress {
  readonly runId: string;
  readonly mode: SyncMode;
  readonly resumed: boolean;
  readonly capped: boolean;
  readonly inserted: number;
  readonly updated: number;
  readonly skippedOlder: number;
  readonly highWaterMark?: string | undefined;
}
