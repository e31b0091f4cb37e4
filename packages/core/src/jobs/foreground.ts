import { INTERNAL, JOBS_HANDLER_MISSING, JOBS_NOT_FOUND, JOBS_WAIT_ABORTED, type ConnectdError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { JobRecord } from '../store/index.js';
import type { JobRepository } from './repository.js';
import type { JobOutcome } from './run-attempt.js';

/**
 * How far in the future a foreground caller enqueues its job (`runAt`): background workers leave
 * it alone for this long, so the caller runs it, and if the caller dies before claiming it, any
 * worker still runs it after the grace. A sync run rarely takes longer than this to start.
 */
export const FOREGROUND_CLAIM_GRACE_MS = 30_000;

/**
 * Why a foreground run is not running its job yet: `running-elsewhere`, another worker holds this
 * very job under a live lease (we follow it to its end); `stream-busy`, another run of the job's
 * (connection, stream) holds a live lease; `stale-lease`, the running job in the way (this one or
 * the other run) outlived its lease, so its worker died, and this run takes it over.
 */
export type JobWaitReason = 'running-elsewhere' | 'stream-busy' | 'stale-lease';

/** The running job a foreground run waits for. */
export interface JobBlocker {
  readonly id: string;
  readonly kind: string;
  /** The claim token of its worker (`<workerId>/<claim>`). */
  readonly lockedBy: string | null;
  /** The worker id part of `lockedBy`, for messages. */
  readonly workerId: string | null;
  /** When its lease ends (`stale-lease`: when it ran out). */
  readonly leaseUntil: Date | null;
}

/** What a foreground run is waiting for; reported through `onWait` each time it changes. */
export interface JobWait {
  readonly reason: JobWaitReason;
  /** The job the foreground run was asked to run. */
  readonly jobId: string;
  /** The job itself (`running-elsewhere`) or the other run of its stream. */
  readonly blocker: JobBlocker;
}

/** A failure read back from a job row (`last_error` is stored as "CODE: message"). */
export interface StoredJobError {
  readonly code: string;
  readonly message: string;
}

/**
 * How a foreground run ended. `followed: false`: this worker ran the attempt (the statuses of
 * `JobOutcome`). `followed: true`: another worker ran it and this is read from the job row:
 * `succeeded`, `dead` (also for the legacy `failed`), `cancelled`, or `retrying` when the attempt
 * elsewhere failed and the job waits for its next attempt with backoff.
 */
export interface ForegroundOutcome {
  readonly job: JobRecord;
  readonly status: JobOutcome['status'] | 'cancelled';
  readonly result?: unknown;
  readonly error?: ConnectdError | StoredJobError;
  /** Why the handler put the job back for later (`deferred`, run here). */
  readonly deferral?: JobOutcome['deferral'];
  readonly followed: boolean;
}

export interface RunOrFollowOptions {
  /** How often to look at the job while waiting; default the worker's poll interval. */
  readonly pollIntervalMs?: number;
  /** Told what the run waits for, once per new situation (not on every poll). */
  readonly onWait?: (wait: JobWait) => void;
  /** Stops the waiting (not a run already started here) with CONNECTD_ERR_JOBS_WAIT_ABORTED. */
  readonly signal?: AbortSignal;
}

/** What the loop needs from the worker: its by-id claim and its execute path (lease, bookkeeping). */
export interface ForegroundRunner {
  readonly repository: JobRepository;
  readonly log: Logger;
  readonly pollIntervalMs: number;
  readonly kinds: () => readonly string[];
  readonly claim: (jobId: string) => Promise<JobRecord | undefined>;
  readonly execute: (job: JobRecord) => Promise<JobOutcome>;
}

/** The loop behind `Worker.runOrFollow`; see there. */
export async function runOrFollow(runner: ForegroundRunner, jobId: string, options: RunOrFollowOptions = {}): Promise<ForegroundOutcome> {
  const { repository, log } = runner;
  const pollMs = options.pollIntervalMs ?? runner.pollIntervalMs;
  let reported: string | undefined;
  const report = (wait: JobWait): void => {
    // Heartbeats move the lease end on every beat; only another blocker, worker or reason is news.
    const key = `${wait.reason} ${wait.blocker.id} ${wait.blocker.lockedBy ?? ''}`;
    if (key === reported) return;
    reported = key;
    log.debug({ jobId, reason: wait.reason, blockerId: wait.blocker.id, lockedBy: wait.blocker.lockedBy, leaseUntil: wait.blocker.leaseUntil }, 'foreground job waits');
    options.onWait?.(wait);
  };
  // Attempts of the job known to be over; one more, with the job queued again, means an attempt
  // elsewhere failed and was rescheduled with backoff: we report that rather than skip the backoff.
  let attemptsDone: number | undefined;

  for (;;) {
    if (options.signal?.aborted === true) throw JOBS_WAIT_ABORTED({ jobId }, { cause: options.signal.reason });
    // Read before claiming: a claim reaps a dead worker's exhausted job silently, and the caller
    // should hear about that worker first.
    const job = await repository.get(jobId);
    if (job === undefined) throw JOBS_NOT_FOUND({ jobId });
    if (!runner.kinds().includes(job.kind)) throw JOBS_HANDLER_MISSING({ jobId, kind: job.kind, known: runner.kinds().join(', ') });
    if (isFinished(job)) return followedOutcome(job);

    if (job.status === 'running') {
      attemptsDone = job.attempts - 1;
      const stale = leaseExpired(job);
      report({ reason: stale ? 'stale-lease' : 'running-elsewhere', jobId, blocker: blockerOf(job) });
      if (stale) {
        // The by-id claim takes over an expired lease with attempts left; with none left it reaps
        // the job dead, and the next read returns that.
        const claimed = await runner.claim(jobId);
        if (claimed !== undefined) return { ...(await runner.execute(claimed)), followed: false };
      }
    } else {
      if (attemptsDone !== undefined && job.attempts > attemptsDone) return followedOutcome(job);
      attemptsDone = job.attempts;
      const blocker = job.connectionId !== null && job.stream !== null ? await repository.runningJobOf(job.connectionId, job.stream) : undefined;
      if (blocker === undefined) {
        const claimed = await runner.claim(jobId);
        if (claimed !== undefined) return { ...(await runner.execute(claimed)), followed: false };
        // Another worker claimed it (or its stream) between our read and our claim: look again.
      } else if (leaseExpired(blocker)) {
        report({ reason: 'stale-lease', jobId, blocker: blockerOf(blocker) });
        if (await takeOver(runner, blocker)) continue;
      } else {
        report({ reason: 'stream-busy', jobId, blocker: blockerOf(blocker) });
      }
    }
    await pause(pollMs, jobId, options.signal);
  }
}

/**
 * Runs the run of a dead worker to its end here, so the stream frees up. True when the stream may
 * be free now: we ran it, or the claim reaped it dead (no attempts left) or it finished meanwhile.
 */
async function takeOver(runner: ForegroundRunner, blocker: JobRecord): Promise<boolean> {
  const claimed = await runner.claim(blocker.id);
  if (claimed === undefined) {
    // Not ours to run (another kind or queue), retaken by another worker, or our clock ran ahead
    // of the database's: wait a poll unless it is no longer running.
    return (await runner.repository.get(blocker.id))?.status !== 'running';
  }
  runner.log.warn({ jobId: blocker.id, kind: blocker.kind, lockedBy: blocker.lockedBy }, 'taking over a job whose worker stopped renewing its lease');
  const outcome = await runner.execute(claimed);
  runner.log.info({ jobId: blocker.id, status: outcome.status }, 'taken-over job ended');
  return true;
}

function isFinished(job: JobRecord): boolean {
  return job.status === 'succeeded' || job.status === 'dead' || job.status === 'failed' || job.status === 'cancelled';
}

/** Our clock, not the database's: it only decides what to report and when to try a takeover; the claim decides for real. */
function leaseExpired(job: JobRecord): boolean {
  return job.leaseUntil !== null && job.leaseUntil.getTime() <= Date.now();
}

function blockerOf(job: JobRecord): JobBlocker {
  const slash = job.lockedBy?.lastIndexOf('/') ?? -1;
  const workerId = job.lockedBy === null ? null : slash < 0 ? job.lockedBy : job.lockedBy.slice(0, slash);
  return { id: job.id, kind: job.kind, lockedBy: job.lockedBy, workerId, leaseUntil: job.leaseUntil };
}

/** An attempt another worker ran, as an outcome; called for finished jobs and for rescheduled ones. */
function followedOutcome(job: JobRecord): ForegroundOutcome {
  if (job.status === 'succeeded') return { job, status: 'succeeded', result: job.result, followed: true };
  const status = job.status === 'cancelled' ? 'cancelled' : job.status === 'queued' ? 'retrying' : 'dead';
  const error = parseLastError(job.lastError);
  return { job, status, ...(error === undefined ? {} : { error }), followed: true };
}

/** `last_error` is "CODE: message" (see the repository's fail and reaper). */
export function parseLastError(lastError: string | null): StoredJobError | undefined {
  if (lastError === null) return undefined;
  const match = /^(CONNECTD_ERR_[A-Z0-9_]+): ([\s\S]*)$/.exec(lastError);
  return match === null ? { code: INTERNAL.code, message: lastError } : { code: match[1]!, message: match[2]! };
}

/** Sleeps `ms`, or rejects with JOBS_WAIT_ABORTED as soon as the signal aborts. */
function pause(ms: number, jobId: string, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => JOBS_WAIT_ABORTED({ jobId }, { cause: signal?.reason });
    // `onWait` may have aborted just now, before we listen.
    if (signal?.aborted === true) {
      reject(aborted());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted());
    };
    // Not unref'd: the caller awaits this, and on the embedded database nothing else may keep the process up.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
