/**
 * The "not yet" answer of a job handler. A handler that finds its job cannot run now for a reason
 * that is no failure of the job (a sync waiting for the streams it runs after) returns a deferral:
 * the worker puts the job back in the queue, due after the delay, without counting the attempt,
 * without a retry backoff and without a dead letter, and logs why at info.
 */

// A registered symbol, so a deferral made by another copy of core (a bundled plugin) is still one.
const DEFERRAL = Symbol.for('connectd.jobs.deferral');

/** The least a job is put back for: a handler cannot make the worker spin on one job. */
export const MIN_JOB_DEFER_MS = 1_000;

/** What a handler resolves with to run its job later; made by {@link deferJob}. */
export interface JobDeferral {
  readonly [DEFERRAL]: true;
  /** How long from now the job waits before it is due again (at least {@link MIN_JOB_DEFER_MS}). */
  readonly delayMs: number;
  /** Why, in words, for the log line. */
  readonly reason: string;
  /** Fields the log line carries besides (e.g. the streams waited for). */
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * A deferral for a handler to return: the job is queued again, due in `delayMs`.
 * @example
 * worker.handle('sync', async (job) => {
 *   if (!(await prerequisitesMet(job))) return deferJob({ delayMs: 5_000, reason: 'its prerequisites have not run yet', details: { waitingFor: ['catalog'] } });
 *   return runSync(job);
 * });
 */
export function deferJob(input: { readonly delayMs: number; readonly reason: string; readonly details?: Readonly<Record<string, unknown>> }): JobDeferral {
  return { [DEFERRAL]: true, delayMs: Math.max(MIN_JOB_DEFER_MS, Math.ceil(input.delayMs)), reason: input.reason, details: input.details ?? {} };
}

/** True for what {@link deferJob} made. */
export function isJobDeferral(value: unknown): value is JobDeferral {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFERRAL] === true;
}
