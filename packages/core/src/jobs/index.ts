// The durable job queue and the cron scheduler. SQL lives in the store (createJobRepository);
// this folder defines what it needs from it (JobRepository, TickRepository) and the behaviour.
export { Worker, DEFAULT_JOB_CONCURRENCY, DEFAULT_JOB_LEASE_MS, DEFAULT_JOB_POLL_INTERVAL_MS, DEFAULT_JOB_STOP_DEADLINE_MS, JOB_ABORT_GRACE_MS } from './worker.js';
export type { WorkerOptions } from './worker.js';
export { FOREGROUND_CLAIM_GRACE_MS } from './foreground.js';
export type { ForegroundOutcome, JobBlocker, JobWait, JobWaitReason, RunOrFollowOptions, StoredJobError } from './foreground.js';
export type { JobContext, JobHandler, JobOutcome } from './run-attempt.js';
export { deferJob, isJobDeferral, MIN_JOB_DEFER_MS } from './deferral.js';
export type { JobDeferral } from './deferral.js';
export type { JobRepository, TickRepository } from './repository.js';
export { DEFAULT_JOB_RETRY, retryDelayMs } from './backoff.js';
export type { JobRetryPolicy } from './backoff.js';
export { Scheduler, nextRun, scheduleKey, DEFAULT_SCHEDULE_TIMEZONE, DEFAULT_TICK_RETENTION_MS, SYNC_JOB_KIND } from './scheduler.js';
export type { ScheduledStream, SchedulerOptions } from './scheduler.js';
export type { JobRecord, JobStatus, NewJob, EnqueueResult, TickResult } from '../store/index.js';
