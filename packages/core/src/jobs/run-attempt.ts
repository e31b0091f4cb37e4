import { JOBS_HANDLER_FAILED, JOBS_LEASE_LOST, JOBS_WORKER_STOPPING, isConnectdError, type ConnectdError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { JobRecord } from '../store/index.js';
import { retryDelayMs, type JobRetryPolicy } from './backoff.js';
import { isJobDeferral, type JobDeferral } from './deferral.js';
import type { JobRepository } from './repository.js';

/** What a handler gets besides the job. */
export interface JobContext {
  /**
   * Aborted when the job must stop: the worker is stopping past its deadline, or the lease was
   * lost to another worker. Pass it to HTTP calls; `signal.reason` is the coded error.
   */
  readonly signal: AbortSignal;
  /**
   * Extends the lease now (the worker also does so on a timer). Rejects with
   * CONNECTD_ERR_JOBS_LEASE_LOST when another worker took the job over. On the embedded database,
   * do not call it from inside a transaction callback.
   */
  extendLease(leaseMs?: number): Promise<void>;
  /** A child logger bound to the job id and kind. */
  readonly log: Logger;
}

/**
 * Runs one job of a kind and resolves with its result (any JSON, stored on the job), or with a
 * `deferJob(...)` deferral to run the job later (queued again, the attempt not counted). Throwing
 * fails the attempt: it is retried with backoff, unless the error is a connectd error with exit
 * code 2 (bad input does not get better by retrying), and dead-lettered after the last attempt.
 */
export type JobHandler = (job: JobRecord, context: JobContext) => Promise<unknown>;

/**
 * How one claimed attempt ended: `succeeded`; `retrying` (queued again) or `dead` (no attempts left,
 * dead-lettered) after a failure; `lost` when another worker took the job over; `released` when the
 * worker stopped and gave the job back without counting the attempt; `deferred` when the handler
 * asked to run the job later (queued again, due after `deferral.delayMs`, the attempt not counted).
 */
export interface JobOutcome {
  readonly job: JobRecord;
  readonly status: 'succeeded' | 'retrying' | 'dead' | 'lost' | 'released' | 'deferred';
  readonly result?: unknown;
  readonly error?: ConnectdError;
  /** Why and for how long the job was put back (`deferred` only). */
  readonly deferral?: Pick<JobDeferral, 'delayMs' | 'reason' | 'details'>;
}

export interface AttemptSettings {
  readonly repository: JobRepository;
  readonly log: Logger;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly retry: JobRetryPolicy;
  readonly random: () => number;
}

/**
 * Runs a claimed job's handler with a lease heartbeat and records the outcome. `abort` is the
 * worker's controller for this job (it aborts on stop); the lease heartbeat aborts it too when
 * the lease is lost.
 */
export async function runAttempt(job: JobRecord, handler: JobHandler, abort: AbortController, settings: AttemptSettings): Promise<JobOutcome> {
  const { repository, leaseMs } = settings;
  const log = settings.log.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
  let lost: ConnectdError | undefined;
  const extend = async (ms: number): Promise<void> => {
    if (lost !== undefined) throw lost;
    const until = await repository.extendLease(job, ms);
    if (until === undefined) {
      lost = JOBS_LEASE_LOST({ jobId: job.id, kind: job.kind });
      abort.abort(lost);
      throw lost;
    }
  };
  const heartbeat = setInterval(() => {
    extend(leaseMs).catch((err: unknown) => {
      // A database hiccup is retried on the next beat; the lease outlives several beats.
      if (lost === undefined) log.warn({ err }, 'could not extend the job lease');
    });
  }, settings.heartbeatMs);
  heartbeat.unref();

  let result: unknown;
  let failure: unknown;
  let failed = false;
  try {
    result = await handler(job, { signal: abort.signal, extendLease: (ms = leaseMs) => extend(ms), log });
  } catch (err) {
    failed = true;
    failure = err;
  } finally {
    clearInterval(heartbeat);
  }

  if (lost !== undefined) {
    log.warn({ code: lost.code }, lost.message);
    return { job, status: 'lost', error: lost };
  }
  if (!failed) {
    if (isJobDeferral(result)) return defer(job, result, repository, log);
    if (await repository.complete(job, result)) {
      log.debug('job succeeded');
      return { job, status: 'succeeded', result };
    }
    return { job, status: 'lost', error: JOBS_LEASE_LOST({ jobId: job.id, kind: job.kind }) };
  }
  const stopReason: unknown = abort.signal.aborted ? abort.signal.reason : undefined;
  if (isConnectdError(stopReason, JOBS_WORKER_STOPPING.code)) {
    // Interrupted by our own shutdown, not a failure of the job: give it back as it was.
    await repository.release(job);
    log.warn({ code: stopReason.code }, stopReason.message);
    return { job, status: 'released', error: stopReason };
  }
  const error = asCoded(job, failure);
  const final = error.exitCode === 2;
  const delayMs = retryDelayMs(job.attempts, settings.retry, settings.random);
  const status = await repository.fail(job, { errorCode: error.code, message: error.message, retryDelayMs: delayMs, final });
  if (status === 'lost') return { job, status, error: JOBS_LEASE_LOST({ jobId: job.id, kind: job.kind }) };
  if (status === 'dead') log.error({ err: error, code: error.code }, 'job failed on its last attempt; dead-lettered');
  else log.warn({ err: error, code: error.code, retryInMs: delayMs }, 'job failed; will retry');
  return { job, status, error };
}

/** Puts the job back, due after the deferral's delay, its attempt not counted. */
async function defer(job: JobRecord, deferral: JobDeferral, repository: JobRepository, log: Logger): Promise<JobOutcome> {
  if (!(await repository.release(job, deferral.delayMs))) return { job, status: 'lost', error: JOBS_LEASE_LOST({ jobId: job.id, kind: job.kind }) };
  log.info({ ...deferral.details, retryInMs: deferral.delayMs }, `job deferred: ${deferral.reason}`);
  const { delayMs, reason, details } = deferral;
  return { job, status: 'deferred', deferral: { delayMs, reason, details } };
}

function asCoded(job: JobRecord, err: unknown): ConnectdError {
  if (isConnectdError(err)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return JOBS_HANDLER_FAILED({ jobId: job.id, kind: job.kind, reason }, { cause: err });
}
