/** Where a job is in its life. `failed` is kept by the schema for compatibility; the queue uses `dead`. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'dead' | 'cancelled';

/** A job row as the queue sees it. Ids are bigint rendered as strings. */
export interface JobRecord {
  readonly id: string;
  readonly kind: string;
  readonly queue: string;
  readonly connectionId: string | null;
  readonly stream: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly status: JobStatus;
  readonly priority: number;
  /** Claims so far, the current one included: a claim after an expired lease counts too. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAt: Date;
  readonly leaseUntil: Date | null;
  /** The claim token of the worker holding it (unique per claim); null when not running. */
  readonly lockedBy: string | null;
  readonly uniqueKey: string | null;
  readonly lastError: string | null;
  readonly result: unknown;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt: Date | null;
}

/** A job to enqueue. */
export interface NewJob {
  readonly kind: string;
  /** Default `default`. */
  readonly queue?: string;
  /** Jobs of one (connection, stream) never run at the same time. */
  readonly connectionId?: string | null;
  readonly stream?: string | null;
  readonly payload?: Readonly<Record<string, unknown>>;
  /** At most one queued or running job per (queue, uniqueKey): enqueueing again returns that job. */
  readonly uniqueKey?: string | null;
  /** When it becomes due; default now (the database's clock). */
  readonly runAt?: Date;
  /** Higher runs first; default 0. */
  readonly priority?: number;
  /** Default 5; after the last failed attempt the job is dead and dead-lettered. */
  readonly maxAttempts?: number;
}

export interface EnqueueResult {
  readonly job: JobRecord;
  /** False when a live job with the same unique key already existed and was returned instead. */
  readonly created: boolean;
}

/** Identifies one claim of a job: a worker may only finish the claim it holds. */
export interface JobToken {
  readonly id: string;
  readonly lockedBy: string | null;
}

export interface ClaimRequest {
  readonly queue: string;
  /** Only jobs of these kinds (the ones the worker has handlers for). */
  readonly kinds: readonly string[];
  readonly workerId: string;
  readonly leaseMs: number;
  /** Claim this job only (due or not); used to run one job in the foreground. */
  readonly jobId?: string;
}

export interface JobFailure {
  /** The connectd error code of the failure. */
  readonly errorCode: string;
  /** Message without secrets. */
  readonly message: string;
  /** Delay before the next attempt. */
  readonly retryDelayMs: number;
  /** Skip the remaining attempts: the failure will not go away by retrying. */
  readonly final?: boolean;
}

/** What happened to a failed claim: queued again, dead (dead-lettered), or no longer ours. */
export type FailOutcome = 'retrying' | 'dead' | 'lost';

export interface ScheduleTick {
  /** e.g. `sync:<connection>:<stream>`. */
  readonly scheduleKey: string;
  /** The cron slot. */
  readonly tickAt: Date;
  /** Tick rows older than this (relative to tickAt) are deleted by later ticks of the same key. */
  readonly retentionMs: number;
}

/**
 * `enqueued`: this call made the tick's job; `coalesced`: a job of the stream was still waiting, so
 * the tick joined it; `duplicate`: another process (or an earlier call) already handled the tick.
 */
export interface TickResult {
  readonly outcome: 'enqueued' | 'coalesced' | 'duplicate';
  readonly job?: JobRecord;
}

export const JOB_COLUMNS =
  'id, kind, queue, connection_id, stream, payload, status, priority, attempts, max_attempts, run_at, lease_until, locked_by, unique_key, last_error, result, created_at, updated_at, finished_at';

/** The same list qualified with `j.`, for statements that join. */
export const JOB_COLUMNS_J = JOB_COLUMNS.split(', ')
  .map((c) => `j.${c}`)
  .join(', ');

export function toJob(row: Record<string, unknown>): JobRecord {
  return {
    id: row['id'] as string,
    kind: row['kind'] as string,
    queue: row['queue'] as string,
    connectionId: row['connection_id'] as string | null,
    stream: row['stream'] as string | null,
    payload: (row['payload'] ?? {}) as Record<string, unknown>,
    status: row['status'] as JobStatus,
    priority: row['priority'] as number,
    attempts: row['attempts'] as number,
    maxAttempts: row['max_attempts'] as number,
    runAt: row['run_at'] as Date,
    leaseUntil: row['lease_until'] as Date | null,
    lockedBy: row['locked_by'] as string | null,
    uniqueKey: row['unique_key'] as string | null,
    lastError: row['last_error'] as string | null,
    result: row['result'] ?? null,
    createdAt: row['created_at'] as Date,
    updatedAt: row['updated_at'] as Date,
    finishedAt: row['finished_at'] as Date | null,
  };
}
