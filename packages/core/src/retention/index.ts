/**
 * retention/: what the engine's tables keep and for how long (`server.retention`), and the passes
 * that delete the rest: one daemon at a time, in small batches, counted in the log and /metrics.
 * The deletes themselves are store/'s (persist/ implements {@link RetentionStore}).
 */
export {
  DEFAULT_EXPIRED_STATES_RETENTION_MS,
  DEFAULT_INBOX_RETENTION_MS,
  DEFAULT_JOBS_RETENTION_MS,
  DEFAULT_REPLAYED_DEAD_LETTERS_RETENTION_MS,
  DEFAULT_RETENTION_BATCH_SIZE,
  DEFAULT_RETENTION_INTERVAL_MS,
  DEFAULT_SYNC_RUNS_RETENTION_MS,
  retentionCutoffs,
  retentionPolicy,
} from './policy.js';
export type { RetentionCutoff, RetentionPolicy } from './policy.js';
export { DEFAULT_RETENTION_BATCH_PAUSE_MS, runRetentionPass } from './pass.js';
export type { RetentionPassOptions, RetentionPassReport } from './pass.js';
export { DEFAULT_RETENTION_FIRST_PASS_DELAY_MS, RetentionRunner } from './runner.js';
export type { RetentionRunnerOptions } from './runner.js';
export { createRetentionMetrics } from './metrics.js';
export { RETENTION_TABLES } from './types.js';
export type { PruneSession, RetentionMetrics, RetentionPassOutcome, RetentionStore, RetentionTable } from './types.js';
