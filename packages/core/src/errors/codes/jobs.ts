import { defineError } from '../define-error.js';

// Errors of the durable job queue and the scheduler (jobs/). Codes are never reused once retired;
// add new ones at the end. Messages name jobs by id and kind, never by payload.

export const JOBS_HANDLER_FAILED = defineError<{ jobId: string; kind: string; reason: string }>({
  code: 'CONNECTD_ERR_JOBS_HANDLER_FAILED',
  meaning: 'A job handler threw an error that carries no connectd code; the job is retried with backoff, and dead-lettered after its last attempt.',
  fix: 'Read the chained cause in the log line of the job; the dead letter of the job keeps its payload for `connectd replay` once fixed.',
  message: (d) => `job ${d.jobId} (${d.kind}) failed: ${d.reason}`,
});

export const JOBS_LEASE_LOST = defineError<{ jobId: string; kind: string }>({
  code: 'CONNECTD_ERR_JOBS_LEASE_LOST',
  meaning: 'A worker could not extend the lease of a running job in time; another worker took the job over, so this one stopped working on it.',
  fix: 'Usually a stalled process or an overloaded database; if it repeats, raise the lease time of the worker or look for a handler that blocks the event loop.',
  message: (d) => `job ${d.jobId} (${d.kind}) lost its lease to another worker; stopped working on it here`,
});

export const JOBS_LEASE_EXPIRED = defineError<{ jobId: string; kind: string; attempts: number }>({
  code: 'CONNECTD_ERR_JOBS_LEASE_EXPIRED',
  meaning: 'A job was still marked running after its lease expired on its last attempt: the worker running it died or stalled, and no attempts were left.',
  fix: 'Look for a crash or a kill of the connectd process at that time (out of memory, SIGKILL); replay the dead letter once the cause is fixed.',
  message: (d) => `job ${d.jobId} (${d.kind}) was abandoned by its worker on attempt ${d.attempts}, its last`,
});

export const JOBS_WORKER_STOPPING = defineError<{ jobId: string; kind: string; deadlineMs: number }>({
  code: 'CONNECTD_ERR_JOBS_WORKER_STOPPING',
  meaning: 'The worker was stopping and a job was still running after the shutdown deadline, so it was aborted and put back in the queue.',
  fix: 'Nothing is lost: the job runs again on the next worker. Raise the shutdown deadline if jobs are routinely interrupted.',
  message: (d) => `job ${d.jobId} (${d.kind}) was aborted: the worker is stopping and ${d.deadlineMs} ms passed`,
});

export const JOBS_HANDLER_MISSING = defineError<{ jobId: string; kind: string; known: string }>({
  code: 'CONNECTD_ERR_JOBS_HANDLER_MISSING',
  meaning: 'A job was asked to run on a worker that has no handler for its kind.',
  fix: 'Register a handler with worker.handle(kind, fn) before running jobs of that kind (a wiring bug in the daemon or the CLI).',
  message: (d) => `no handler for job ${d.jobId} of kind "${d.kind}" (this worker handles: ${d.known || 'nothing'})`,
});

export const JOBS_HANDLER_DUPLICATE = defineError<{ kind: string }>({
  code: 'CONNECTD_ERR_JOBS_HANDLER_DUPLICATE',
  meaning: 'Two handlers were registered for one job kind on the same worker.',
  fix: 'Register each kind once (a wiring bug in the daemon or the CLI).',
  message: (d) => `a handler for job kind "${d.kind}" is already registered`,
});

export const JOBS_NOT_FOUND = defineError<{ jobId: string }>({
  code: 'CONNECTD_ERR_JOBS_NOT_FOUND',
  httpStatus: 404,
  meaning: 'No job has this id.',
  fix: 'Check the id; finished jobs may have been pruned.',
  message: (d) => `there is no job ${d.jobId}`,
});

export const JOBS_NOT_RUNNABLE = defineError<{ jobId: string; status: string }>({
  code: 'CONNECTD_ERR_JOBS_NOT_RUNNABLE',
  httpStatus: 409,
  meaning: 'A job was asked to run in the foreground but it already finished (succeeded, dead or cancelled).',
  fix: 'Enqueue a new job instead of re-running a finished one.',
  message: (d) => `job ${d.jobId} cannot run: it is ${d.status}`,
});

export const JOBS_BUSY = defineError<{ jobId: string; connectionId: string; stream: string }>({
  code: 'CONNECTD_ERR_JOBS_BUSY',
  httpStatus: 409,
  meaning: 'A job cannot start now: it, or another run of the same connection and stream, is running on a worker.',
  fix: 'Wait for the running sync to finish (see `connectd status`), then try again; two runs of one stream never overlap.',
  message: (d) => `job ${d.jobId} cannot start: a run of ${d.connectionId}/${d.stream} is in progress on a worker`,
});

export const JOBS_SCHEDULE_INVALID = defineError<{ scheduleKey: string; schedule: string; reason: string }>({
  code: 'CONNECTD_ERR_JOBS_SCHEDULE_INVALID',
  exitCode: 2,
  meaning: 'A schedule is not a cron expression node-cron can run.',
  fix: 'Write 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, e.g. "*/5 * * * *".',
  message: (d) => `schedule "${d.schedule}" of ${d.scheduleKey} is not valid cron: ${d.reason}`,
});

export const JOBS_WAIT_ABORTED = defineError<{ jobId: string }>({
  code: 'CONNECTD_ERR_JOBS_WAIT_ABORTED',
  meaning: 'A foreground run (such as `connectd sync`) stopped waiting for its job, which was running on another worker or waiting for another run of its stream, because its caller cancelled the wait (Ctrl-C, a timeout).',
  fix: 'Nothing is lost: the job stays in the queue and a worker runs it, or the run elsewhere goes on; see `connectd status`, or run the command again to wait for it.',
  message: (d) => `stopped waiting for job ${d.jobId}: the wait was cancelled; the job stays in the queue`,
});
