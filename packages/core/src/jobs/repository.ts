import type {
  ClaimRequest,
  EnqueueResult,
  FailOutcome,
  JobFailure,
  JobRecord,
  JobToken,
  NewJob,
  ScheduleTick,
  TickResult,
} from '../store/index.js';

/**
 * What the queue needs from a database, defined here (the consumer) and implemented by the store
 * (`createJobRepository(db)`), so jobs/ holds no SQL and tests can hand in anything of this shape.
 */
export interface JobRepository {
  /** Inserts a job; with a unique key that has a live (queued or running) job, returns that job. */
  enqueue(job: NewJob): Promise<EnqueueResult>;
  get(id: string): Promise<JobRecord | undefined>;
  /** The running job of a (connection, stream), if any: what a queued job of that stream waits for. */
  runningJobOf(connectionId: string, stream: string): Promise<JobRecord | undefined>;
  /**
   * Claims one due job of the given kinds with `FOR UPDATE SKIP LOCKED`, leasing it for
   * `leaseMs`: a running job whose lease expired first, then a queued one whose (connection,
   * stream) has no running job. Never two running jobs per (connection, stream).
   */
  claim(request: ClaimRequest): Promise<JobRecord | undefined>;
  /** Resolves with the new lease end, or undefined when the claim is no longer held. */
  extendLease(token: JobToken, leaseMs: number): Promise<Date | undefined>;
  /** False when the claim is no longer held (another worker took the job over). */
  complete(token: JobToken, result: unknown): Promise<boolean>;
  /** Queues the job again after the delay, or makes it dead with a dead letter after its last attempt. */
  fail(token: JobToken, failure: JobFailure): Promise<FailOutcome>;
  /**
   * Puts a claimed job back without counting the attempt, due again after `delayMs` (default 0:
   * at once). False when the claim is no longer held.
   */
  release(token: JobToken, delayMs?: number): Promise<boolean>;
}

/** What the scheduler needs: one enqueue per (schedule, tick) across every process. */
export interface TickRepository {
  enqueueForTick(tick: ScheduleTick, job: NewJob): Promise<TickResult>;
}
