export { runStream } from './run-stream.js';
export type { CompiledStream, IdLookups, RecordMapper, RunStreamOptions, StreamConnection } from './run-stream.js';
export { highWater, incrementalStart, withIncrementalStart } from './incremental.js';
export type { IncrementalSpec } from './incremental.js';
export type {
  EntityRow,
  PageWrite,
  RecordFailure,
  StreamCheckpoint,
  SyncMode,
  SyncProgress,
  SyncStore,
  SyncSummary,
  WriteCounts,
} from './types.js';
export { compileStream, PAGINATOR_SLOT } from './compile-stream.js';
export type { CompileStreamOptions, PaginatorFactory, StreamDeclaration } from './compile-stream.js';
