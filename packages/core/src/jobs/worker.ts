import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  JOBS_BUSY,
  JOBS_HANDLER_DUPLICATE,
  JOBS_HANDLER_MISSING,
  JOBS_NOT_FOUND,
  JOBS_NOT_RUNNABLE,
  JOBS_WORKER_STOPPING,
} from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { JobRecord } from '../store/index.js';
import { DEFAULT_JOB_RETRY, type JobRetryPolicy } from './backoff.js';
import { runOrFollow, type ForegroundOutcome, type RunOrFollowOptions } from './foreground.js';
import type { JobRepository } from './repository.js';
import { runAttempt, type AttemptSettings, type JobHandler, type JobOutcome } from './run-attempt.js';

/** A claimed job is ours for this long without a heartbeat; a dead worker's job is retaken after it. */
export const DEFAULT_JOB_LEASE_MS = 30_000;
/** How often an idle worker looks for due jobs (a finished job or `wake()` looks at once). */
export const DEFAULT_JOB_POLL_INTERVAL_MS = 1_000;
/** Jobs one worker runs at once; syncs are I/O-bound, but the mapping share is CPU on a small machine. */
export const DEFAULT_JOB_CONCURRENCY = 2;
/** How long `stop()` lets running jobs finish before aborting them. */
export const DEFAULT_JOB_STOP_DEADLINE_MS = 10_000;
/** After aborting, how long `stop()` waits for handlers to notice before giving up on them. */
export const JOB_ABORT_GRACE_MS = 2_000;

export interface WorkerOptions {
  readonly repository: JobRepository;
  readonly log: Logger;
  /** Shown in `locked_by`; default host:pid:random. */
  readonly workerId?: string;
  /** Default `default`. */
  readonly queue?: string;
  readonly concurrency?: number;
  readonly leaseMs?: number;
  /** How often the lease is extended; default a third of the lease. */
  readonly heartbeatMs?: number;
  readonly pollIntervalMs?: number;
  readonly retry?: Partial<JobRetryPolicy>;
  /** Randomness for retry jitter; tests pass a constant. */
  readonly random?: () => number;
}

/**
 * Runs jobs from the durable queue: claims due jobs of the kinds it has handlers for, keeps their
 * lease alive while the handler runs, and records success, a retry with backoff, or death with a
 * dead letter. Several workers (in one process or many) share one database safely.
 * @example
 * const worker = new Worker({ repository: createJobRepository(store.db), log });
 * worker.handle('sync', async (job, { signal }) => runSync(job.payload, signal));
 * worker.start();
 * // on shutdown:
 * await worker.stop({ deadlineMs: 10_000 });
 */
export class Worker {
  readonly workerId: string;
  #repository: JobRepository;
  #log: Logger;
  #queue: string;
  #concurrency: number;
  #pollIntervalMs: number;
  #settings: AttemptSettings;
  #handlers = new Map<string, JobHandler>();
  #inflight = new Map<Promise<void>, { job: JobRecord; controller: AbortController }>();
  #running = false;
  #polling: Promise<void> | undefined;
  #pollAgain = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: WorkerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#repository = options.repository;
    this.#log = options.log.child({ component: 'worker', workerId: this.workerId });
    this.#queue = options.queue ?? 'default';
    this.#concurrency = options.concurrency ?? DEFAULT_JOB_CONCURRENCY;
    this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_JOB_POLL_INTERVAL_MS;
    const leaseMs = options.leaseMs ?? DEFAULT_JOB_LEASE_MS;
    this.#settings = {
      repository: options.repository,
      log: this.#log,
      leaseMs,
      heartbeatMs: options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3)),
      retry: { ...DEFAULT_JOB_RETRY, ...options.retry },
      random: options.random ?? Math.random,
    };
  }

  /**
   * Registers the handler of a job kind; the worker only claims kinds it can handle.
   * @throws CONNECTD_ERR_JOBS_HANDLER_DUPLICATE
   */
  handle(kind: string, handler: JobHandler): this {
    if (this.#handlers.has(kind)) throw JOBS_HANDLER_DUPLICATE({ kind });
    this.#handlers.set(kind, handler);
    return this;
  }

  /** Starts polling for due jobs in the background. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.wake();
  }

  /** Looks for due jobs now instead of at the next poll (after enqueueing, for instance). */
  wake(): void {
    this.#schedulePoll(0);
  }

  /**
   * Stops claiming, lets running jobs finish until `deadlineMs`, then aborts them through their
   * signal (they are put back in the queue, their attempt not counted) and waits a short grace.
   */
  async stop(options: { readonly deadlineMs?: number } = {}): Promise<void> {
    const deadlineMs = options.deadlineMs ?? DEFAULT_JOB_STOP_DEADLINE_MS;
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#polling;
    if (await settledWithin([...this.#inflight.keys()], deadlineMs)) return;
    for (const { job, controller } of this.#inflight.values()) {
      controller.abort(JOBS_WORKER_STOPPING({ jobId: job.id, kind: job.kind, deadlineMs }));
    }
    if (!(await settledWithin([...this.#inflight.keys()], JOB_ABORT_GRACE_MS))) {
      this.#log.warn({ running: this.#inflight.size }, 'jobs ignored the abort; their leases will expire and another worker retakes them');
    }
  }

  /** Claims one due job and runs it to the end; undefined when none is due. For tests and one-shot commands. */
  async runOnce(): Promise<JobOutcome | undefined> {
    const job = await this.#claim();
    return job === undefined ? undefined : this.#execute(job);
  }

  /**
   * Runs one given job now, in the foreground, through the same claim, lease and bookkeeping as
   * the background loop (due or not). A caller that must not fail when a daemon runs beside it
   * uses `runOrFollow` instead.
   * @throws CONNECTD_ERR_JOBS_NOT_FOUND, CONNECTD_ERR_JOBS_NOT_RUNNABLE (finished),
   *   CONNECTD_ERR_JOBS_HANDLER_MISSING, CONNECTD_ERR_JOBS_BUSY (it or its stream is running elsewhere)
   * @example
   * const { job } = await jobs.enqueue({ kind: 'sync', connectionId, stream, maxAttempts: 1 });
   * const outcome = await worker.runJob(job.id);
   * process.exitCode = outcome.status === 'succeeded' ? 0 : 1;
   */
  async runJob(jobId: string): Promise<JobOutcome> {
    const job = await this.#claim(jobId);
    if (job !== undefined) return this.#execute(job);
    const found = await this.#repository.get(jobId);
    if (found === undefined) throw JOBS_NOT_FOUND({ jobId });
    if (!this.#handlers.has(found.kind)) {
      throw JOBS_HANDLER_MISSING({ jobId, kind: found.kind, known: [...this.#handlers.keys()].join(', ') });
    }
    if (found.status !== 'queued' && found.status !== 'running') throw JOBS_NOT_RUNNABLE({ jobId, status: found.status });
    throw JOBS_BUSY({ jobId, connectionId: found.connectionId ?? '-', stream: found.stream ?? '-' });
  }

  /**
   * Runs one given job in the foreground, or follows it to its end when another worker has it:
   * never fails because a daemon runs beside it. Another worker holding this job under a live lease
   * is followed (`followed: true`, the outcome read from the job); another run of its stream is
   * waited for; a running job whose lease expired (its worker died) is taken over and run here, and
   * then this job. `onWait` hears each new wait, with the worker and lease end to show.
   * Enqueue the job with `runAt` FOREGROUND_CLAIM_GRACE_MS ahead: background workers then leave it
   * to the caller, and still run it if the caller dies before claiming it.
   * @throws CONNECTD_ERR_JOBS_NOT_FOUND, CONNECTD_ERR_JOBS_HANDLER_MISSING,
   *   CONNECTD_ERR_JOBS_WAIT_ABORTED (`signal` aborted while waiting)
   * @example
   * const { job } = await jobs.enqueue({ kind: 'sync', connectionId, stream, maxAttempts: 1,
   *   runAt: new Date(Date.now() + FOREGROUND_CLAIM_GRACE_MS) });
   * const outcome = await worker.runOrFollow(job.id, {
   *   signal,
   *   onWait: (w) => console.error(`waiting for job ${w.blocker.id} of worker ${w.blocker.workerId} (${w.reason}, lease until ${w.blocker.leaseUntil?.toISOString()})`),
   * });
   * process.exitCode = outcome.status === 'succeeded' ? 0 : 1;
   */
  runOrFollow(jobId: string, options: RunOrFollowOptions = {}): Promise<ForegroundOutcome> {
    const runner = {
      repository: this.#repository,
      log: this.#log,
      pollIntervalMs: this.#pollIntervalMs,
      kinds: () => [...this.#handlers.keys()],
      claim: (id: string) => this.#claim(id),
      execute: (job: JobRecord) => this.#execute(job),
    };
    return runOrFollow(runner, jobId, options);
  }

  #claim(jobId?: string): Promise<JobRecord | undefined> {
    if (this.#handlers.size === 0) return Promise.resolve(undefined);
    return this.#repository.claim({
      queue: this.#queue,
      kinds: [...this.#handlers.keys()],
      workerId: this.workerId,
      leaseMs: this.#settings.leaseMs,
      ...(jobId === undefined ? {} : { jobId }),
    });
  }

  #execute(job: JobRecord): Promise<JobOutcome> {
    const handler = this.#handlers.get(job.kind) as JobHandler;
    const controller = new AbortController();
    const run = runAttempt(job, handler, controller, this.#settings);
    // Tracked for stop(); the caller gets `run` and its rejection, this copy never rejects.
    const tracked: Promise<void> = run.then(
      () => this.#settle(tracked),
      () => this.#settle(tracked),
    );
    this.#inflight.set(tracked, { job, controller });
    return run;
  }

  #settle(tracked: Promise<void>): void {
    this.#inflight.delete(tracked);
    if (this.#running) this.wake();
  }

  #schedulePoll(delayMs: number): void {
    if (!this.#running) return;
    if (this.#polling !== undefined) {
      this.#pollAgain = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#polling = this.#poll().finally(() => {
        this.#polling = undefined;
        if (this.#inflight.size < this.#concurrency) this.#schedulePoll(this.#pollAgain ? 0 : this.#pollIntervalMs);
      });
    }, delayMs);
    // The daemon's server keeps the process alive; an idle worker alone should not.
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    this.#pollAgain = false;
    try {
      while (this.#running && this.#inflight.size < this.#concurrency) {
        const job = await this.#claim();
        if (job === undefined) return;
        if (!this.#running) {
          // stop() began while we were claiming: hand the job straight back.
          await this.#repository.release(job);
          return;
        }
        this.#execute(job).catch((err: unknown) => {
          // The outcome could not be recorded (database down); the lease will expire and the job runs again.
          this.#log.error({ err, jobId: job.id }, 'could not record the outcome of a job');
        });
      }
    } catch (err) {
      this.#log.error({ err }, 'could not claim jobs; retrying at the next poll');
    }
  }
}

/** True when every promise settled within `ms`. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (promises.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
