import { CONNECTION_UNAVAILABLE, INTERNAL } from '../errors/index.js';
import { SYNC_JOB_KIND, type JobHandler, type JobRepository } from '../jobs/index.js';
import { deferForPrerequisites } from './prerequisite-jobs.js';
import { unmetPrerequisites, type StreamGraph } from './prerequisites.js';
import { runStream, type CompiledStream, type StreamConnection } from './run-stream.js';
import type { SyncMode, SyncProgress, SyncStore } from './types.js';

export { SYNC_JOB_KIND };

/** What a `sync` job carries. */
export interface SyncJobPayload {
  readonly connector: string;
  readonly stream: string;
  readonly mode: SyncMode;
}

/** Reads a sync job's payload; a row that does not hold one is a bug, reported as such. */
export function readSyncPayload(payload: Readonly<Record<string, unknown>>): SyncJobPayload {
  const { connector, stream, mode } = payload;
  if (typeof connector !== 'string' || typeof stream !== 'string') throw INTERNAL({ message: 'a sync job has no connector or stream in its payload' });
  return { connector, stream, mode: mode === 'full' ? 'full' : 'incremental' };
}

/** What running a sync job needs: the compiled stream and the connection's runtime, by name. */
export interface SyncJobDeps {
  stream(connector: string, stream: string): CompiledStream | undefined;
  /** The connection's runtime, or undefined when it is not running here. */
  connection(connector: string, connectionId: string): StreamConnection | undefined;
  /** The connector's streams and what each runs after (`after:`). */
  graph(connector: string): StreamGraph;
  readonly store: SyncStore;
  /** Where a sync enqueues the jobs of the streams it waits for. */
  readonly jobs: Pick<JobRepository, 'enqueue'>;
  /** Scrubs known secret values from texts that are stored or logged. */
  readonly redact?: ((text: string) => string) | undefined;
  /** Progress of every run (the CLI prints it). */
  onProgress?(job: { readonly connector: string; readonly connection: string; readonly stream: string }, progress: SyncProgress): void;
  /**
   * After a run succeeded: what it wrote may be what earlier records waited for (the daemon
   * writes the records whose lookups missed). A failure here is logged, never the run's.
   */
  onSucceeded?(run: { readonly connector: string; readonly connection: string; readonly stream: string }): Promise<void>;
}

/**
 * The worker's handler of `sync` jobs: one run of one stream of one connection; the job's result
 * is the run's summary. A stream whose `after:` streams have not succeeded on the connection yet
 * does not run: their jobs are enqueued and this one is deferred (queued again, its attempt not
 * counted) until they have.
 * @example
 * worker.handle(SYNC_JOB_KIND, syncJobHandler({
 *   stream: (c, s) => project.streams(c).get(s),
 *   connection: (c, id) => runtimes.get(c, id),
 *   graph: (c) => streamGraph(project.connector(c).streams ?? {}),
 *   store,
 *   jobs,
 * }));
 */
export function syncJobHandler(deps: SyncJobDeps): JobHandler {
  return async (job, ctx) => {
    const payload = readSyncPayload(job.payload);
    const connectionId = job.connectionId ?? '';
    const connection = deps.connection(payload.connector, connectionId);
    const stream = deps.stream(payload.connector, payload.stream);
    if (connection === undefined || stream === undefined) {
      throw CONNECTION_UNAVAILABLE({ connector: payload.connector, connection: connectionId, reason: `connection or stream "${payload.stream}" is not configured in this daemon` });
    }
    const waitingFor = await unmetPrerequisites(deps.store, connectionId, stream.name, deps.graph(payload.connector));
    if (waitingFor.length > 0) return deferForPrerequisites(deps.jobs, job, payload.connector, stream.name, waitingFor);
    const run = { connector: connection.connector, connection: connection.connection.id, stream: stream.name };
    const summary = await runStream({
      stream,
      connection,
      store: deps.store,
      mode: payload.mode,
      jobId: job.id,
      signal: ctx.signal,
      ...(deps.redact === undefined ? {} : { redact: deps.redact }),
      onProgress: (progress) => deps.onProgress?.(run, progress),
    });
    await deps.onSucceeded?.(run).catch((err: unknown) => connection.log.warn({ err, stream: stream.name }, 'the follow-up of a succeeded run failed; the next run tries again'));
    return summary;
  };
}
