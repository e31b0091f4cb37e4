export { runStream } from './run-stream.js';
export type { CompiledStream, RunStreamOptions, StreamConnection } from './run-stream.js';
export { highWater, incrementalStart, withIncrementalStart } from './incremental.js';
export type { IncrementalSpec } from './incremental.js';
export type {
  PageWrite,
  StreamCheckpoint,
  SyncMode,
  SyncProgress,
  SyncStore,
  SyncSummary,
  WriteCounts,
} from './types.js';
export { compileStream } from './compile-stream.js';
export type { CompileStreamOptions, PaginatorFactory, PaginatorUse, StreamDeclaration } from './compile-stream.js';
export { readSyncPayload, SYNC_JOB_KIND, syncJobHandler } from './job.js';
export type { SyncJobDeps, SyncJobPayload } from './job.js';
export { dependencyOrder, streamGraph, unmetPrerequisites } from './prerequisites.js';
export type { StreamGraph } from './prerequisites.js';
export { PREREQUISITE_RECHECK_MAX_MS, PREREQUISITE_RECHECK_MIN_MS, prerequisiteJob } from './prerequisite-jobs.js';
export { MAX_CURSOR_RESTARTS, REJECTED_CONTINUATION_STATUSES } from './restarting-walk.js';
export { STREAM_REQUESTS_IDEMPOTENT } from './page-sender.js';
export { partitionPlan, PARTITION_VALUE } from './partitions.js';
export type { PartitionPlan, PartitionSpec } from './partitions.js';
