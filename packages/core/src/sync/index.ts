export { runStream } from './run-stream.js';
export type { CompiledStream, RecordMapper, RunStreamOptions, StreamConnection } from './run-stream.js';
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
