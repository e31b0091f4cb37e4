/**
 * What a `sync` job does when its stream runs after streams that have not succeeded on the
 * connection yet: enqueue their jobs and put itself back in the queue to look again later.
 */
import { deferJob, scheduleKey, SYNC_JOB_KIND, type JobDeferral, type JobRecord, type JobRepository, type NewJob } from '../jobs/index.js';

/** The first look again after a deferral; it grows with the wait, so a long wait costs few claims. */
export const PREREQUISITE_RECHECK_MIN_MS = 5_000;
/** The longest a deferred sync waits between two looks (a dependency that keeps failing is retried this often at most). */
export const PREREQUISITE_RECHECK_MAX_MS = 5 * 60_000;

/**
 * How long a sync that has waited `waitedMs` for its prerequisites waits before looking again: a
 * quarter of its wait so far, within {@link PREREQUISITE_RECHECK_MIN_MS}..{@link PREREQUISITE_RECHECK_MAX_MS}.
 */
export function prerequisiteRecheckMs(waitedMs: number): number {
  return Math.min(PREREQUISITE_RECHECK_MAX_MS, Math.max(PREREQUISITE_RECHECK_MIN_MS, Math.floor(waitedMs / 4)));
}

/**
 * The job that runs a prerequisite stream for its dependents. Its unique key is the same for every
 * dependent and every look, so while it is queued or running, enqueueing it again returns it.
 * @example
 * prerequisiteJob('square', 'square-acme', 'catalog').uniqueKey; // 'sync:square-acme:catalog@after'
 */
export function prerequisiteJob(connector: string, connectionId: string, stream: string): NewJob {
  return {
    kind: SYNC_JOB_KIND,
    connectionId,
    stream,
    payload: { connector, stream, mode: 'incremental' },
    uniqueKey: `${scheduleKey({ connectionId, stream })}@after`,
  };
}

/**
 * Enqueues the job of every stream `job` waits for (deduplicated) and returns the deferral its
 * handler answers with: the job runs again once the delay has passed, its attempt not counted.
 * @example
 * const waitingFor = await unmetPrerequisites(store, connectionId, 'inventory', graph);
 * if (waitingFor.length > 0) return deferForPrerequisites(jobs, job, 'square', 'inventory', waitingFor);
 */
export async function deferForPrerequisites(
  jobs: Pick<JobRepository, 'enqueue'>,
  job: JobRecord,
  connector: string,
  stream: string,
  waitingFor: readonly string[],
  now: number = Date.now(),
): Promise<JobDeferral> {
  const connectionId = job.connectionId ?? '';
  const enqueued: string[] = [];
  for (const prerequisite of waitingFor) {
    const { job: queued } = await jobs.enqueue(prerequisiteJob(connector, connectionId, prerequisite));
    enqueued.push(queued.id);
  }
  return deferJob({
    delayMs: prerequisiteRecheckMs(now - job.createdAt.getTime()),
    reason: `stream ${connector}.${stream} runs after ${waitingFor.join(', ')}, which ${waitingFor.length === 1 ? 'has' : 'have'} not succeeded on connection ${connectionId} yet; their jobs are queued`,
    details: { connector, stream, connection: connectionId, waitingFor, prerequisiteJobs: enqueued },
  });
}
